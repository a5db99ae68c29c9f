import AsterTestSupport
import AsterKit
import AsterSim
import Foundation
import Logging
import Synchronization
import Testing
import WSClient

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif


/// Raw text frames from a websocket until `until` says stop (or `timeout`).
func collectFrames(url: String, send: [String] = [], timeout: Duration = .seconds(15),
                   until: @escaping @Sendable ([String]) -> Bool) async throws -> [String] {
    let box = FrameBox()
    let logger: Logger = {
        var l = Logger(label: "test")
        l.logLevel = .critical
        return l
    }()
    try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask {
            _ = try await WebSocketClient.connect(url: url, configuration: .init(maxFrameSize: 8 << 20), logger: logger) {
                inbound, outbound, _ in
                for text in send { try await outbound.write(.text(text)) }
                for try await message in inbound.messages(maxSize: 8 << 20) {
                    guard case .text(let text) = message else { continue }
                    if await box.append(text, until) { return }
                }
            }
        }
        group.addTask { try await Task.sleep(for: timeout) }
        try await group.next()
        group.cancelAll()
    }
    return await box.frames
}

actor FrameBox {
    var frames: [String] = []
    func append(_ text: String, _ until: ([String]) -> Bool) -> Bool {
        frames.append(text)
        return until(frames)
    }
}

func httpJSON(_ url: String) async throws -> Any {
    let (data, _) = try await URLSession.shared.data(from: URL(string: url)!)
    return try JSONSerialization.jsonObject(with: data)
}

/// The JSON "shape" of a value: key names and value kinds, recursively (first element of arrays).
func shape(_ value: Any) -> String {
    switch value {
    case let o as [String: Any]:
        return "{" + o.keys.sorted().map { "\($0):\(shape(o[$0]!))" }.joined(separator: ",") + "}"
    case let a as [Any]:
        return "[" + (a.first.map(shape) ?? "") + "]"
    case let n as NSNumber:
        return String(cString: n.objCType) == "c" ? "bool" : "number"
    case is String: return "string"
    case is NSNull: return "null"
    default: return "?"
    }
}


@Suite("Simulator server", .serialized, .timeLimit(.minutes(3)))
struct SimServerTests {
    static let fixtureByStream: [String: String] = [
        "btcusdt@aggTrade": "aggTrade", "btcusdt@markPrice@1s": "markPrice", "!markPrice@arr@1s": "markPriceArr",
        "btcusdt@kline_1m": "kline", "btcusdt@miniTicker": "miniTicker", "!miniTicker@arr": "miniTickerArr",
        "btcusdt@ticker": "ticker", "!ticker@arr": "tickerArr", "btcusdt@bookTicker": "bookTicker",
        "!bookTicker": "bookTicker", "btcusdt@depth5@100ms": "depthPartial", "btcusdt@depth@100ms": "depthDiff",
        "!forceOrder@arr": "forceOrderArr", "btcusdt@tradepro": "tradePro",
    ]

    @Test("every payload has the spec's key names and JSON types")
    func fidelity() async throws {
        let streams = Self.fixtureByStream.keys.sorted()
        let frames = try await withSimulator { _, port in
            // Each new frame is looked at once (parsing every frame again per frame made a slow,
            // loaded run fall behind the stream and miss the rare ones within the timeout).
            final class Seen: Sendable { let streams = Mutex<Set<String>>([]) }
            let seen = Seen()
            return try await collectFrames(url: "ws://127.0.0.1:\(port)/stream?streams=\(streams.joined(separator: "/"))",
                                           timeout: .seconds(40)) { frames in
                guard let stream = frames.last.flatMap({ (parse($0) as? [String: Any])?["stream"] as? String }) else { return false }
                return seen.streams.withLock { $0.insert(stream); return $0.count == streams.count }
            }
        }
        var seen: Set<String> = []
        for frame in frames {
            let wrapper = try #require(parse(frame) as? [String: Any])
            #expect(Set(wrapper.keys) == ["stream", "data"])
            let stream = try #require(wrapper["stream"] as? String)
            var expected = shape(parse(try fixture(Self.fixtureByStream[stream]!)))
            if stream.hasSuffix("@tradepro") {
                // The spec's tradepro example is the combined-stream wrapper.
                expected = shape((parse(try fixture("tradePro")) as! [String: Any])["data"]!)
            }
            #expect(shape(wrapper["data"]!) == expected, "\(stream)")
            seen.insert(stream)
        }
        #expect(seen == Set(streams))
    }

