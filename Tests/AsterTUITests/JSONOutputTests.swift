import AsterTestSupport
import Foundation
import Testing

@testable import AsterKit
@testable import AsterTUI

@Suite("JSON line output")
struct JSONOutputTests {
    func object(_ line: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
    }

    @Test("every fixture prints valid JSON lines with the common keys")
    func commonKeys() throws {
        for name in allFixtureNames {
            let message = try decode(try fixture(name))
            let lines = message.event.jsonLines(stream: message.stream)
            #expect(!lines.isEmpty, "\(name)")
            for line in lines {
                let o = try object(line)
                #expect(o.keys.contains("stream") && o["type"] is String, "\(name): \(line)")
                if message.event.eventType != nil && !message.event.isUserEvent {
                    #expect(o["symbol"] as? String == (o["symbol"] as? String)?.uppercased())
                    #expect(o["eventTime"] is NSNumber, "\(name)")
                }
            }
        }
    }

    @Test("aggTrade line has exact string decimals")
    func aggTrade() throws {
        let message = try decode(#"{"stream":"btcusdt@aggTrade","data":\#(try fixture("aggTrade"))}"#)
        let line = message.event.jsonLines(stream: message.stream)[0]
        #expect(line == #"{"stream":"btcusdt@aggTrade","type":"aggTrade","symbol":"BTCUSDT","eventTime":123456789,"aggregateTradeId":5933014,"price":"0.001","quantity":"100","firstTradeId":100,"lastTradeId":105,"tradeTime":123456785,"buyerIsMaker":true}"#)
    }

    @Test("required keys per type",
          arguments: [("markPrice", ["markPrice", "indexPrice", "estimatedSettlePrice", "fundingRate", "nextFundingTime"]),
                      ("kline", ["interval", "openTime", "closeTime", "open", "high", "low", "close", "volume", "quoteVolume", "trades", "isClosed"]),
                      ("ticker", ["lastPrice", "openPrice", "highPrice", "lowPrice", "volume", "quoteVolume"]),
                      ("miniTicker", ["lastPrice", "openPrice", "highPrice", "lowPrice", "volume", "quoteVolume"]),
                      ("bookTicker", ["updateId", "bidPrice", "bidQuantity", "askPrice", "askQuantity"]),
                      ("forceOrder", ["side", "price", "quantity", "averagePrice", "status"]),
                      ("depthDiff", ["firstUpdateId", "finalUpdateId", "previousFinalUpdateId", "bids", "asks"])])
    func keys(name: String, keys: [String]) throws {
        let message = try decode(try fixture(name))
        let o = try object(message.event.jsonLines(stream: nil)[0])
        for key in keys { #expect(o[key] != nil, "\(name) lacks \(key)") }
        if name == "depthDiff" {
            #expect((o["bids"] as? [[String]]) == [["0.0024", "10"]])
        }
    }

    @Test("array payloads give one line per element")
    func arrays() throws {
        let text = "[\(try fixture("ticker")),\(try fixture("ticker"))]"
        #expect(try decode(text).event.jsonLines(stream: "!ticker@arr").count == 2)
    }
}
