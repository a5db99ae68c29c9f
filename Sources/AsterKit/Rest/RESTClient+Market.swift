import Foundation

/// A symbol's trading rules from `exchangeInfo`.
public struct SymbolInfo: Sendable, Hashable {
    public var symbol: String
    public var status: String
    public var tickSize: ExactDecimal
    public var stepSize: ExactDecimal
}

/// Mark price and funding from `premiumIndex`.
public struct PremiumIndex: Sendable, Hashable {
    public var symbol: String
    public var markPrice: ExactDecimal
    public var indexPrice: ExactDecimal
    public var lastFundingRate: ExactDecimal
    public var nextFundingTime: Int64
    public var time: Int64
}

extension RESTClient {
    /// `GET /fapi/v1/ping`.
    public func ping() async throws(RESTError) {
        _ = try await get("/fapi/v1/ping")
    }

    /// `GET /fapi/v1/time`: the server's clock in milliseconds.
    public func serverTime() async throws(RESTError) -> Int64 {
        let path = "/fapi/v1/time"
        let object = try Self.object(try await get(path), path)
        guard let time = (object["serverTime"] as? NSNumber)?.int64Value else {
            throw RESTError(kind: .invalidResponse("no serverTime"), path: path)
        }
        return time
    }

    /// `GET /fapi/v1/depth`: an exact order book snapshot.
    ///
    /// - Parameters:
    ///   - symbol: e.g. `BTCUSDT`.
    ///   - limit: 5, 10, 20, 50, 100, 500 or 1000.
    public func depth(symbol: String, limit: Int = 1000) async throws(RESTError) -> DepthSnapshot {
        let path = "/fapi/v1/depth"
        let body = try await get(path, query: [("symbol", symbol.uppercased()), ("limit", String(limit))])
        do {
            return try body.withUnsafeBufferPointer { bytes throws(DecodingFailure) in
                var r = JSONReader(bytes)
                return try DepthSnapshot(reader: &r)
            }
        } catch {
            throw RESTError(kind: .invalidResponse(error.description), path: path)
        }
    }

    /// `GET /fapi/v1/exchangeInfo`: every symbol's tick and lot size.
    public func exchangeInfo() async throws(RESTError) -> [SymbolInfo] {
        let path = "/fapi/v1/exchangeInfo"
        let object = try Self.object(try await get(path), path)
        let symbols = object["symbols"] as? [[String: Any]] ?? []
        return symbols.compactMap { s in
            guard let name = s["symbol"] as? String else { return nil }
            let filters = s["filters"] as? [[String: Any]] ?? []
            func filter(_ type: String, _ key: String) -> ExactDecimal {
                (filters.first { $0["filterType"] as? String == type }?[key] as? String).flatMap(ExactDecimal.init) ?? .zero
            }
            return SymbolInfo(symbol: name, status: s["status"] as? String ?? "", tickSize: filter("PRICE_FILTER", "tickSize"),
                              stepSize: filter("LOT_SIZE", "stepSize"))
        }
    }

    /// `GET /fapi/v1/premiumIndex`: mark price and funding of one or every symbol.
    public func premiumIndex(symbol: String? = nil) async throws(RESTError) -> [PremiumIndex] {
        let path = "/fapi/v1/premiumIndex"
        let body = try await get(path, query: symbol.map { [("symbol", $0.uppercased())] } ?? [])
        return try Self.objects(body, path).map { o in
            func d(_ k: String) -> ExactDecimal { (o[k] as? String).flatMap(ExactDecimal.init) ?? .zero }
            return PremiumIndex(symbol: o["symbol"] as? String ?? "", markPrice: d("markPrice"), indexPrice: d("indexPrice"),
                                lastFundingRate: d("lastFundingRate"),
                                nextFundingTime: (o["nextFundingTime"] as? NSNumber)?.int64Value ?? 0,
                                time: (o["time"] as? NSNumber)?.int64Value ?? 0)
        }
    }

