import AsterTestSupport
import Foundation
import Testing

@testable import AsterKit

/// A missing or malformed field of a market-data answer is an error naming the endpoint and the
/// field, never a silent zero.
@Suite("REST market data: strict decoding", .serialized, .timeLimit(.minutes(3)))
struct RESTDecodingErrorTests {
    /// How each object-shaped answer decodes (the decoders `RESTClient` uses), by fixture name.
    static let objectDecoders: [String: (String, @Sendable (Any, String) throws(RESTError) -> Void)] = [
        "time": ("time", { v, p throws(RESTError) in _ = try JSONFields(v, path: p).int("serverTime") }),
        "exchangeInfo": ("exchangeInfo", { v, p throws(RESTError) in _ = try ExchangeInfo(JSONFields(v, path: p)) }),
        "trades": ("trades", { v, p throws(RESTError) in _ = try JSONFields.list(v, path: p) { f throws(RESTError) in try MarketTrade(f) } }),
        "historicalTrades": ("historicalTrades", { v, p throws(RESTError) in _ = try JSONFields.list(v, path: p) { f throws(RESTError) in try MarketTrade(f) } }),
        "aggTrades": ("aggTrades", { v, p throws(RESTError) in _ = try JSONFields.list(v, path: p) { f throws(RESTError) in try CompressedTrade(f) } }),
        "premiumIndex": ("premiumIndex", { v, p throws(RESTError) in _ = try JSONFields.list(v, path: p) { f throws(RESTError) in try PremiumIndex(f) } }),
        "premiumIndexAll": ("premiumIndex", { v, p throws(RESTError) in _ = try JSONFields.list(v, path: p) { f throws(RESTError) in try PremiumIndex(f) } }),
        "fundingRate": ("fundingRate", { v, p throws(RESTError) in _ = try JSONFields.list(v, path: p) { f throws(RESTError) in try FundingRateRecord(f) } }),
        "fundingInfo": ("fundingInfo", { v, p throws(RESTError) in _ = try JSONFields.list(v, path: p) { f throws(RESTError) in try FundingInfo(f) } }),
        "ticker24hr": ("ticker/24hr", { v, p throws(RESTError) in _ = try JSONFields.list(v, path: p) { f throws(RESTError) in try Ticker24h(f) } }),
        "ticker24hrAll": ("ticker/24hr", { v, p throws(RESTError) in _ = try JSONFields.list(v, path: p) { f throws(RESTError) in try Ticker24h(f) } }),
        "tickerPrice": ("ticker/price", { v, p throws(RESTError) in _ = try JSONFields.list(v, path: p) { f throws(RESTError) in try PriceTicker(f) } }),
        "tickerPriceAll": ("ticker/price", { v, p throws(RESTError) in _ = try JSONFields.list(v, path: p) { f throws(RESTError) in try PriceTicker(f) } }),
        "bookTicker": ("ticker/bookTicker", { v, p throws(RESTError) in _ = try JSONFields.list(v, path: p) { f throws(RESTError) in try BookTop(f) } }),
        "bookTickerAll": ("ticker/bookTicker", { v, p throws(RESTError) in _ = try JSONFields.list(v, path: p) { f throws(RESTError) in try BookTop(f) } }),
    ]

    /// `exchangeFilters` is not read: no exchange filter is documented.
    static let notRead: Set<String> = ["exchangeFilters"]
    /// `autoAssetExchange` may be absent: it is `null` in the spec's own example (but a wrong type is still an error).
    static let nullable: Set<String> = ["assets[0].autoAssetExchange", "assets[1].autoAssetExchange", "assets[2].autoAssetExchange"]

    /// Every key path of `value` (into every object of arrays of objects) down to scalars and
    /// string arrays, with the name an error gives it.
    static func fieldPaths(_ value: Any, name: String = "", errorName: String = "") -> [(path: [Any], errorName: String)] {
        var out: [(path: [Any], errorName: String)] = []
        if let object = value as? [String: Any] {
            for (key, child) in object.sorted(by: { $0.key < $1.key }) {
                let childName = errorName.isEmpty ? key : "\(errorName).\(key)"
                out.append(([key], childName))
                for sub in fieldPaths(child, errorName: childName) { out.append(([key] + sub.path, sub.errorName)) }
            }
        } else if let array = value as? [Any] {
            for (i, element) in array.enumerated() where element is [String: Any] {
                for sub in fieldPaths(element, errorName: "") {
                    out.append(([i] + sub.path, "\(errorName)[\(i)].\(sub.errorName)"))
                }
            }
        }
        return out
    }

