import Foundation
import NIOHTTP1

/// The public market-data endpoints, typed and exact, at the V1 paths or, with `version: .v3`,
/// the V3 ones (the V3 document lists every market endpoint at `/fapi/v3/…`, same answers).
///
/// Decoding is strict: a field the spec always sends is required, and its absence or a malformed
/// value throws a ``RESTError`` of kind `.invalidResponse` naming the endpoint and the field
/// (`/fapi/v1/exchangeInfo: invalid response: missing field "symbols[BTCUSDT].filters[LOT_SIZE].stepSize"`);
/// nothing is read as a silent zero.
///
/// ```swift
/// let rest = RESTClient(baseURL: AsterEndpoint.productionREST)
/// let info = try await rest.exchangeInfo()
/// let candles = try await rest.klines(symbol: "BTCUSDT", interval: .oneHour, limit: 24, version: .v3)
/// ```
extension RESTClient {
    /// Which path family a public market-data call uses.
    public enum APIVersion: Sendable, Hashable, CaseIterable {
        /// `/fapi/v1/…` (the default).
        case v1
        /// `/fapi/v3/…`.
        case v3

        /// The path prefix (`/fapi/v1`).
        public var prefix: String {
            switch self {
            case .v1: "/fapi/v1"
            case .v3: "/fapi/v3"
            }
        }
    }

    /// GETs `endpoint` under `version` and parses the JSON answer; returns it with the path used.
    func market(_ endpoint: String, _ version: APIVersion, _ query: [(String, String?)] = [],
                headers: [(String, String)] = []) async throws(RESTError) -> (json: Any, path: String) {
        let path = version.prefix + "/" + endpoint
        let present = query.compactMap { name, value in value.map { (name, $0) } }
        let body = try await send(.GET, path, query: RESTClient.encode(present), headers: headers)
        return (try JSONFields.parse(body, path: path), path)
    }

    /// `GET /fapi/v1/ping`: checks connectivity.
    ///
    /// - Parameter version: `.v1` (default) or `.v3` paths.
    public func ping(version: APIVersion = .v1) async throws(RESTError) {
        _ = try await market("ping", version)
    }

    /// `GET /fapi/v1/time`: the server's clock in milliseconds.
    ///
    /// - Parameter version: `.v1` (default) or `.v3` paths.
    public func serverTime(version: APIVersion = .v1) async throws(RESTError) -> Int64 {
        let (json, path) = try await market("time", version)
        return try JSONFields(json, path: path).int("serverTime")
    }

    /// `GET /fapi/v1/exchangeInfo`: rate limits, assets and every symbol with its contract
    /// fields and all seven filters.
    ///
    /// - Parameter version: `.v1` (default) or `.v3` paths.
    public func exchangeInfo(version: APIVersion = .v1) async throws(RESTError) -> ExchangeInfo {
        let (json, path) = try await market("exchangeInfo", version)
        let fields = try JSONFields(json, path: path)
        let info = try ExchangeInfo(fields)
        report(fields.skipped, path: path)
        return info
    }

    /// `GET /fapi/v1/depth`: an exact order book snapshot with its `lastUpdateId`, message
    /// time (`E`) and transaction time (`T`).
    ///
    /// - Parameters:
    ///   - symbol: e.g. `BTCUSDT`.
    ///   - limit: 5, 10, 20, 50, 100, 500 or 1000 levels a side.
    ///   - version: `.v1` (default) or `.v3` paths.
    public func depth(symbol: String, limit: Int = 1000,
                      version: APIVersion = .v1) async throws(RESTError) -> DepthSnapshot {
        let path = version.prefix + "/depth"
        let body = try await get(path, query: [("symbol", symbol.uppercased()), ("limit", String(limit))])
        do {
            return try body.withUnsafeBufferPointer { bytes throws(DecodingFailure) in
                var r = JSONReader(bytes)
                let snapshot = try DepthSnapshot(reader: &r)
                guard r.atEnd() else { throw r.fail(.trailingData) }
                return snapshot
            }
        } catch {
            throw RESTError(kind: .invalidResponse(error.description), path: path)
        }
    }

