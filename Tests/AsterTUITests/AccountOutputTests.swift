import AsterTestSupport
import Foundation
import Testing

@testable import AsterKit
@testable import AsterTUI

/// `aster-tui account` and `stream --json` output of account state and user events.
@Suite("Account and event output")
struct AccountOutputTests {
    func position(_ amount: String, side: String = "BOTH", entry: String = "100", at time: Int64) throws -> AsterEvent {
        try EventDecoder().decode(#"""
        {"e":"ACCOUNT_UPDATE","E":\#(time),"T":\#(time),"a":{"m":"ORDER","B":[{"a":"USDT","wb":"\#(1000 + time)","cw":"\#(1000 + time)","bc":"0"}],"P":[{"s":"BTCUSDT","pa":"\#(amount)","ep":"\#(entry)","cr":"0","up":"0","mt":"cross","iw":"0","ps":"\#(side)"}]}}
        """#).event
    }

    var empty: AccountState {
        AccountState(account: AccountInformation(updateTime: 0, totalWalletBalance: 1000, totalUnrealizedProfit: .zero, totalMarginBalance: 1000,
                                                 availableBalance: 1000, assets: [AssetBalance(asset: "USDT", walletBalance: 1000)], positions: []),
                     openOrders: [], at: 0)
    }

    func parse(_ text: String) -> Any? { try? JSONSerialization.jsonObject(with: Data(text.utf8)) }

    @Test("the account prints as one JSON object and as readable lines, decimals exact")
    func output() throws {
        var s = empty
        s.apply(try position("-3", at: 5))
        s.mark("BTCUSDT", price: dec("90"))
        let object = try #require(parse(s.json) as? [String: Any])
        #expect(object["type"] as? String == "account" && object["marginBalance"] as? String == "1035")
        #expect((object["positions"] as? [[String: Any]])?.first?["unrealizedPnL"] as? String == "30")
        // Maintenance 3 × 90 × 0.4 % = 1.08 over a margin balance of 1035.
        #expect(object["marginRatio"] as? String == "0.001043")
        let lines = s.summaryLines
        let header = try #require(lines.firstIndex { $0.hasPrefix("Symbol") })
        #expect(lines[header].split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
                == "Symbol Side Size Entry Mark Liquidation Unrealized PnL ROE % Leverage")
        #expect(lines[header + 1].split(separator: " ").joined(separator: " ").hasPrefix("BTCUSDT SHORT 3 100 90 - 30"))
    }

    @Test("hedge-mode sides print on their own rows, in JSON with positionSide")
    func hedgeRows() throws {
        var s = empty
        s.apply(try position("1", side: "LONG", at: 5))
        s.apply(try position("-2", side: "SHORT", entry: "110", at: 6))
        s.mark("BTCUSDT", price: dec("105"))
        let object = try #require(parse(s.json) as? [String: Any])
        let rows = try #require(object["positions"] as? [[String: Any]])
        #expect(rows.map { $0["positionSide"] as? String } == ["LONG", "SHORT"])
        #expect(s.summaryLines.contains { $0.hasPrefix("BTCUSDT  LONG") })
        #expect(s.summaryLines.contains { $0.hasPrefix("BTCUSDT  SHORT") })
    }

    @Test("unknown enum values print as the server sent them; an empty batch prints nothing")
    func unknownValues() throws {
        let text = #"{"e":"ORDER_TRADE_UPDATE","E":1,"T":1,"o":{"s":"X","c":"c1","S":"HOLD","o":"ICEBERG","f":"GTD","q":"1","p":"100","ap":"0","sp":"0","x":"REPLACED","X":"PENDING","i":5,"l":"0","z":"0","L":"0","T":1,"t":0,"b":"100","a":"0","m":false,"R":false,"wt":"LAST_PRICE","ot":"LIMIT","ps":"MIDDLE","rp":"0"}}"#
        let message = try EventDecoder().decode(text)
        let lines = message.event.jsonLines(stream: nil)
        #expect(lines.count == 1 && lines[0].contains(#""side":"HOLD""#))
        #expect(AsterEvent.batch([]).jsonLines(stream: nil).isEmpty)
    }
}
