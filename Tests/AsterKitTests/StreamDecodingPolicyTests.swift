import AsterTestSupport
import AsterKit
import AsterSim
import Foundation
import Testing

/// The decoding policy of stream and user-data payloads, rule by rule: a field the spec always
/// sends is required and its absence is a failure naming it; a field the spec marks optional is
/// `nil` when absent; inside an array payload a bad element is skipped and counted, the rest
/// delivered.
@Suite("Stream decoding policy", .serialized, .timeLimit(.minutes(2)))
struct StreamDecodingPolicyTests {
    /// Fields the spec marks optional, per fixture, with a check that the decoded value has them `nil`.
    static let optionalFields: [String: [String: @Sendable (AsterEvent) -> Bool]] = [
        "marginCall": [
            "cw": { if case .marginCall(let m) = $0 { m.crossWalletBalance == nil } else { false } },
            "p.iw": { if case .marginCall(let m) = $0 { m.positions[0].isolatedWallet == nil } else { false } },
        ],
        "accountUpdate": [
            "a.P": { if case .accountUpdate(let a) = $0 { a.positions.isEmpty && a.balances.count == 2 } else { false } },
            "a.P.iw": { if case .accountUpdate(let a) = $0 { a.positions[0].isolatedWallet == nil } else { false } },
        ],
        "orderTradeUpdate": [
            "o.N": { if case .orderTradeUpdate(let o) = $0 { o.commissionAsset == nil } else { false } },
            "o.n": { if case .orderTradeUpdate(let o) = $0 { o.commission == nil } else { false } },
            "o.cp": { if case .orderTradeUpdate(let o) = $0 { o.closePosition == nil } else { false } },
            "o.AP": { if case .orderTradeUpdate(let o) = $0 { o.activationPrice == nil } else { false } },
            "o.cr": { if case .orderTradeUpdate(let o) = $0 { o.callbackRate == nil } else { false } },
        ],
        "accountConfigInfo": [
            "ai.j": { if case .accountConfigUpdate(let c) = $0 { c.accountInfo?.multiAssetsMode == nil && c.accountInfo?.dualSidePosition == true } else { false } },
            "ai.f": { if case .accountConfigUpdate(let c) = $0 { c.accountInfo?.feeDeduction == nil && c.accountInfo?.multiAssetsMode == true } else { false } },
            "ai.d": { if case .accountConfigUpdate(let c) = $0 { c.accountInfo?.dualSidePosition == nil && c.accountInfo?.feeDeduction == true } else { false } },
        ],
        // `B` of a kline is "Ignore" in the spec: not read at all.
        "kline": ["k.B": { if case .kline = $0 { true } else { false } }],
    ]

    /// The payload fixtures (single objects; the arrays are covered by the skipping rule).
    static let payloadFixtures = ["aggTrade", "markPrice", "kline", "miniTicker", "ticker", "bookTicker", "forceOrder",
                                  "depthPartial", "depthDiff", "tradePro", "listenKeyExpired", "marginCall", "accountUpdate",
                                  "orderTradeUpdate", "accountConfigLeverage", "accountConfigInfo", "announcementPublic",
                                  "announcementDirect"]

    /// Key paths of an object (into nested objects and the first object of arrays of objects),
    /// with the name a failure gives them (`o.f`, `a.B.wb`).
    static func keyPaths(_ object: [String: Any], prefix: String = "", path: [Any] = []) -> [(path: [Any], name: String)] {
        var out: [(path: [Any], name: String)] = []
        for (key, value) in object.sorted(by: { $0.key < $1.key }) {
            let name = prefix.isEmpty ? key : "\(prefix).\(key)"
            out.append((path + [key], name))
            if let inner = value as? [String: Any] {
                out += keyPaths(inner, prefix: name, path: path + [key])
            } else if let array = value as? [Any], let first = array.first as? [String: Any] {
                out += keyPaths(first, prefix: name, path: path + [key, 0])
            }
        }
        return out
    }