    @Test("user data payloads have the spec's key names and JSON types (raw HTTP and websocket, no AsterKit client)")
    func userFidelity() async throws {
        let fixtures = ["ORDER_TRADE_UPDATE": "orderTradeUpdate", "ACCOUNT_UPDATE": "accountUpdate", "MARGIN_CALL": "marginCall",
                        "ACCOUNT_CONFIG_UPDATE": "accountConfigLeverage", "listenKeyExpired": "listenKeyExpired",
                        "announcement": "announcementPublic"]
        // A small wallet, so one position at 125x crosses the (lowered) margin-call level: the
        // account's own trading makes every event, nobody else's.
        var config = SimConfiguration(seed: 48, rate: 8_000, listenKeyValidity: .seconds(12))
        config.balance = 13
        config.marginCallRatio = ExactDecimal(mantissa: 3, scale: 1)
        let frames = try await withSimulator(config) { server, port in
            var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)/fapi/v1/listenKey")!)
            request.httpMethod = "POST"
            request.setValue(SimAccount.demoAPIKey, forHTTPHeaderField: "X-MBX-APIKEY")
            let (body, _) = try await URLSession.shared.data(for: request)
            let key = try #require((parse(String(decoding: body, as: UTF8.self)) as? [String: Any])?["listenKey"] as? String)
            async let frames = collectFrames(url: "ws://127.0.0.1:\(port)/ws/\(key)", timeout: .seconds(40)) { frames in
                Set(frames.compactMap { (parse($0) as? [String: Any])?["e"] as? String }).isSuperset(of: fixtures.keys)
            }
            try await waitUntil { server.openConnections == 1 }
            let rest = RawREST(port: port)
            let leverage = try await rest.v1("POST", "/fapi/v1/leverage", "symbol=BTCUSDT&leverage=125")
            #expect(leverage.status == 200, "\(leverage.text)")
            let order = try await rest.v1("POST", "/fapi/v1/order", "symbol=BTCUSDT&side=BUY&type=MARKET&quantity=0.014")
            #expect(order.status == 200, "\(order.text)")
            return try await frames
        }
        var seen: Set<String> = []
        for frame in frames {
            let payload = try #require(parse(frame) as? [String: Any])
            let type = try #require(payload["e"] as? String)
            let name = try #require(fixtures[type], "unexpected event \(type)")
            var expected = try #require(parse(try fixture(name)) as? [String: Any])
            if type == "ORDER_TRADE_UPDATE", var o = expected["o"] as? [String: Any] {
                // Only trailing-stop orders carry the activation price and callback rate.
                o["AP"] = nil
                o["cr"] = nil
                // "Commission Asset, will not push if no commission" (the spec).
                if (payload["o"] as? [String: Any])?["n"] == nil {
                    o["N"] = nil
                    o["n"] = nil
                }
                expected["o"] = o
            }
            if type == "ACCOUNT_UPDATE", let a = payload["a"] as? [String: Any], a["m"] as? String == "FUNDING_FEE",
               var e = expected["a"] as? [String: Any] {
                // A crossed position's funding fee: "only the balance B … without any position P".
                e["P"] = nil
                expected["a"] = e
            }
            #expect(shape(payload) == shape(expected), "\(type)")
            seen.insert(type)
        }
        #expect(seen == Set(fixtures.keys))
    }

    @Test("REST snapshot plus the diff stream rebuild the book level for level (independent consumer)")
    func snapshotAndDiffs() async throws {
        try await withSimulator { server, port in
            let depthURL = "http://127.0.0.1:\(port)/fapi/v1/depth?symbol=BTCUSDT&limit=1000"
            actor Shared {
                var snapshot: String?
                func set(_ s: String) { snapshot = s }
            }
            let shared = Shared()
            let frames = try await collectFrames(url: "ws://127.0.0.1:\(port)/ws/btcusdt@depth@100ms", timeout: .seconds(20)) { frames in
                if frames.count == 3 {
                    Task {
                        let (data, _) = try await URLSession.shared.data(from: URL(string: depthURL)!)
                        await shared.set(String(decoding: data, as: UTF8.self))
                    }
                }
                if frames.count == 15 { server.setPaused(true) }
                return frames.count >= 25
            }
            let snapText = try #require(await shared.snapshot)
            let snap = try #require(parse(snapText) as? [String: Any])
            func levels(_ key: String, _ o: [String: Any]) -> [PriceLevel] {
                (o[key] as! [[String]]).map { PriceLevel(price: dec($0[0]), quantity: dec($0[1])) }
            }
            var consumer = SpecBookConsumer(snapshotId: (snap["lastUpdateId"] as! NSNumber).int64Value,
                                            bids: levels("bids", snap), asks: levels("asks", snap))
            var applied = 0
            for frame in frames {
                guard case .depth(let d) = try EventDecoder().decode(frame).event else { continue }
                let ok = consumer.apply(d)
                #expect(ok)
                if consumer.lastU != nil { applied += 1 }
            }
            #expect(applied > 5)
            // Paused: the market is quiet, so a fresh snapshot must equal the consumer's book.
            try await Task.sleep(for: .milliseconds(400))
            let final = try await httpJSON(depthURL) as! [String: Any]
            #expect((final["lastUpdateId"] as! NSNumber).int64Value == consumer.lastU)
            #expect(Dictionary(uniqueKeysWithValues: levels("bids", final).map { ($0.price, $0.quantity) }) == consumer.bids)
            #expect(Dictionary(uniqueKeysWithValues: levels("asks", final).map { ($0.price, $0.quantity) }) == consumer.asks)
        }
    }

    @Test("live SUBSCRIBE, LIST_SUBSCRIPTIONS and properties on a raw connection")
    func liveRequests() async throws {
        let frames = try await withSimulator { _, port in
            try await collectFrames(url: "ws://127.0.0.1:\(port)/ws", send: [
                #"{"method":"SUBSCRIBE","params":["ethusdt@aggTrade","btcusdt@bookTicker"],"id":1}"#,
                #"{"method":"LIST_SUBSCRIPTIONS","id":2}"#,
                #"{"method":"GET_PROPERTY","params":["combined"],"id":3}"#,
                #"{"method":"SUBSCRIBE","params":["btcusdt@depth7"],"id":4}"#,
            ]) { frames in
                frames.filter { $0.contains(#""e":"aggTrade""#) }.count >= 3
                    && (1...4).allSatisfy { id in frames.contains { $0.hasSuffix(#""id":\#(id)}"#) } }
            }
        }
        #expect(frames.contains(#"{"result":null,"id":1}"#))
        #expect(frames.contains(#"{"result":["ethusdt@aggTrade","btcusdt@bookTicker"],"id":2}"#))
        #expect(frames.contains(#"{"result":false,"id":3}"#))
        #expect(frames.contains { $0.hasPrefix(#"{"code":2"#) && $0.contains(#""id":4"#) })
        let trades = frames.filter { $0.contains(#""e":"aggTrade""#) }
        #expect(trades.allSatisfy { $0.contains(#""s":"ETHUSDT""#) && !$0.hasPrefix(#"{"stream""#) })
    }

    @Test("more than 10 messages in a second closes the connection")
    func messageRateLimit() async throws {
        let requests = (1...15).map { #"{"method":"LIST_SUBSCRIPTIONS","id":\#($0)}"# }
        let started = ContinuousClock.now
        let frames = try await withSimulator { _, port in
            try await collectFrames(url: "ws://127.0.0.1:\(port)/ws", send: requests, timeout: .seconds(10)) { _ in false }
        }
        #expect(ContinuousClock.now - started < .seconds(8), "the server should have closed the connection")
        #expect(frames.count <= 10)
    }

    @Test("a warmed-up simulator serves kline history")
    func klineHistory() async throws {
        try await withSimulator(SimConfiguration(seed: 4, rate: 2_000, warmUpMinutes: 30)) { _, port in
            let rest = RESTClient(baseURL: "http://127.0.0.1:\(port)")
            let candles = try await rest.klines(symbol: "BTCUSDT", interval: .oneMinute, limit: 100)
            #expect(candles.count >= 29)
            #expect(zip(candles, candles.dropFirst()).allSatisfy { $1.openTime - $0.openTime == 60_000 })
            #expect(candles.allSatisfy { $0.low <= $0.open && $0.open <= $0.high && $0.low <= $0.close && $0.close <= $0.high })
            let fiveMinutes = try await rest.klines(symbol: "ETHUSDT", interval: .fiveMinutes, limit: 100)
            #expect(fiveMinutes.count >= 6)
            let bad = try await httpJSON("http://127.0.0.1:\(port)/fapi/v1/klines?symbol=BTCUSDT&interval=2m") as! [String: Any]
            #expect(bad["code"] as? Int == -1120)
        }
    }

    @Test("REST endpoints answer in the spec's shapes")
    func rest() async throws {
        try await withSimulator { _, port in
            let base = "http://127.0.0.1:\(port)/fapi/v1"
            #expect(try await httpJSON("\(base)/ping") as? [String: Any] != nil)
            #expect((try await httpJSON("\(base)/time") as! [String: Any])["serverTime"] is NSNumber)
            let info = try await httpJSON("\(base)/exchangeInfo") as! [String: Any]
            let symbols = info["symbols"] as! [[String: Any]]
            #expect(symbols.count >= 10)
            #expect(Set(symbols.map { $0["symbol"] as! String }).isSuperset(of: ["BTCUSDT", "ETHUSDT", "ASTERUSDT", "SOLUSDT", "BNBUSDT"]))
            let filters = symbols[0]["filters"] as! [[String: Any]]
            #expect(filters.contains { $0["filterType"] as? String == "PRICE_FILTER" && $0["tickSize"] as? String == "0.1" })
            let tickers = try await httpJSON("\(base)/ticker/24hr") as! [[String: Any]]
            #expect(tickers.count == symbols.count && tickers[0]["lastPrice"] is String)
            let premium = try await httpJSON("\(base)/premiumIndex?symbol=ETHUSDT") as! [String: Any]
            #expect(premium["symbol"] as? String == "ETHUSDT" && premium["lastFundingRate"] is String)
            let bad = try await httpJSON("\(base)/depth?symbol=NOPE") as! [String: Any]
            #expect(bad["code"] as? Int == -1121)
            let badLimit = try await httpJSON("\(base)/depth?symbol=BTCUSDT&limit=7") as! [String: Any]
            #expect(badLimit["code"] as? Int == -1130)
        }
    }

    @Test("the simulator runs its configured order-flow rate")
    func orderFlowRate() async throws {
        try await withSimulator(SimConfiguration(seed: 14, rate: 20_000)) { server, _ in
            try await Task.sleep(for: .milliseconds(300))
            let (first, start) = (server.orderFlowActions, ContinuousClock.now)
            try await Task.sleep(for: .seconds(2))
            let (last, end) = (server.orderFlowActions, ContinuousClock.now)
            let (seconds, attoseconds) = (end - start).components
            let perSecond = Double(last - first) / (Double(seconds) + Double(attoseconds) / 1e18)
            #expect(abs(perSecond - 20_000) / 20_000 < 0.05, "order flow \(perSecond)/s at 20,000/s")
        }
    }
}
