import AsterSim
import AsterTestSupport
import Foundation
import Testing

@testable import AsterKit

private func place(_ client: AccountClient, _ params: [(String, String)]) async throws {
    _ = try await client.signed(.POST, "/fapi/v1/order", params)
}

/// Why the books differ from the server's, or `nil` when they are equal. The server is asked
/// (depth of 50 levels: weight 2) only once both books are live: the test's own polling must not
/// use up the REST weight the books' snapshots need.
private func bookMismatch(_ manager: OrderBookManager, _ symbols: [String], port: Int) async throws -> String? {
    for symbol in symbols {
        guard let status = await manager.status(symbol), status.state == .live else {
            return "\(symbol): \(String(describing: await manager.status(symbol)))"
        }
    }
    for symbol in symbols {
        guard let book = await manager.book(symbol) else { return "\(symbol): no book" }
        let truth = try await RESTClient(baseURL: "http://127.0.0.1:\(port)").depth(symbol: symbol, limit: 50)
        guard book.lastUpdateId == truth.lastUpdateId, book.bids.top(50) == truth.bids, book.asks.top(50) == truth.asks else {
            return "\(symbol): book at \(book.lastUpdateId), server at \(truth.lastUpdateId)"
        }
    }
    return nil
}

/// Why the account differs from the simulator's (read in process), or `nil` when it is equal.
private func accountMismatch(_ live: LiveAccount, _ server: SimServer) async -> String? {
    guard await live.synced, let state = await live.state else {
        let status = await live.status
        return "not synced: \(status.connection), \(status.lastError ?? "no error")"
    }
    let sim = server.accountSnapshot
    let positions = sim.positions.filter { !$0.value.amount.isZero }
    let positionsMatch = positions.count == state.openPositions.count && state.openPositions.allSatisfy { p in
        positions[p.symbol]?.amount == p.amount && positions[p.symbol]?.entryPrice == p.entryPrice
    }
    guard positionsMatch else {
        return "positions: server \(positions.mapValues(\.amount)), local \(state.openPositions.map { ($0.symbol, $0.amount) })"
    }
    guard Set(sim.orders.keys) == Set(state.openOrders.keys) else {
        return "orders: server \(sim.orders.keys.sorted()), local \(state.openOrders.keys.sorted())"
    }
    guard sim.wallet == state.balances["USDT"]?.walletBalance else {
        return "wallet: server \(sim.wallet), local \(String(describing: state.balances["USDT"]?.walletBalance))"
    }
    return nil
}

/// Waits until `mismatch` finds no difference; on timeout the last difference is recorded.
private func waitUntilEqual(_ what: String, _ mismatch: () async throws -> String?) async throws {
    var last: String? = "not checked"
    do {
        try await waitUntil(timeout: .seconds(60)) {
            last = try await mismatch()
            if last != nil { try await Task.sleep(for: .milliseconds(500)) }
            return last == nil
        }
    } catch {
        Issue.record("\(what) differ from the server's: \(last ?? "")")
        throw error
    }
}

/// Part of the normal suite. It once hung in a full run after its faults: a connection writer of
/// the simulator waited on a socket nobody read (the proxy's, left open when an expectation
/// failed), ignoring cancellation, so the simulator never stopped. The simulator's writes now
/// end with their task (StalledReaderShutdownTests) and the proxy is stopped on every way out.
@Suite("A seeded run of network faults", .serialized, .timeLimit(.minutes(5)))
struct FaultRunTests {
    @Test("every fault kind strikes (delays, resets mid-frame, peers that stop reading, half-open connections), then random ones; books and account then equal the server's and nothing is left open")
    func seededFaults() async throws {
        try await withSimulator(SimConfiguration(seed: 180, rate: 2_000)) { server, port in
            // Each kind once, in this order, then random ones.
            let faults = FaultProxy.Faults(delay: .milliseconds(15), reset: 0.3, stopReading: 0.15, halfOpen: 0.15,
                                           strikeAfter: 3_000...60_000, strikeWithin: .seconds(4),
                                           script: [.reset, .stopReading, .halfOpen])
            let client = try await withFaultProxy(upstreamPort: port, seed: 1_217, faults: faults) { proxy in
                try await runFaults(server: server, port: port, proxy: proxy)
            }
            // The proxy stopped: every socket of the client, the account and the proxy is closed
            // (REST keeps its own pool), and the simulator has no websocket connection left.
            try await waitUntil(timeout: .seconds(10)) { server.openConnections == 0 }
            #expect(client.state?.state == .stopped)
            #expect(client.consumerCount == 0, "every feed ended")
        }
    }