    /// `value` with the element at `path` removed, or replaced by `replacement`.
    static func edited(_ value: Any, _ path: [Any], _ replacement: Any?) -> Any {
        guard let head = path.first else { return replacement as Any }
        let rest = Array(path.dropFirst())
        if var object = value as? [String: Any], let key = head as? String {
            if rest.isEmpty { object[key] = replacement } else { object[key] = edited(object[key] as Any, rest, replacement) }
            return object
        }
        if var array = value as? [Any], let index = head as? Int {
            array[index] = edited(array[index], rest, replacement)
            return array
        }
        return value
    }

    /// The name an exchangeInfo error gives a path: symbols by name, filters by type.
    static func exchangeInfoName(_ value: Any, _ path: [Any]) -> String {
        var parts: [String] = []
        var current: Any = value
        var i = 0
        while i < path.count {
            let key = path[i]
            if let k = key as? String {
                parts.append(parts.isEmpty ? k : ".\(k)")
                current = (current as? [String: Any])?[k] as Any
            } else if let index = key as? Int, let array = current as? [Any] {
                let element = array[index] as? [String: Any] ?? [:]
                let last = parts.last ?? ""
                if last.hasSuffix("symbols"), let s = element["symbol"] as? String, i + 1 < path.count, path[i + 1] as? String != "symbol" {
                    parts.append("[\(s)]")
                } else if last.hasSuffix("filters"), let type = element["filterType"] as? String, i + 1 < path.count,
                          path[i + 1] as? String != "filterType" {
                    parts.append("[\(type)]")
                } else {
                    parts.append("[\(index)]")
                }
                current = element
            }
            i += 1
        }
        return parts.joined()
    }

