extension RESTClient {
    /// `GET /fapi/v1/premiumIndex`: mark price, index price and funding of one symbol, or of every
    /// symbol when `symbol` is `nil`.
    ///
    /// - Parameters:
    ///   - symbol: e.g. `BTCUSDT`, or `nil` for all.
    ///   - version: `.v1` (default) or `.v3` paths.
    public func premiumIndex(symbol: String? = nil, version: APIVersion = .v1) async throws(RESTError) -> [PremiumIndex] {
        let (json, path) = try await market("premiumIndex", version, [("symbol", symbol?.uppercased())])
        return try tolerant(path) { s throws(RESTError) in
            try JSONFields.list(json, path: path, skipped: s) { f throws(RESTError) in try PremiumIndex(f) }
        }
    }

    /// `GET /fapi/v1/fundingRate`: past fundings, oldest first.
    ///
    /// - Parameters:
    ///   - symbol: e.g. `BTCUSDT`, or `nil` for every symbol.
    ///   - startTime: from this time (ms, inclusive).
    ///   - endTime: until this time (ms, inclusive).
    ///   - limit: at most 1,000; the server's default (100) when `nil`.
    ///   - version: `.v1` (default) or `.v3` paths.
    public func fundingRateHistory(symbol: String? = nil, startTime: Int64? = nil, endTime: Int64? = nil, limit: Int? = nil,
                                   version: APIVersion = .v1) async throws(RESTError) -> [FundingRateRecord] {
        let (json, path) = try await market(
            "fundingRate", version,
            [("symbol", symbol?.uppercased()), ("startTime", startTime.map(String.init)),
             ("endTime", endTime.map(String.init)), ("limit", limit.map(String.init))])
        return try tolerant(path) { s throws(RESTError) in
            try JSONFields.list(json, path: path, skipped: s) { f throws(RESTError) in try FundingRateRecord(f) }
        }
    }

    /// `GET /fapi/v1/fundingInfo`: funding interval, cap and floor of one symbol or every symbol.
    ///
    /// - Parameters:
    ///   - symbol: e.g. `BTCUSDT`, or `nil` for all.
    ///   - version: `.v1` (default) or `.v3` paths.
    public func fundingInfo(symbol: String? = nil, version: APIVersion = .v1) async throws(RESTError) -> [FundingInfo] {
        let (json, path) = try await market("fundingInfo", version, [("symbol", symbol?.uppercased())])
        return try tolerant(path) { s throws(RESTError) in
            try JSONFields.list(json, path: path, skipped: s) { f throws(RESTError) in try FundingInfo(f) }
        }
    }

    /// `GET /fapi/v1/ticker/24hr`: rolling 24 h statistics of one symbol, or of every symbol
    /// (weight 40) when `symbol` is `nil`.
    ///
    /// - Parameters:
    ///   - symbol: e.g. `BTCUSDT`, or `nil` for all.
    ///   - version: `.v1` (default) or `.v3` paths.
    public func tickers24h(symbol: String? = nil, version: APIVersion = .v1) async throws(RESTError) -> [Ticker24h] {
        let (json, path) = try await market("ticker/24hr", version, [("symbol", symbol?.uppercased())])
        return try tolerant(path) { s throws(RESTError) in
            try JSONFields.list(json, path: path, skipped: s) { f throws(RESTError) in try Ticker24h(f) }
        }
    }

    /// `GET /fapi/v1/ticker/price`: the latest price of one symbol, or of every symbol.
    ///
    /// - Parameters:
    ///   - symbol: e.g. `BTCUSDT`, or `nil` for all.
    ///   - version: `.v1` (default) or `.v3` paths.
    public func priceTickers(symbol: String? = nil, version: APIVersion = .v1) async throws(RESTError) -> [PriceTicker] {
        let (json, path) = try await market("ticker/price", version, [("symbol", symbol?.uppercased())])
        return try tolerant(path) { s throws(RESTError) in
            try JSONFields.list(json, path: path, skipped: s) { f throws(RESTError) in try PriceTicker(f) }
        }
    }

    /// `GET /fapi/v1/ticker/bookTicker`: best bid and ask of one symbol, or of every symbol.
    ///
    /// - Parameters:
    ///   - symbol: e.g. `BTCUSDT`, or `nil` for all.
    ///   - version: `.v1` (default) or `.v3` paths.
    public func bookTickers(symbol: String? = nil, version: APIVersion = .v1) async throws(RESTError) -> [BookTop] {
        let (json, path) = try await market("ticker/bookTicker", version, [("symbol", symbol?.uppercased())])
        return try tolerant(path) { s throws(RESTError) in
            try JSONFields.list(json, path: path, skipped: s) { f throws(RESTError) in try BookTop(f) }
        }
    }
}