    static func removing(_ value: Any, _ path: [Any]) -> Any {
        guard let head = path.first else { return value }
        let rest = Array(path.dropFirst())
        if var o = value as? [String: Any], let k = head as? String {
            o[k] = rest.isEmpty ? nil : removing(o[k] as Any, rest)
            return o
        }
        if var a = value as? [Any], let i = head as? Int {
            a[i] = removing(a[i], rest)
            return a
        }
        return value
    }

    @Test("every field of every payload: absent is a failure naming it, unless the spec marks it optional (then nil)",
          arguments: payloadFixtures)
    func everyField(name: String) throws {
        var object = try #require(try JSONSerialization.jsonObject(with: Data(try fixture(name).utf8)) as? [String: Any])
        if name == "tradePro" { object = try #require(object["data"] as? [String: Any]) }
        let optional = Self.optionalFields[name] ?? [:]
        var required = 0
        for (path, field) in Self.keyPaths(object) where field != "e" {
            let text = try jsonText(Self.removing(object, path))
            if let check = optional[field] {
                let event = try decode(text).event
                #expect(check(event), "\(name): without optional \(field): \(event)")
                continue
            }
            do {
                let message = try EventDecoder().decode(text)
                Issue.record("\(name) without \(field) decoded: \(message.event)")
            } catch {
                // Leverage or account info: one of `ac` and `ai` is required.
                let expected = field == "ac" || field == "ai" ? "ac or ai" : field
                #expect(error.reason == .missingField(expected), "\(name) without \(field): \(error)")
                #expect(error.eventType == (object["e"] as? String), "\(error)")
                #expect(error.description.contains("missing field \"\(expected)\""))
                required += 1
            }
        }
        #expect(required >= 1)
    }

    @Test("the old invented defaults are gone: a missing order type, time in force or position side is named, not guessed")
    func noInventedDefaults() throws {
        let order = try fixture("orderTradeUpdate")
        for (key, name) in [(#""o":"TRAILING_STOP_MARKET","#, "o.o"), (#""f":"GTC","#, "o.f"), (#""ps":"LONG","#, "o.ps"),
                            (#""c":"TEST","#, "o.c"), (#""wt":"CONTRACT_PRICE","#, "o.wt"), (#""rp":"0""#, "o.rp")] {
            let compact = order.replacingOccurrences(of: "\n", with: "").replacingOccurrences(of: ": ", with: ":")
                .replacingOccurrences(of: "  ", with: "")
            #expect(compact.contains(key), "\(key)")
            let text = compact.replacingOccurrences(of: key, with: "").replacingOccurrences(of: ",}", with: "}")
            #expect(throws: DecodingFailure.self) { try decode(text) }
            do { _ = try EventDecoder().decode(text) } catch { #expect(error.reason == .missingField(name)) }
        }
        // A null counts as absent for the order object.
        let nullSide = #"{"e":"ORDER_TRADE_UPDATE","E":1,"T":1,"o":{"s":"X","c":"c","S":"BUY","o":"LIMIT","f":"GTC","q":"1","p":"1","ap":"0","sp":"0","x":"NEW","X":"NEW","i":1,"l":"0","z":"0","L":"0","T":1,"t":0,"b":"0","a":"0","m":false,"R":false,"wt":"CONTRACT_PRICE","ot":"LIMIT","ps":null,"rp":"0"}}"#
        do {
            _ = try EventDecoder().decode(nullSide)
            Issue.record("a null position side decoded")
        } catch {
            #expect(error.reason == .missingField("o.ps") && error.eventType == "ORDER_TRADE_UPDATE")
        }
        #expect(throws: Never.self) { try decode(nullSide.replacingOccurrences(of: #""ps":null"#, with: #""ps":"BOTH""#)) }
    }

    @Test("an account configuration with only some settings in `ai` decodes; nothing is assumed for the others")
    func partialAccountInfo() throws {
        let onlyDual = #"{"e":"ACCOUNT_CONFIG_UPDATE","E":5,"T":4,"ai":{"d":false}}"#
        guard case .accountConfigUpdate(let c) = try decode(onlyDual).event else { throw Unexpected() }
        #expect(c.accountInfo == .init(multiAssetsMode: nil, feeDeduction: nil, dualSidePosition: false))
        #expect(c.eventTime == 5 && c.transactionTime == 4 && c.leverage == nil)
        let empty = #"{"e":"ACCOUNT_CONFIG_UPDATE","E":5,"T":4,"ai":{}}"#
        guard case .accountConfigUpdate(let e) = try decode(empty).event else { throw Unexpected() }
        #expect(e.accountInfo == .init())
    }

    @Test("a present but malformed optional field is a failure, never a silent nil")
    func malformedOptional() throws {
        let order = try fixture("orderTradeUpdate").replacingOccurrences(of: #""n": "0""#, with: #""n": "zero""#)
        #expect(throws: DecodingFailure.self) { try decode(order) }
        let call = try fixture("marginCall").replacingOccurrences(of: #""cw": "3.16812045""#, with: #""cw": true"#)
        #expect(throws: DecodingFailure.self) { try decode(call) }
        let info = try fixture("accountConfigInfo").replacingOccurrences(of: #""j": true"#, with: #""j": "yes""#)
        #expect(throws: DecodingFailure.self) { try decode(info) }
    }

    // MARK: Array payloads

    /// A fixture as compact JSON on one line (`"c":"0.0025"`).
    static func compact(_ name: String) throws -> String {
        try jsonText(try JSONSerialization.jsonObject(with: Data(try fixture(name).utf8)))
    }

    /// Tickers of several symbols as a `!ticker@arr` payload; `broken` replaces the text of one.
    static func tickerArray(_ symbols: [String], broken: [String: String] = [:]) throws -> String {
        let one = try compact("ticker")
        return "[" + symbols.map { s in broken[s] ?? one.replacingOccurrences(of: "BTCUSDT", with: s) }.joined(separator: ",") + "]"
    }

    @Test("!ticker@arr: one element with a bad decimal is skipped and reported; the others are delivered")
    func tickerArraySkips() throws {
        let bad = try Self.compact("ticker").replacingOccurrences(of: "BTCUSDT", with: "ETHUSDT")
            .replacingOccurrences(of: #""c":"0.0025""#, with: #""c":"0.00.25""#)
        #expect(bad.contains("0.00.25"))
        let text = try Self.tickerArray(["BTCUSDT", "ETHUSDT", "SOLUSDT"], broken: ["ETHUSDT": bad])
        let message = try decode(text)
        guard case .tickers(let tickers) = message.event else { throw Unexpected() }
        #expect(tickers.map(\.symbol) == ["BTCUSDT", "SOLUSDT"])
        #expect(tickers.allSatisfy { $0.lastPrice == dec("0.0025") })
        #expect(message.skippedElements.count == 1)
        let failure = try #require(message.skippedElements.first)
        #expect(failure.eventType == "24hrTicker")
        guard case .invalidValue = failure.reason else { throw Unexpected() }
        // The same inside the combined-stream wrapper.
        let wrapped = try decode(#"{"stream":"!ticker@arr","data":\#(text)}"#)
        #expect(wrapped.stream == "!ticker@arr" && wrapped.skippedElements.count == 1 && wrapped.event.elements.count == 2)
        // A good frame reports nothing.
        #expect(try decode(try Self.tickerArray(["BTCUSDT", "ETHUSDT"])).skippedElements.isEmpty)
    }

    @Test("all-market arrays: a missing required field skips that element only",
          arguments: [("tickerArr", "\"Q\""), ("miniTickerArr", "\"q\""), ("markPriceArr", "\"P\"")])
    func arraysSkipMissing(name: String, key: String) throws {
        let array = try #require(try JSONSerialization.jsonObject(with: Data(try fixture(name).utf8)) as? [[String: Any]])
        var good = array[0]
        var second = good
        good["s"] = "AAAUSDT"
        second["s"] = "BBBUSDT"
        var bad = good
        bad["s"] = "BADUSDT"
        let field = String(key.dropFirst().dropLast())
        bad[field] = nil
        let message = try decode(try jsonText([good, bad, second]))
        #expect(message.event.elements.count == 2)
        #expect(message.event.elements.map { $0.symbolForTest } == ["AAAUSDT", "BBBUSDT"])
        #expect(message.skippedElements.map(\.reason) == [.missingField(field)])
        switch message.event {
        case .tickers(let v): #expect(v.count == 2)
        case .miniTickers(let v): #expect(v.count == 2)
        case .markPrices(let v): #expect(v.count == 2)
        default: Issue.record("\(name) did not stay a typed array: \(message.event)")
        }
    }

    @Test("mixed arrays skip bad elements too; JSON that cannot be read past still fails the frame")
    func mixedAndBroken() throws {
        let ticker = try fixture("ticker")
        let mini = try fixture("miniTicker")
        let badMini = mini.replacingOccurrences(of: #""h": "0.0025""#, with: #""h": "high""#)
        let mixed = try decode("[\(ticker),\(badMini),\(mini),5,\"x\"]")
        #expect(mixed.event.elements.map(\.eventType) == ["24hrTicker", "24hrMiniTicker"])
        #expect(mixed.skippedElements.count == 3)
        #expect(mixed.skippedElements.first?.eventType == "24hrMiniTicker")
        // Every element bad: an empty batch and every failure reported.
        let none = try decode("[\(badMini),\(badMini)]")
        #expect(none.event == .batch([]) && none.skippedElements.count == 2)
        // Broken syntax inside an element: the frame cannot be read past it, so it fails whole.
        for text in ["[\(ticker),{\"e\":\"24hrTicker\",\"c\":}]", "[\(ticker),{\"e\":\"24hrTicker\" \"c\":\"1\"}]",
                     "[\(ticker),\(ticker.dropLast(3))", "[\(ticker),]"] {
            #expect(throws: DecodingFailure.self, "\(text.suffix(30))") { try decode(text) }
        }
    }

    @Test("a client counts skipped elements in its statistics and still delivers the good ones (live and replay)")
    func clientCounts() async throws {
        let bad = try Self.compact("ticker").replacingOccurrences(of: "BTCUSDT", with: "ETHUSDT")
            .replacingOccurrences(of: #""v":"10000""#, with: #""v":"ten""#)
        #expect(bad.contains(#""v":"ten""#))
        let frame = try Self.tickerArray(["BTCUSDT", "ETHUSDT", "SOLUSDT"], broken: ["ETHUSDT": bad])
        let good = try Self.tickerArray(["XRPUSDT"])
        let frames = [#"{"stream":"!ticker@arr","data":\#(frame)}"#, #"{"stream":"!ticker@arr","data":\#(good)}"#]
        // Live, through the NIO transport.
        let (symbols, stats) = try await FrameServer(frames: frames).run { port in
            let client = StreamClient(url: "ws://127.0.0.1:\(port)/stream?streams=!ticker@arr",
                                      configuration: StreamConfiguration(reconnect: false))
            let tickers = client.tickers()
            let got = try await withRunning(client) { () async -> [String] in
                var out: [String] = []
                for await t in tickers {
                    out.append(t.symbol)
                    if out.count == 3 { break }
                }
                return out
            }
            return (got, client.statistics)
        }
        #expect(symbols == ["BTCUSDT", "SOLUSDT", "XRPUSDT"])
        #expect(stats.skippedElements == 1 && stats.decodeErrors == 0 && stats.frames >= 2)
        // Replayed from a file.
        let path = temporaryPath("skips.rec")
        try frames.joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
        let client = StreamClient(replay: ReplaySource(paths: [path]), bufferLimit: 1000)
        let tickers = client.tickers()
        try await client.run()
        var replayed: [String] = []
        for await t in tickers { replayed.append(t.symbol) }
        #expect(replayed == ["BTCUSDT", "SOLUSDT", "XRPUSDT"])
        #expect(client.statistics.skippedElements == 1 && client.statistics.decodeErrors == 0)
    }
}

extension AsterEvent {
    /// The symbol of a single market event (tests only).
    var symbolForTest: String? {
        switch self {
        case .ticker(let t): t.symbol
        case .miniTicker(let t): t.symbol
        case .markPrice(let m): m.symbol
        default: nil
        }
    }
}
