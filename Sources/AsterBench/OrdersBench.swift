import AsterKit
import AsterSim
import AsyncHTTPClient
import Foundation

/// Signed orders per second the simulator accepts and matches from concurrent clients: each
/// client is an AsterKit ``TradingClient`` with an account of its own (V1 HMAC keys or V3 agent
/// wallets), placing market orders of the minimum size, buy and sell in turn, over real HTTP on
/// loopback while the simulated market keeps trading. Every order is checked against the symbol's
/// filters, signed, sent, verified by the simulator (HMAC or EIP-712 signature recovery), matched
/// against the book (the fills print on the public streams) and answered with its result.
enum OrdersBench {
    /// How the benchmark's clients sign.
    enum Signing: String, CaseIterable, Sendable {
        case v1, v3
    }

    /// What one run measured.
    struct Result: Sendable {
        var accepted = 0
        var filled = 0
        var refused: [String: Int] = [:]
        var latencies: [Double] = []
    }

    static func run(clients: Int, seconds: Double, signings: [Signing]) async throws {
        print("\nOrders benchmark: \(clients) concurrent clients, each its own account, market orders (min size, buy/sell in turn) on BTCUSDT")
        print("signing | orders/s accepted | matched (filled) | refused | latency p50 / p99 | process CPU")
        for signing in signings {
            let credentials = (0..<clients).map { credential(signing, index: $0) }
            var configuration = SimConfiguration(seed: 21, rate: 2_000, warmUpMinutes: 5,
                                                 requestWeightLimit: 100_000_000)
            configuration.accounts = credentials.map(\.sim)
            configuration.balance = 10_000_000
            // Like the request weight: the per-account ORDERS limit would cap each client at 1200/min.
            configuration.orderRateLimits = [SimOrderRateLimit(interval: .minute, limit: 100_000_000)]
            let server = SimServer(configuration: configuration)
            let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
            let serverTask = Task {
                defer { continuation.finish() }
                try await server.run { continuation.yield($0) }
            }
            var it = ports.makeAsyncIterator()
            guard let port = await it.next() else {
                try await serverTask.value  // the simulator's own error: it could not start
                return
            }
            let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(
                connectionPool: .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: clients * 2)))
            let traders = credentials.map { c in
                TradingClient(account: AccountClient(rest: RESTClient(baseURL: "http://127.0.0.1:\(port)", httpClient: http),
                                                     credentials: c.client))
            }
            // Warm-up: exchange rules, the server-time offset and a connection per client.
            for trader in traders { _ = try await trader.symbolInfo("BTCUSDT"); _ = try? await trader.place(order(.buy)) }
            let cpuBefore = FeedBench.cpuSeconds()
            let started = ContinuousClock.now
            let deadline = started + .milliseconds(Int64(seconds * 1_000))
            let results = await withTaskGroup(of: Result.self) { group in
                for trader in traders {
                    group.addTask { await loop(trader, until: deadline) }
                }
                var total = Result()
                for await r in group {
                    total.accepted += r.accepted
                    total.filled += r.filled
                    total.latencies += r.latencies
                    total.refused.merge(r.refused, uniquingKeysWith: +)
                }
                return total
            }
            let elapsed = (ContinuousClock.now - started).seconds
            let cpu = FeedBench.cpuSeconds() - cpuBefore
            let sorted = results.latencies.sorted()
            let p50 = sorted.isEmpty ? 0 : sorted[sorted.count / 2]
            let p99 = sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, sorted.count * 99 / 100)]
            let refused = results.refused.isEmpty ? "0"
                : results.refused.sorted { $0.value > $1.value }.map { "\($0.value)× \($0.key)" }.joined(separator: "; ")
            print(String(format: "%@ | %.0f | %.0f | %@ | %.1f / %.1f ms | %.0f%% of one core",
                         signing.rawValue.uppercased(), Double(results.accepted) / elapsed, Double(results.filled) / elapsed,
                         refused, p50 * 1e3, p99 * 1e3, cpu / elapsed * 100))
            try await http.shutdown()
            serverTask.cancel()
            _ = try? await serverTask.value
        }
    }

    static func order(_ side: Side) -> NewOrder {
        .market("BTCUSDT", side, quantity: ExactDecimal(mantissa: 1, scale: 3))
    }

    static func loop(_ trader: TradingClient, until deadline: ContinuousClock.Instant) async -> Result {
        var result = Result()
        var side = Side.sell
        while ContinuousClock.now < deadline {
            let sent = ContinuousClock.now
            do {
                let placed = try await trader.place(order(side))
                result.accepted += 1
                if placed.executedQuantity > .zero { result.filled += 1 }
                result.latencies.append((ContinuousClock.now - sent).seconds)
            } catch {
                result.refused["\(error)".prefix(80).description, default: 0] += 1
            }
            side = side == .buy ? .sell : .buy
        }
        return result
    }

    /// A deterministic account for client `index`: an API key and secret, or an agent wallet
    /// (a fixed private key) for a made-up main wallet.
    static func credential(_ signing: Signing, index: Int) -> (sim: SimCredential, client: Credentials) {
        switch signing {
        case .v1:
            let key = "bench-key-\(index)", secret = "bench-secret-\(index)"
            return (.hmac(apiKey: key, secret: secret), .hmac(apiKey: key, secret: Secret(secret)))
        case .v3:
            let privateKey = "0x" + String(repeating: "0", count: 56) + String(format: "%08x", index + 1)
            let user = "0x" + String(repeating: "b", count: 32) + String(format: "%08x", index + 1)
            // A fixed key of the right length always gives a signer (index + 1 is below the curve order).
            let signer = (try? AgentSigner(privateKey: Secret(privateKey)).address) ?? ""
            return (.agent(user: user, signer: signer), .agent(user: user, signer: signer, privateKey: Secret(privateKey)))
        }
    }
}