    /// `GET /fapi/v1/klines`: past candles, oldest first (the last one may still be open).
    ///
    /// - Parameters:
    ///   - symbol: e.g. `BTCUSDT`.
    ///   - interval: one of the 15 intervals.
    ///   - limit: candles, at most 1,500.
    public func klines(symbol: String, interval: KlineInterval, limit: Int = 500) async throws(RESTError) -> [Kline] {
        let path = "/fapi/v1/klines"
        let body = try await get(path, query: [("symbol", symbol.uppercased()), ("interval", interval.wireValue),
                                               ("limit", String(limit))])
        guard let rows = try? JSONSerialization.jsonObject(with: Data(body)) as? [[Any]] else {
            throw RESTError(kind: .invalidResponse("expected an array of klines"), path: path)
        }
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        return rows.compactMap { r -> Kline? in
            guard r.count >= 11, let open = (r[0] as? NSNumber)?.int64Value, let close = (r[6] as? NSNumber)?.int64Value
            else { return nil }
            func d(_ i: Int) -> ExactDecimal { (r[i] as? String).flatMap(ExactDecimal.init) ?? .zero }
            return Kline(openTime: open, closeTime: close, symbol: symbol.uppercased(), interval: interval,
                         firstTradeId: -1, lastTradeId: -1, open: d(1), close: d(4), high: d(2), low: d(3),
                         volume: d(5), trades: (r[8] as? NSNumber)?.int64Value ?? 0, isClosed: close < now,
                         quoteVolume: d(7), takerBuyVolume: d(9), takerBuyQuoteVolume: d(10))
        }
    }

    /// `GET /fapi/v1/ticker/24hr`: 24 h statistics of one or every symbol.
    public func tickers24h(symbol: String? = nil) async throws(RESTError) -> [Ticker] {
        let path = "/fapi/v1/ticker/24hr"
        let body = try await get(path, query: symbol.map { [("symbol", $0.uppercased())] } ?? [])
        return try Self.objects(body, path).map { o in
            func d(_ k: String) -> ExactDecimal { (o[k] as? String).flatMap(ExactDecimal.init) ?? .zero }
            func i(_ k: String) -> Int64 { (o[k] as? NSNumber)?.int64Value ?? 0 }
            return Ticker(eventTime: i("closeTime"), symbol: o["symbol"] as? String ?? "", priceChange: d("priceChange"),
                          priceChangePercent: d("priceChangePercent"), weightedAveragePrice: d("weightedAvgPrice"),
                          lastPrice: d("lastPrice"), lastQuantity: d("lastQty"), openPrice: d("openPrice"),
                          highPrice: d("highPrice"), lowPrice: d("lowPrice"), volume: d("volume"),
                          quoteVolume: d("quoteVolume"), openTime: i("openTime"), closeTime: i("closeTime"),
                          firstTradeId: i("firstId"), lastTradeId: i("lastId"), tradeCount: i("count"))
        }
    }

    static func object(_ body: [UInt8], _ path: String) throws(RESTError) -> [String: Any] {
        guard let o = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] else {
            throw RESTError(kind: .invalidResponse("expected a JSON object"), path: path)
        }
        return o
    }

    static func objects(_ body: [UInt8], _ path: String) throws(RESTError) -> [[String: Any]] {
        let value = try? JSONSerialization.jsonObject(with: Data(body))
        if let list = value as? [[String: Any]] { return list }
        if let one = value as? [String: Any] { return [one] }
        throw RESTError(kind: .invalidResponse("expected JSON"), path: path)
    }
}

extension DepthSnapshot {
    /// Decodes `{"lastUpdateId":…, "bids":[[p,q]…], "asks":[…]}` exactly.
    init(reader r: inout JSONReader) throws(DecodingFailure) {
        var id: Int64?, bids: [PriceLevel] = [], asks: [PriceLevel] = []
        try r.beginObject()
        while let key = try r.nextKey() {
            switch key {
            case JSONKey("lastUpdateId"): id = try r.readInt64()
            case JSONKey("bids"): bids = try r.readLevels()
            case JSONKey("asks"): asks = try r.readLevels()
            default: try r.skipValue()
            }
        }
        self.init(lastUpdateId: try required(id, "lastUpdateId", r), bids: bids, asks: asks)
    }
}
