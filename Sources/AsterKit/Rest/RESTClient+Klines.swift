extension RESTClient {
    /// `GET /fapi/v1/klines`: candlesticks of a symbol, oldest first (the last may still be open).
    ///
    /// - Parameters:
    ///   - symbol: e.g. `BTCUSDT`.
    ///   - interval: one of the 15 intervals.
    ///   - startTime: the first candle's open time at or after this (ms).
    ///   - endTime: the last candle's open time at or before this (ms).
    ///   - limit: candles, at most 1,500; the server's default (500) when `nil`. Without times, the most recent.
    ///   - version: `.v1` (default) or `.v3` paths.
    ///
    /// ```swift
    /// let day = try await rest.klines(symbol: "BTCUSDT", interval: .oneHour, limit: 24)
    /// ```
    public func klines(symbol: String, interval: KlineInterval, startTime: Int64? = nil, endTime: Int64? = nil,
                       limit: Int? = nil, version: APIVersion = .v1) async throws(RESTError) -> [Candle] {
        let query = Self.klineQuery("symbol", symbol, interval, startTime, endTime, limit)
        let (json, path) = try await market("klines", version, query)
        return try tolerant(path) { s throws(RESTError) in
            try JSONRow.rows(json, path: path, skipped: s) { r throws(RESTError) in try Candle(r) }
        }
    }

    /// `GET /fapi/v1/indexPriceKlines`: candlesticks of a pair's index price.
    ///
    /// - Parameters:
    ///   - pair: e.g. `BTCUSDT`.
    ///   - interval: one of the 15 intervals.
    ///   - startTime: the first candle's open time at or after this (ms).
    ///   - endTime: the last candle's open time at or before this (ms).
    ///   - limit: candles, at most 1,500; the server's default (500) when `nil`.
    ///   - version: `.v1` (default) or `.v3` paths.
    public func indexPriceKlines(pair: String, interval: KlineInterval, startTime: Int64? = nil, endTime: Int64? = nil,
                                 limit: Int? = nil, version: APIVersion = .v1) async throws(RESTError) -> [PriceCandle] {
        let query = Self.klineQuery("pair", pair, interval, startTime, endTime, limit)
        let (json, path) = try await market("indexPriceKlines", version, query)
        return try tolerant(path) { s throws(RESTError) in
            try JSONRow.rows(json, path: path, skipped: s) { r throws(RESTError) in try PriceCandle(r) }
        }
    }

    /// `GET /fapi/v1/markPriceKlines`: candlesticks of a symbol's mark price.
    ///
    /// - Parameters:
    ///   - symbol: e.g. `BTCUSDT`.
    ///   - interval: one of the 15 intervals.
    ///   - startTime: the first candle's open time at or after this (ms).
    ///   - endTime: the last candle's open time at or before this (ms).
    ///   - limit: candles, at most 1,500; the server's default (500) when `nil`.
    ///   - version: `.v1` (default) or `.v3` paths.
    public func markPriceKlines(symbol: String, interval: KlineInterval, startTime: Int64? = nil, endTime: Int64? = nil,
                                limit: Int? = nil, version: APIVersion = .v1) async throws(RESTError) -> [PriceCandle] {
        let query = Self.klineQuery("symbol", symbol, interval, startTime, endTime, limit)
        let (json, path) = try await market("markPriceKlines", version, query)
        return try tolerant(path) { s throws(RESTError) in
            try JSONRow.rows(json, path: path, skipped: s) { r throws(RESTError) in try PriceCandle(r) }
        }
    }

    static func klineQuery(_ key: String, _ symbol: String, _ interval: KlineInterval, _ start: Int64?, _ end: Int64?,
                           _ limit: Int?) -> [(String, String?)] {
        [(key, symbol.uppercased()), ("interval", interval.wireValue), ("startTime", start.map(String.init)),
         ("endTime", end.map(String.init)), ("limit", limit.map(String.init))]
    }
}
