import AsterTestSupport
import Foundation
import Testing

@testable import AsterKit

@Suite("Decoder edge cases")
struct DecoderEdgeCaseTests {
    @Test("combined wrapper with data before stream, arrays included")
    func wrapperOrder() throws {
        let trade = try fixture("aggTrade")
        let m = try decode(#"{"data":\#(trade),"stream":"btcusdt@aggTrade"}"#)
        #expect(m.stream == "btcusdt@aggTrade")
        guard case .aggregateTrade = m.event else { throw Unexpected() }
        let arr = try decode(#"{"stream":"!ticker@arr","data":\#(try fixture("tickerArr"))}"#)
        guard case .tickers(let t) = arr.event else { throw Unexpected() }
        #expect(t.count == 1 && arr.stream == "!ticker@arr")
    }

    @Test("missing optional fields decode; missing required ones name the field")
    func optionalFields() throws {
        // Only the fields the spec always sends: no commission (N, n), no close-all (cp), no trailing stop (AP, cr).
        let minimal = Self.order()
        guard case .orderTradeUpdate(let o) = try decode(minimal).event else { throw Unexpected() }
        #expect(o.commission == nil && o.commissionAsset == nil && o.activationPrice == nil && o.callbackRate == nil)
        #expect(o.closePosition == nil && o.stopPrice == .zero && o.realizedProfit == .zero)
        // What the spec always sends is required: before, a missing one became LIMIT, GTC, BOTH or zero.
        let noType = minimal.replacingOccurrences(of: #""f":"GTC","#, with: "")
        #expect(throws: DecodingFailure(.missingField("o.f"), offset: noType.utf8.count - 1, eventType: "ORDER_TRADE_UPDATE")) {
            try decode(noType)
        }
        let noCross = #"{"e":"MARGIN_CALL","E":5,"p":[]}"#
        guard case .marginCall(let mc) = try decode(noCross).event else { throw Unexpected() }
        #expect(mc.crossWalletBalance == nil && mc.positions.isEmpty)
        let fundingOnly = #"{"e":"ACCOUNT_UPDATE","E":1,"T":1,"a":{"m":"FUNDING_FEE","B":[{"a":"USDT","wb":"1","cw":"1","bc":"0"}]}}"#
        guard case .accountUpdate(let au) = try decode(fundingOnly).event else { throw Unexpected() }
        #expect(au.positions.isEmpty && au.reason == .fundingFee && au.balances[0].balanceChange == .zero)
        let noChange = fundingOnly.replacingOccurrences(of: #","bc":"0""#, with: "")
        #expect(throws: DecodingFailure.self) { try decode(noChange) }

        let noPrice = #"{"e":"aggTrade","E":1,"s":"BTCUSDT","a":1,"q":"1","f":1,"l":1,"T":1,"m":true}"#
        let error = #expect(throws: DecodingFailure.self) { try decode(noPrice) }
        #expect(error?.reason == .missingField("p"))
        #expect(error?.description.contains("aggTrade") == true)
    }

    /// An `ORDER_TRADE_UPDATE` with every field the spec always sends; `values` replace some.
    static func order(_ values: [String: String] = [:]) -> String {
        let fields: [(String, String)] = [
            ("s", #""BTCUSDT""#), ("c", #""c1""#), ("S", #""BUY""#), ("o", #""LIMIT""#), ("f", #""GTC""#), ("q", #""1""#),
            ("p", #""100""#), ("ap", #""0""#), ("sp", #""0""#), ("x", #""NEW""#), ("X", #""NEW""#), ("i", "5"), ("l", #""0""#),
            ("z", #""0""#), ("L", #""0""#), ("T", "1"), ("t", "0"), ("b", #""100""#), ("a", #""0""#), ("m", "false"),
            ("R", "false"), ("wt", #""CONTRACT_PRICE""#), ("ot", #""LIMIT""#), ("ps", #""BOTH""#), ("rp", #""0""#),
        ]
        let inner = fields.map { #""\#($0.0)":\#(values[$0.0] ?? $0.1)"# }.joined(separator: ",")
        return #"{"e":"ORDER_TRADE_UPDATE","E":1,"T":1,"o":{\#(inner)}}"#
    }

    @Test("unknown enum values are kept, not fatal")
    func unknownEnums() throws {
        let text = Self.order(["s": #""X""#, "S": #""HOLD""#, "o": #""ICEBERG""#, "f": #""GTD""#, "x": #""REPLACED""#,
                               "X": #""PENDING""#, "wt": #""LAST_PRICE""#, "ps": #""MIDDLE""#])
        guard case .orderTradeUpdate(let o) = try decode(text).event else { throw Unexpected() }
        #expect(o.side == .unknown("HOLD") && o.orderType == .unknown("ICEBERG") && o.timeInForce == .unknown("GTD"))
        #expect(o.executionType == .unknown("REPLACED") && o.status == .unknown("PENDING"))
        #expect(o.workingType == .unknown("LAST_PRICE") && o.positionSide == .unknown("MIDDLE"))
        #expect(o.side.wireValue == "HOLD")
    }

    @Test("unknown event types come out as unknown with the raw text")
    func unknownEvents() throws {
        let text = #"{"e":"newFancyEvent","E":1,"x":[1,2,{"y":null}]}"#
        #expect(try decode(text).event == .unknown(UnknownEvent(eventType: "newFancyEvent", raw: text)))
        let noType = #"{"hello":"world"}"#
        #expect(try decode(noType).event == .unknown(UnknownEvent(eventType: nil, raw: noType)))
        let wrapped = try decode(#"{"stream":"x@y","data":\#(text)}"#)
        #expect(wrapped.stream == "x@y" && wrapped.event.eventType == "newFancyEvent")
    }

    @Test("numbers may arrive as JSON numbers or strings")
    func numbersAsStrings() throws {
        let text = #"{"e":"aggTrade","E":"123","s":"BTCUSDT","a":"5","p":0.001,"q":100,"f":1,"l":2,"T":3,"m":"true"}"#
        guard case .aggregateTrade(let t) = try decode(text).event else { throw Unexpected() }
        #expect(t.eventTime == 123 && t.aggregateTradeId == 5 && t.price == dec("0.001") && t.quantity == dec("100"))
        #expect(t.buyerIsMaker)
    }

    @Test("escaped strings and unicode decode")
    func escapes() throws {
        let text = Self.order(["c": #""a\"b\\c\u00e9\ud83d\ude00""#])
        guard case .orderTradeUpdate(let o) = try decode(text).event else { throw Unexpected() }
        #expect(o.clientOrderId == "a\"b\\cé😀")
    }

    @Test("malformed and truncated frames are typed errors",
          arguments: ["", "   ", "{", "[", "{\"e\":", #"{"e":"aggTrade","E":1"#, "nope", "{}}", #"{"e":"aggTrade","p":"1.2.3"}"#,
                      #"{"e":"depthUpdate","E":1,"s":"X","U":1,"u":2,"b":[["1"]],"a":[]}"#, "123",
                      #"{"e":"aggTrade","E":99999999999999999999}"#, "{\"a\":\"\u{01}\"}",
                      #"{"e":"aggTrade" "E":1}"#, #"{,"e":"aggTrade"}"#, #"{"e":"x","a":1,}"#, #"[1,]"#, #"[,1]"#])
    func malformed(text: String) {
        #expect(throws: DecodingFailure.self) { try decode(text) }
    }

    @Test("every truncation of every fixture fails cleanly, never crashes")
    func truncations() throws {
        for name in allFixtureNames {
            let text = try fixture(name).trimmingCharacters(in: .whitespacesAndNewlines)
            let bytes = Array(text.utf8)
            for cut in stride(from: 0, to: bytes.count - 1, by: 3) {
                let partial = String(decoding: bytes[0..<cut], as: UTF8.self)
                #expect(throws: DecodingFailure.self, "\(name) cut at \(cut)") { try decode(partial) }
            }
        }
    }

    @Test("empty arrays")
    func emptyArrays() throws {
        #expect(try decode("[]").event == .batch([]))
        #expect(try decode(#"{"stream":"!ticker@arr","data":[]}"#).event == .batch([]))
        let depth = #"{"e":"depthUpdate","E":1,"T":1,"s":"BTCUSDT","U":1,"u":2,"pu":0,"b":[],"a":[]}"#
        guard case .depth(let d) = try decode(depth).event else { throw Unexpected() }
        #expect(d.bids.isEmpty && d.asks.isEmpty)
    }

    @Test("mixed arrays become a batch, in order")
    func mixedArrays() throws {
        let text = "[\(try fixture("ticker")),\(try fixture("miniTicker")),\(try fixture("ticker"))]"
        guard case .batch(let events) = try decode(text).event else { throw Unexpected() }
        #expect(events.map(\.eventType) == ["24hrTicker", "24hrMiniTicker", "24hrTicker"])
    }

    @Test("a 1 MiB depth frame decodes")
    func hugeFrame() throws {
        var levels: [String] = []
        var size = 0
        var i = 0
        while size < 1 << 20 {
            let level = #"["\#(10000 + i).\#(i % 100)","\#(i % 7).001"]"#
            levels.append(level)
            size += level.utf8.count + 1
            i += 1
        }
        let text = #"{"stream":"btcusdt@depth","data":{"e":"depthUpdate","E":1,"T":1,"s":"BTCUSDT","U":1,"u":2,"pu":0,"b":[\#(levels.joined(separator: ","))],"a":[]}}"#
        #expect(text.utf8.count > 1 << 20)
        guard case .depth(let d) = try decode(text).event else { throw Unexpected() }
        #expect(d.bids.count == levels.count)
        #expect(d.bids[123] == PriceLevel(price: dec("10123.23"), quantity: dec("4.001")))
    }

    @Test("a 200-symbol ticker array decodes into one typed array")
    func bigTickerArray() throws {
        let one = try fixture("ticker")
        let text = "[" + Array(repeating: one, count: 200).joined(separator: ",") + "]"
        guard case .tickers(let all) = try decode(text).event else { throw Unexpected() }
        #expect(all.count == 200)
    }

    @Test("nesting is bounded")
    func deepNesting() {
        let text = #"{"e":"x","y":"# + String(repeating: "[", count: 500) + String(repeating: "]", count: 500) + "}"
        #expect(throws: DecodingFailure.self) { try decode(text) }
    }

    @Test("the packed key constants match their text")
    func keyConstants() {
        #expect(JSONKey.e == JSONKey("e") && JSONKey.E_ == JSONKey("E") && JSONKey.pu == JSONKey("pu"))
        #expect(JSONKey.AP_ == JSONKey("AP") && JSONKey.stream == JSONKey("stream") && JSONKey.U_ == JSONKey("U"))
        #expect(EventTypeKey.orderTradeUpdate == JSONKey("ORDER_TRADE_UPDATE"))
        #expect(EventTypeKey.miniTicker == JSONKey("24hrMiniTicker") && EventTypeKey.aggTrade == JSONKey("aggTrade"))
        #expect(JSONKey("stream").text == "stream")
    }
}