    private func runFaults(server: SimServer, port: Int, proxy: FaultProxy) async throws -> StreamClient {
        let symbols = ["BTCUSDT", "ETHUSDT"]
        let quick = StreamConfiguration(pingInterval: .milliseconds(300), pingTimeout: .milliseconds(900),
                                        backoff: Backoff(initial: .milliseconds(50), maximum: .milliseconds(400)),
                                        healthyPeriod: .seconds(2), connectTimeout: .seconds(2), closeTimeout: .milliseconds(300))
        let client = StreamClient(base: "ws://127.0.0.1:\(proxy.port)", streams: OrderBookManager.streams(symbols: symbols),
                                  configuration: quick)
        let manager = OrderBookManager(symbols: symbols, rest: RESTClient(baseURL: "http://127.0.0.1:\(port)"))
        let live = LiveAccount(account: demoAccount(port: port), webSocketBase: "ws://127.0.0.1:\(proxy.port)",
                               configuration: quick, backoff: Backoff(initial: .milliseconds(50), maximum: .milliseconds(400)))
        let trader = demoAccount(port: port)
        let events = client.events()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await client.run() }
            group.addTask { try await live.run() }
            group.addTask { await manager.run(events) }
            // Trading while the faults strike: fills move positions, resting orders come and go.
            for round in 0..<10 {
                try await place(trader, [("symbol", "BTCUSDT"), ("side", round % 3 == 0 ? "SELL" : "BUY"), ("type", "MARKET"),
                                         ("quantity", "0.010")])
                try await place(trader, [("symbol", "ETHUSDT"), ("side", "BUY"), ("type", "LIMIT"), ("timeInForce", "GTC"),
                                         ("quantity", "0.100"), ("price", "1000")])
                try await Task.sleep(for: .milliseconds(800))
            }
            // Every scripted fault struck (each connection's within 4 s); random ones follow.
            do {
                try await waitUntil(timeout: .seconds(90)) { proxy.scriptLeft.isEmpty }
            } catch {
                Issue.record("struck \(proxy.strikes), dealt \(proxy.struck), script left \(proxy.scriptLeft)")
                throw error
            }
            let injected = proxy.injected
            for kind in FaultProxy.Kind.allCases {
                #expect(injected[kind, default: 0] >= 1, "\(kind) never injected: \(injected)")
            }
            // More trading under the random faults.
            for _ in 0..<5 {
                try await place(trader, [("symbol", "BTCUSDT"), ("side", "BUY"), ("type", "MARKET"), ("quantity", "0.010")])
                try await Task.sleep(for: .milliseconds(800))
            }
            // The network heals; connections still carrying a fault fail and are replaced.
            proxy.setFaults(.none)
            server.setPaused(true)
            try await waitUntilEqual("books") { try await bookMismatch(manager, symbols, port: port) }
            try await waitUntilEqual("account") { await accountMismatch(live, server) }
            #expect(proxy.accepted > 3, "connections were replaced: \(proxy.strikes)")
            group.cancelAll()
            try await group.waitForAll()
        }
        server.setPaused(false)
        await proxy.stop()
        try await waitUntil(timeout: .seconds(10)) { ownSockets(toPorts: [proxy.port]) == 0 && proxy.openSockets == 0 }
        return client
    }
}