    /// `GET /fapi/v1/trades`: recent market trades, oldest first.
    ///
    /// - Parameters:
    ///   - symbol: e.g. `BTCUSDT`.
    ///   - limit: at most 1,000; the server's default (500) when `nil`.
    ///   - version: `.v1` (default) or `.v3` paths.
    public func trades(symbol: String, limit: Int? = nil,
                       version: APIVersion = .v1) async throws(RESTError) -> [MarketTrade] {
        let query = [("symbol", symbol.uppercased()), ("limit", limit.map(String.init))]
        let (json, path) = try await market("trades", version, query)
        return try tolerant(path) { s throws(RESTError) in
            try JSONFields.list(json, path: path, skipped: s) { f throws(RESTError) in try MarketTrade(f) }
        }
    }

    /// `GET /fapi/v1/historicalTrades`: older market trades from a trade id.
    ///
    /// - Parameters:
    ///   - symbol: e.g. `BTCUSDT`.
    ///   - fromId: the first trade id; the most recent trades when `nil`.
    ///   - limit: at most 1,000; the server's default (500) when `nil`.
    ///   - apiKey: sent as `X-MBX-APIKEY` (V1 marks this endpoint `MARKET_DATA`, which wants a key; V3 needs none).
    ///   - version: `.v1` (default) or `.v3` paths.
    public func historicalTrades(symbol: String, fromId: Int64? = nil, limit: Int? = nil, apiKey: String? = nil,
                                 version: APIVersion = .v1) async throws(RESTError) -> [MarketTrade] {
        let (json, path) = try await market(
            "historicalTrades", version,
            [("symbol", symbol.uppercased()), ("limit", limit.map(String.init)), ("fromId", fromId.map(String.init))],
            headers: apiKey.map { [("X-MBX-APIKEY", $0)] } ?? [])
        return try tolerant(path) { s throws(RESTError) in
            try JSONFields.list(json, path: path, skipped: s) { f throws(RESTError) in try MarketTrade(f) }
        }
    }

    /// `GET /fapi/v1/aggTrades`: aggregate trades, from an id or within a time window (under an hour).
    ///
    /// - Parameters:
    ///   - symbol: e.g. `BTCUSDT`.
    ///   - fromId: the first aggregate trade id (inclusive).
    ///   - startTime: window start (ms, inclusive).
    ///   - endTime: window end (ms, inclusive).
    ///   - limit: at most 1,000; the server's default (500) when `nil`.
    ///   - version: `.v1` (default) or `.v3` paths.
    public func aggregateTrades(symbol: String, fromId: Int64? = nil, startTime: Int64? = nil, endTime: Int64? = nil,
                                limit: Int? = nil, version: APIVersion = .v1) async throws(RESTError) -> [CompressedTrade] {
        let (json, path) = try await market(
            "aggTrades", version,
            [("symbol", symbol.uppercased()), ("fromId", fromId.map(String.init)), ("startTime", startTime.map(String.init)),
             ("endTime", endTime.map(String.init)), ("limit", limit.map(String.init))])
        return try tolerant(path) { s throws(RESTError) in
            try JSONFields.list(json, path: path, skipped: s) { f throws(RESTError) in try CompressedTrade(f) }
        }
    }
}

extension DepthSnapshot {
    /// Decodes `{"lastUpdateId":…, "E":…, "T":…, "bids":[[p,q]…], "asks":[…]}` exactly; every key is required.
    init(reader r: inout JSONReader) throws(DecodingFailure) {
        var id: Int64?, E: Int64?, T: Int64?, bids: [PriceLevel]?, asks: [PriceLevel]?
        try r.beginObject()
        while let key = try r.nextKey() {
            switch key {
            case JSONKey("lastUpdateId"): id = try r.readInt64()
            case .E_: E = try r.readInt64()
            case .T_: T = try r.readInt64()
            case JSONKey("bids"): bids = try r.readLevels()
            case JSONKey("asks"): asks = try r.readLevels()
            default: try r.skipValue()
            }
        }
        self.init(lastUpdateId: try required(id, "lastUpdateId", r), bids: try required(bids, "bids", r),
                  asks: try required(asks, "asks", r), messageTime: try required(E, "E", r),
                  transactionTime: try required(T, "T", r))
    }
}
