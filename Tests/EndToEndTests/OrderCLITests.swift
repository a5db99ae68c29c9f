import AsterKit
import AsterSim
import AsterTestSupport
import Foundation
import Testing

@Suite("aster-tui order and position against the simulator", .serialized, .timeLimit(.minutes(3)))
struct OrderCLITests {
    func object(_ text: String) throws -> [String: Any] {
        try #require(parse(text.trimmingCharacters(in: .whitespacesAndNewlines)) as? [String: Any], "not a JSON object: \(text)")
    }

    /// A resting buy price under the simulator's mark, on BTCUSDT's tick.
    func restingPrice(_ port: Int) async throws -> String {
        let rest = RESTClient(baseURL: "http://127.0.0.1:\(port)")
        let info = try #require(try await rest.exchangeInfo().symbol("BTCUSDT"))
        let mark = try #require(try await rest.premiumIndex(symbol: "BTCUSDT").first?.markPrice)
        return (mark * dec("0.98")).rounded(toMultipleOf: info.filters.price.tickSize, rule: .down).description
    }

    @Test("place (JSON, client id with : and /), list, get, cancel; without --yes and a terminal nothing is sent")
    func orderLifecycle() async throws {
        let binary = try asterTUIBinary()
        let credentials = try demoCredentialsFile()
        defer { try? FileManager.default.removeItem(atPath: credentials) }
        try await withSimulator(SimConfiguration(seed: 81, rate: 2_000)) { server, port in
            let common = ["--rest-url", "http://127.0.0.1:\(port)", "--credentials", credentials]
            let price = try await restingPrice(port)
            let place = ["order", "place", "--symbol", "BTCUSDT", "--side", "BUY", "--type", "LIMIT", "--quantity", "0.010",
                         "--price", price, "--client-id", "e2e:1/a"] + common
            // No terminal and no --yes: refused, and no order reached the exchange.
            let refused = try await runProcess(binary, place)
            #expect(refused.status != 0 && refused.stderr.contains("--yes"), "\(refused.stderr)")
            #expect(server.signedAttempts(path: "/fapi/v1/order").filter { $0.method == "POST" }.isEmpty)
            let placed = try await runProcess(binary, place + ["--yes", "--json"])
            #expect(placed.status == 0, "\(placed.stderr)")
            let order = try object(placed.stdout)
            #expect(order["clientOrderId"] as? String == "e2e:1/a" && order["status"] as? String == "NEW")
            #expect(order["price"] as? String == price && order["origQty"] as? String == "0.01")
            let listed = try await runProcess(binary, ["order", "list", "--symbol", "BTCUSDT"] + common)
            #expect(listed.status == 0 && listed.stdout.contains("(e2e:1/a)"), "\(listed.stdout)")
            let got = try await runProcess(binary, ["order", "get", "--symbol", "BTCUSDT", "--client-id", "e2e:1/a", "--json"] + common)
            #expect(try object(got.stdout)["orderId"] as? NSNumber == order["orderId"] as? NSNumber)
            let cancelled = try await runProcess(binary, ["order", "cancel", "--symbol", "BTCUSDT", "--client-id", "e2e:1/a",
                                                          "--yes", "--json"] + common)
            #expect(cancelled.status == 0, "\(cancelled.stderr)")
            #expect(try object(cancelled.stdout)["status"] as? String == "CANCELED")
        }
    }

    @Test("a broken filter is named and nothing is sent; the exchange's refusal prints its code; exit 1")
    func errors() async throws {
        let binary = try asterTUIBinary()
        let credentials = try demoCredentialsFile()
        defer { try? FileManager.default.removeItem(atPath: credentials) }
        try await withSimulator(SimConfiguration(seed: 82, rate: 2_000)) { server, port in
            let common = ["--rest-url", "http://127.0.0.1:\(port)", "--credentials", credentials, "--yes"]
            let price = try await restingPrice(port)
            let offStep = try await runProcess(binary, ["order", "place", "--symbol", "BTCUSDT", "--side", "BUY", "--type", "LIMIT",
                                                        "--quantity", "0.0101", "--price", price] + common)
            #expect(offStep.status == 1 && offStep.stderr.contains("LOT_SIZE") && offStep.stderr.contains("nearest valid: 0.01"),
                    "\(offStep.stderr)")
            #expect(server.signedAttempts(path: "/fapi/v1/order").isEmpty)
            server.faults { $0.pathFailures["/fapi/v1/order"] = [400] }
            let refused = try await runProcess(binary, ["order", "place", "--symbol", "BTCUSDT", "--side", "BUY", "--type", "LIMIT",
                                                        "--quantity", "0.010", "--price", price] + common)
            #expect(refused.status == 1 && refused.stderr.contains("-1001"), "\(refused.stderr)")
            let badFlag = try await runProcess(binary, ["order", "place", "--symbol", "BTCUSDT", "--side", "HOLD", "--type", "LIMIT",
                                                        "--quantity", "1"] + common)
            #expect(badFlag.status == 64 && badFlag.stderr.contains("--side"), "\(badFlag.stderr)")
        }
    }

    @Test("leverage, then a market buy closed with `position close` (reduce-only): flat afterwards")
    func positions() async throws {
        let binary = try asterTUIBinary()
        let credentials = try demoCredentialsFile()
        defer { try? FileManager.default.removeItem(atPath: credentials) }
        try await withSimulator(SimConfiguration(seed: 83, rate: 2_000)) { _, port in
            let common = ["--rest-url", "http://127.0.0.1:\(port)", "--credentials", credentials, "--yes"]
            let leverage = try await runProcess(binary, ["position", "leverage", "--symbol", "ETHUSDT", "--leverage", "9", "--json"] + common)
            #expect(leverage.status == 0, "\(leverage.stderr)")
            #expect(try object(leverage.stdout)["leverage"] as? NSNumber == 9)
            let bought = try await runProcess(binary, ["order", "place", "--symbol", "ETHUSDT", "--side", "BUY", "--type", "MARKET",
                                                       "--quantity", "0.5"] + common)
            #expect(bought.status == 0, "\(bought.stderr)")
            let closed = try await runProcess(binary, ["position", "close", "--symbol", "ETHUSDT", "--json"] + common)
            #expect(closed.status == 0, "\(closed.stderr)")
            let account = AccountClient(rest: RESTClient(baseURL: "http://127.0.0.1:\(port)"),
                                        credentials: .hmac(apiKey: SimAccount.demoAPIKey, secret: Secret(SimAccount.demoSecret)))
            let open = try await account.positionRisk(symbol: "ETHUSDT").filter { !$0.positionAmount.isZero }
            #expect(open.isEmpty, "\(open)")
        }
    }
}
