import AsterKit
import AsterSim
import AsterTestSupport
import Foundation
import Testing

@Suite("Dashboard order entry end to end in tmux", .serialized, .timeLimit(.minutes(3)))
struct DashboardTradingTests {
    @Test("with --trade: a ticket at the book cursor is placed, shows in open orders, is cancelled from the account pane; a position is closed")
    func ticket() async throws {
        try #require(tmuxAvailable(), "tmux is required (installed by .ci/run)")
        let binary = try asterTUIBinary().path
        let credentials = try demoCredentialsFile()
        defer { try? FileManager.default.removeItem(atPath: credentials) }
        try await withSimulator(SimConfiguration(seed: 91, rate: 3_000)) { _, port in
            let account = AccountClient(rest: RESTClient(baseURL: "http://127.0.0.1:\(port)"),
                                        credentials: .hmac(apiKey: SimAccount.demoAPIKey, secret: Secret(SimAccount.demoSecret)))
            let session = TmuxSession()
            defer { Task { await session.kill() } }
            try await session.start("\(binary) --url ws://127.0.0.1:\(port) --rest-url http://127.0.0.1:\(port) "
                                    + "--credentials \(credentials) --trade --symbol ETHUSDT; echo EXITED:$?; sleep 30",
                                    width: 140, height: 45)
            try await session.waitFor("live with trading on") { s in
                s.contains("TRADING") && s.contains("LIVE") && s.contains("spread") && s.contains("uPnL")
            }
            // The book's cursor on the second bid, then a buy ticket at that price.
            try await session.keys("Tab")
            try await session.keys("j")
            try await session.keys("j")
            try await session.waitFor("book cursor") { $0.contains("bid 2") }
            try await session.keys("b")
            let ticket = try await session.waitFor("ticket") { $0.contains("Buy ETHUSDT") && $0.contains("quantity") }
            // Prefilled with the second bid's price (the book row under the cursor).
            let prefilled = try #require(ticket.firstMatch(of: /price\s+([0-9.]+)/).map { String($0.1) })
            // The exact level under the cursor is checked in OrderTicketTests (this market moves too
            // fast to compare with a later look at the book): here, a price next to the market.
            let rest = RESTClient(baseURL: "http://127.0.0.1:\(port)")
            let mark = try #require(try await rest.premiumIndex(symbol: "ETHUSDT").first?.markPrice)
            let offset = (dec(prefilled) - mark).magnitude
            #expect(offset < mark * dec("0.005"), "the ticket's price \(prefilled) is far from the mark \(mark)")
            // So that it rests while the test cancels it, the price is edited to 3 % under the mark.
            let price = (mark * dec("0.97")).rounded(toMultipleOf: dec("0.01"), rule: .down)
            try await session.keys("0", ".", "5", "BTab")
            for _ in 0..<prefilled.count { try await session.keys("BSpace") }
            try await session.keys(contentsOf: price.description.map(String.init))
            try await session.keys("Enter")
            try await session.waitFor("preview") { $0.contains("notional") && $0.contains("Enter sends") }
            try await session.keys("Enter")
            try await session.waitFor("placed") { $0.contains("✓ placed NEW BUY LIMIT 0.5 ETHUSDT @ \(price)") }
            var open = try await account.openOrders(symbol: "ETHUSDT")
            let ours = try #require(open.first { $0.originalQuantity == dec("0.5") && $0.side == .buy })
            // The account pane (j and k, single keys, move its order cursor): select ours, x, Enter.
            for _ in 0..<5 { try await session.keys("Tab") }
            // The selection follows an order, not a row: from the top, one order down at a time.
            for _ in 0..<40 { try await session.keys("k") }
            var asked = false
            for step in 0..<40 where !asked {
                if step > 0 { try await session.keys("j") }
                try await session.keys("X")
                let screen = try await session.waitFor("confirmation") { $0.contains("Enter or y confirms") }
                asked = screen.contains("(order \(ours.orderId))?")
                if !asked {
                    try await session.keys("n")   // any other key: not this one
                    try await session.waitFor("dismissed") { $0.contains("not sent") && !$0.contains("Enter or y confirms") }
                }
            }
            #expect(asked, "order \(ours.orderId) never selected")
            try await session.keys("Enter")
            try await session.waitFor("cancelled") { $0.contains("✓ cancelled CANCELED BUY LIMIT 0.5 ETHUSDT") }
            open = try await account.openOrders(symbol: "ETHUSDT")
            #expect(!open.contains { $0.orderId == ours.orderId })
            // A market buy, then C closes the position at market.
            try await session.keys("b")
            try await session.waitFor("ticket") { $0.contains("Buy ETHUSDT") }
            try await session.keys("m", "0", ".", "5", "Enter")
            try await session.waitFor("market preview") { $0.contains("MARKET") && $0.contains("Enter sends") }
            try await session.keys("Enter")
            try await session.waitFor("filled") { $0.contains("✓ placed FILLED BUY MARKET 0.5 ETHUSDT") }
            try await waitUntil { try await account.positionRisk(symbol: "ETHUSDT").contains { !$0.positionAmount.isZero } }
            try await session.keys("C")
            try await session.waitFor("close confirmation") { $0.contains("at market (reduce-only)?") }
            try await session.keys("Enter")
            try await session.waitFor("closed") { $0.contains("✓ closing:") }
            try await waitUntil { try await account.positionRisk(symbol: "ETHUSDT").allSatisfy { $0.positionAmount.isZero } }
            try await session.keys("q")
            try await session.waitFor("clean exit") { $0.contains("EXITED:0") }
        }
    }
}
