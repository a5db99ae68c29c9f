import AsterTestSupport
import Foundation
import Testing

@testable import AsterKit

/// REST lists are as tolerant as stream arrays: a bad element is left out, counted and logged
/// with its path; the rest is delivered.
@Suite("REST lists: tolerant decoding", .serialized, .timeLimit(.minutes(2)))
struct RESTTolerantListTests {
    @Test("exchangeInfo: the spec's symbol with an extra filter type and no \"ignore\" fields, plus a broken symbol and one without a filter",
          arguments: RESTClient.APIVersion.allCases)
    func exchangeInfo(version: RESTClient.APIVersion) async throws {
        var info = try #require(try restFixture("exchangeInfo") as? [String: Any])
        var doge = try #require((info["symbols"] as? [[String: Any]])?.first)
        let filters = try #require(doge["filters"] as? [[String: Any]])
        var broken = doge
        broken["symbol"] = "BADUSDT"
        broken["pair"] = nil
        var noLot = doge
        noLot["symbol"] = "NOLOTUSDT"
        noLot["filters"] = filters.filter { $0["filterType"] as? String != "LOT_SIZE" }
        doge["filters"] = filters + [["filterType": "MAX_POSITION", "maxPosition": "1000"]]
        doge["maintMarginPercent"] = nil
        doge["requiredMarginPercent"] = nil
        info["symbols"] = [broken, doge, noLot]
        info["serverTime"] = nil
        let server = RESTFixtureServer()
        server.serve("exchangeInfo", try jsonText(info))
        let log = CapturedLog()
        let p = version.prefix
        try await server.run(logger: log.logger) { rest in
            let decoded = try await rest.exchangeInfo(version: version)
            #expect(decoded.symbols.map(\.symbol) == ["DOGEUSDT", "NOLOTUSDT"] && decoded.serverTime == nil)
            let d = try #require(decoded.symbol("DOGEUSDT"))
            #expect(d.maintenanceMarginPercent == nil && d.requiredMarginPercent == nil && d.tickSize == dec("0.0001"))
            #expect(d.filters.unknown == [.init(filterType: "MAX_POSITION", fields: ["maxPosition": "1000"])])
            #expect(d.filters.lotSize != nil && d.filters.percentPrice != nil && d.filters.maxOrders == 200)
            let n = try #require(decoded.symbol("NOLOTUSDT"))
            #expect(n.filters.lotSize == nil && n.stepSize == nil && n.filters.price != nil && n.filters.marketLotSize != nil)
            #expect(rest.skippedElements == 1)
            let expected = "\(p)/exchangeInfo: invalid response: missing field \"symbols[BADUSDT].pair\""
            #expect(log.lines.contains { $0.hasPrefix("warning") && $0.contains("error=\(expected)") && $0.contains("path=\(p)/exchangeInfo") },
                    "\(log.lines)")
        }
    }

    @Test("a malformed filter is left out and recorded; the symbol is delivered without it")
    func malformedFilter() throws {
        var info = try #require(try restFixture("exchangeInfo") as? [String: Any])
        var doge = try #require((info["symbols"] as? [[String: Any]])?.first)
        var filters = try #require(doge["filters"] as? [[String: Any]])
        filters[0]["tickSize"] = "1e17"
        doge["filters"] = filters
        info["symbols"] = [doge]
        let fields = try JSONFields(info, path: "/fapi/v1/exchangeInfo")
        let symbol = try #require(try ExchangeInfo(fields).symbols.first)
        #expect(symbol.filters.price == nil && symbol.filters.lotSize != nil)
        #expect(fields.skipped.errors.map(\.description)
                == ["/fapi/v1/exchangeInfo: invalid response: field \"symbols[DOGEUSDT].filters[PRICE_FILTER].tickSize\" out of range"])
    }

    @Test("account: a position or balance that fails to decode is left out and recorded; the rest is delivered")
    func accountLists() throws {
        var account = try #require(try restFixture("account") as? [String: Any])
        var positions = try #require(account["positions"] as? [[String: Any]])
        var bad = positions[0]
        bad["positionAmt"] = "lots"
        var other = positions[0]
        other["symbol"] = "ETHUSDT"
        positions = [bad, other]
        account["positions"] = positions
        var assets = try #require(account["assets"] as? [[String: Any]])
        assets[0]["walletBalance"] = nil
        account["assets"] = assets
        let fields = try JSONFields(account, path: "/fapi/v4/account")
        let decoded = try AccountInformation(fields)
        #expect(decoded.positions.map(\.symbol) == ["ETHUSDT"] && decoded.assets.count == 1)
        #expect(fields.skipped.errors.map(\.description).sorted() == [
            "/fapi/v4/account: invalid response: malformed field \"positions[0].positionAmt\"",
            "/fapi/v4/account: invalid response: missing field \"assets[0].walletBalance\"",
        ])
    }

    @Test("open orders: one bad order of a list is left out, the others delivered")
    func orders() throws {
        let orders = try #require(try restFixture("openOrders") as? [[String: Any]])
        var bad = orders[0]
        bad["orderId"] = "x"
        let skipped = SkippedElements()
        let list = try JSONFields.list([bad, orders[0], 7], path: "/fapi/v1/openOrders", skipped: skipped) { f throws(RESTError) in
            try OpenOrder(f)
        }
        #expect(list.count == 1 && skipped.errors.count == 2)
        #expect(skipped.errors.map(\.description) == [
            "/fapi/v1/openOrders: invalid response: malformed field \"[0].orderId\"",
            "/fapi/v1/openOrders: invalid response: expected element [2] to be a JSON object",
        ])
    }
}
