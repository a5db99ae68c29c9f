import AsterTestSupport
import Testing

@testable import AsterKit

@Suite("Stream names and live requests")
struct StreamNameTests {
    static let every: [String] = {
        var names = ["btcusdt@aggTrade", "btcusdt@markPrice", "btcusdt@markPrice@1s", "!markPrice@arr",
                     "!markPrice@arr@1s", "btcusdt@miniTicker", "!miniTicker@arr", "btcusdt@ticker", "!ticker@arr",
                     "btcusdt@bookTicker", "!bookTicker", "btcusdt@forceOrder", "!forceOrder@arr", "btcusdt@depth",
                     "btcusdt@depth@100ms", "btcusdt@depth@500ms", "btcusdt@tradepro"]
        for interval in KlineInterval.allCases { names.append("btcusdt@kline_\(interval.wireValue)") }
        for levels in [5, 10, 20] {
            for speed in ["", "@100ms", "@500ms"] { names.append("btcusdt@depth\(levels)\(speed)") }
        }
        return names
    }()

    @Test("every documented stream name round-trips", arguments: every)
    func roundTrip(name: String) throws {
        #expect(try StreamName(parsing: name).name == name)
    }

    @Test("there are 15 kline intervals") func intervals() {
        #expect(KlineInterval.allCases.count == 15)
        #expect(KlineInterval.oneMonth.wireValue == "1M" && KlineInterval.oneMinute.wireValue == "1m")
    }

    @Test("symbols are lower-cased")
    func lowerCase() throws {
        #expect(try StreamName(parsing: "BTCUSDT@aggTrade").name == "btcusdt@aggTrade")
        #expect(StreamName.bookTicker(symbol: "ETHUSDT").name == "ethusdt@bookTicker")
    }

    @Test("invalid names are rejected with a reason",
          arguments: [("btcusdt@depth15", "5, 10 or 20"), ("btcusdt@kline_2m", "kline interval"),
                      ("btcusdt@depth@250ms", "@100ms or @500ms"), ("btcusdt", "<symbol>@<stream>"),
                      ("@aggTrade", "symbol"), ("btc-usdt@aggTrade", "symbol"), ("btcusdt@trades", "unknown stream"),
                      ("!ticker", "all-market"), ("btcusdt@depth20@1s", "@100ms")])
    func invalid(name: String, reason: String) {
        let error = #expect(throws: StreamNameError.self) { try StreamName(parsing: name) }
        #expect(error?.description.contains(reason) == true, "\(String(describing: error))")
    }

    @Test("endpoints")
    func endpoints() {
        #expect(AsterEndpoint.raw(base: "wss://fstream.asterdex.com/", stream: .aggTrade(symbol: "btcusdt"))
            == "wss://fstream.asterdex.com/ws/btcusdt@aggTrade")
        #expect(AsterEndpoint.combined(base: "ws://127.0.0.1:1", streams: [.allTickers, .diffDepth(symbol: "btcusdt", speed: .ms100)])
            == "ws://127.0.0.1:1/stream?streams=!ticker@arr/btcusdt@depth@100ms")
    }

    @Test("live request messages are the spec's")
    func requests() {
        #expect(LiveRequest.subscribe([.aggTrade(symbol: "btcusdt"), .diffDepth(symbol: "btcusdt")], id: 1).jsonText
            == #"{"method":"SUBSCRIBE","params":["btcusdt@aggTrade","btcusdt@depth"],"id":1}"#)
        #expect(LiveRequest.unsubscribe([.diffDepth(symbol: "btcusdt")], id: 312).jsonText
            == #"{"method":"UNSUBSCRIBE","params":["btcusdt@depth"],"id":312}"#)
        #expect(LiveRequest.listSubscriptions(id: 3).jsonText == #"{"method":"LIST_SUBSCRIPTIONS","id":3}"#)
        #expect(LiveRequest.setCombined(true, id: 5).jsonText
            == #"{"method":"SET_PROPERTY","params":["combined",true],"id":5}"#)
        #expect(LiveRequest.getCombined(id: 2).jsonText == #"{"method":"GET_PROPERTY","params":["combined"],"id":2}"#)
    }
}