    @Test("every field of every example answer: absent names it as missing, a wrong type names it as malformed",
          arguments: objectDecoders.keys.sorted())
    func everyField(name: String) throws {
        let (endpoint, decodeAnswer) = try #require(Self.objectDecoders[name])
        let path = "/fapi/v1/" + endpoint
        let value = try restFixture(name)
        try decodeAnswer(value, path)  // the example itself decodes
        var checked = 0
        for (fieldPath, plainName) in Self.fieldPaths(value) {
            let errorName = name == "exchangeInfo" ? Self.exchangeInfoName(value, fieldPath) : plainName
            if Self.notRead.contains(errorName) { continue }
            for (replacement, kind) in [(nil, "missing"), (["bad": true] as [String: Any], "malformed")] as [(Any?, String)] {
                if kind == "missing", Self.nullable.contains(errorName) { continue }
                do {
                    try decodeAnswer(Self.edited(value, fieldPath, replacement), path)
                    Issue.record("\(name): \(kind) \(errorName) decoded")
                } catch {
                    #expect(error.description == "\(path): invalid response: \(kind) field \"\(errorName)\"")
                }
                checked += 1
            }
        }
        #expect(checked >= 2, "\(name) has fields")
        if name == "exchangeInfo" { #expect(checked > 100, "every filter's fields are swept") }
    }

    @Test("a symbol without one of its seven filters is an error naming the symbol and the filter")
    func missingFilter() throws {
        let info = try #require(try restFixture("exchangeInfo") as? [String: Any])
        var symbol = try #require((info["symbols"] as? [[String: Any]])?.first)
        let filters = try #require(symbol["filters"] as? [[String: Any]])
        for type in ["PRICE_FILTER", "LOT_SIZE", "MARKET_LOT_SIZE", "MAX_NUM_ORDERS", "MAX_NUM_ALGO_ORDERS", "MIN_NOTIONAL",
                     "PERCENT_PRICE"] {
            symbol["filters"] = filters.filter { $0["filterType"] as? String != type }
            var broken = info
            broken["symbols"] = [symbol]
            #expect(throws: RESTError.self) { try ExchangeInfo(JSONFields(broken, path: "/fapi/v1/exchangeInfo")) }
            do {
                _ = try ExchangeInfo(JSONFields(broken, path: "/fapi/v1/exchangeInfo"))
            } catch {
                #expect(error.description == "/fapi/v1/exchangeInfo: invalid response: missing field \"symbols[DOGEUSDT].filters[\(type)]\"")
            }
        }
        // The spec's own spelling of the order types key is "OrderType"; "orderTypes" is read when it is absent.
        symbol["filters"] = filters
        symbol["orderTypes"] = symbol.removeValue(forKey: "OrderType")
        var renamed = info
        renamed["symbols"] = [symbol]
        #expect(try ExchangeInfo(JSONFields(renamed, path: "/x")).symbols[0].orderTypes.count == 7)
        // An unknown filter type is ignored.
        symbol["filters"] = filters + [["filterType": "NEW_FILTER", "x": "1"]]
        renamed["symbols"] = [symbol]
        #expect(try ExchangeInfo(JSONFields(renamed, path: "/x")).symbols[0].filters.maxOrders == 200)
    }

    @Test("kline rows: a short row or a bad column names the row and the column",
          arguments: ["klines", "indexPriceKlines", "markPriceKlines"])
    func klineRows(name: String) throws {
        let rows = try #require(try restFixture(name) as? [[Any]])
        let path = "/fapi/v3/" + name
        func decode(_ value: Any) throws(RESTError) {
            if name == "klines" {
                _ = try JSONRow.rows(value, path: path) { r throws(RESTError) in try Candle(r) }
            } else {
                _ = try JSONRow.rows(value, path: path) { r throws(RESTError) in try PriceCandle(r) }
            }
        }
        try decode(rows)
        let read = name == "klines" ? Array(0...10) : [0, 1, 2, 3, 4, 6, 8]
        let names = ["open time", "open", "high", "low", "close", "volume", "close time", "quote volume", "trades",
                     "taker buy volume", "taker buy quote volume"]
        for column in read {
            let columnName = name != "klines" && column == 8 ? "data points" : names[column]
            var short = rows
            short[0] = Array(rows[0].prefix(column))
            #expect(throws: RESTError(kind: .invalidResponse("missing field \"[0][\(column)] \(columnName)\""), path: path)) {
                try decode(short)
            }
            var bad = rows
            bad[0][column] = "x1"
            #expect(throws: RESTError(kind: .invalidResponse("malformed field \"[0][\(column)] \(columnName)\""), path: path)) {
                try decode(bad)
            }
            var null = rows
            null[0][column] = NSNull()
            #expect(throws: RESTError.self) { try decode(null) }
        }
        #expect(throws: RESTError.self) { try decode(["not a row"]) }
        #expect(throws: RESTError.self) { try decode(["a": 1]) }
    }

    @Test("depth: a missing or malformed key names the field")
    func depth() throws {
        let good = try restFixtureText("depth")
        func decode(_ text: String) throws(DecodingFailure) -> DepthSnapshot {
            var copy = text
            let result = copy.withUTF8 { bytes -> Result<DepthSnapshot, DecodingFailure> in
                var r = JSONReader(bytes)
                do throws(DecodingFailure) { return .success(try DepthSnapshot(reader: &r)) } catch { return .failure(error) }
            }
            return try result.get()
        }
        #expect(try decode(good).messageTime == 1589436922972)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(good.utf8)) as? [String: Any])
        for key in ["lastUpdateId", "E", "T", "bids", "asks"] {
            var broken = object
            broken[key] = nil
            #expect(throws: DecodingFailure.self) { try decode(try jsonText(broken)) }
            do { _ = try decode(try jsonText(broken)) } catch let error as DecodingFailure {
                #expect(error.reason == .missingField(key))
            }
            broken[key] = "x"
            #expect(throws: DecodingFailure.self) { try decode(try jsonText(broken)) }
        }
    }

    @Test("over HTTP the error names the path called (V1 or V3) and the field", arguments: RESTClient.APIVersion.allCases)
    func overHTTP(version: RESTClient.APIVersion) async throws {
        let server = try RESTMarketSpecTests.servingSpec()
        func without(_ fixture: String, _ key: String) throws -> String {
            var o = try #require(try restFixture(fixture) as? [String: Any])
            o[key] = nil
            return try jsonText(o)
        }
        func malformedList(_ fixture: String, _ key: String, _ value: Any) throws -> String {
            var list = try #require(try restFixture(fixture) as? [[String: Any]])
            list[0][key] = value
            return try jsonText(list)
        }
        server.serve("time", try without("time", "serverTime"))
        server.serve("premiumIndex", try without("premiumIndex", "estimatedSettlePrice"))
        server.serve("ticker/bookTicker", try without("bookTicker", "askQty"))
        server.serve("ticker/24hr", try without("ticker24hr", "prevClosePrice"))
        server.serve("ticker/price", #"{"symbol":"BTCUSDT","price":"6000.01.5","time":1}"#)
        server.serve("trades", try malformedList("trades", "isBuyerMaker", 1))
        server.serve("aggTrades", try malformedList("aggTrades", "p", "-"))
        server.serve("fundingRate", try malformedList("fundingRate", "fundingTime", 1.5))
        server.serve("fundingInfo", try malformedList("fundingInfo", "fundingFeeCap", true))
        server.serve("depth", #"{"lastUpdateId":1,"E":1,"bids":[],"asks":[]}"#)
        server.serve("klines", "[[1,\"1\",\"1\",\"1\"]]")
        server.serve("exchangeInfo", "not json")
        let p = version.prefix
        try await server.run { rest in
            func check(_ expected: String, _ call: () async throws -> Void) async {
                do {
                    try await call()
                    Issue.record("no error, expected \(expected)")
                } catch let error as RESTError {
                    #expect(error.description.hasPrefix(expected), "\(error.description)")
                } catch {
                    Issue.record("\(error)")
                }
            }
            await check("\(p)/time: invalid response: missing field \"serverTime\"") { _ = try await rest.serverTime(version: version) }
            await check("\(p)/premiumIndex: invalid response: missing field \"estimatedSettlePrice\"") {
                _ = try await rest.premiumIndex(symbol: "BTCUSDT", version: version)
            }
            await check("\(p)/ticker/bookTicker: invalid response: missing field \"askQty\"") {
                _ = try await rest.bookTickers(symbol: "BTCUSDT", version: version)
            }
            await check("\(p)/ticker/24hr: invalid response: missing field \"prevClosePrice\"") {
                _ = try await rest.tickers24h(symbol: "BTCUSDT", version: version)
            }
            await check("\(p)/ticker/price: invalid response: malformed field \"price\"") {
                _ = try await rest.priceTickers(symbol: "BTCUSDT", version: version)
            }
            await check("\(p)/trades: invalid response: malformed field \"[0].isBuyerMaker\"") {
                _ = try await rest.trades(symbol: "BTCUSDT", version: version)
            }
            await check("\(p)/aggTrades: invalid response: malformed field \"[0].p\"") {
                _ = try await rest.aggregateTrades(symbol: "BTCUSDT", version: version)
            }
            await check("\(p)/fundingRate: invalid response: malformed field \"[0].fundingTime\"") {
                _ = try await rest.fundingRateHistory(version: version)
            }
            await check("\(p)/fundingInfo: invalid response: malformed field \"[0].fundingFeeCap\"") {
                _ = try await rest.fundingInfo(version: version)
            }
            await check("\(p)/depth: invalid response: missing field \"T\" (at byte") {
                _ = try await rest.depth(symbol: "BTCUSDT", version: version)
            }
            await check("\(p)/klines: invalid response: missing field \"[0][4] close\"") {
                _ = try await rest.klines(symbol: "BTCUSDT", interval: .oneMinute, version: version)
            }
            await check("\(p)/exchangeInfo: invalid response: not JSON") { _ = try await rest.exchangeInfo(version: version) }
        }
    }
}
