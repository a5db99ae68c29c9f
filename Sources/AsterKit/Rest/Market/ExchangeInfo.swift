/// The exchange's trading rules (`GET /fapi/v1/exchangeInfo`): rate limits, margin assets and
/// every symbol with its contract fields and filters.
///
/// `exchangeFilters` is not read: the spec documents no exchange filter and its example is empty.
///
/// ```swift
/// let info = try await rest.exchangeInfo()
/// let btc = info.symbol("BTCUSDT")!
/// print(btc.tickSize, btc.filters.minNotional, btc.filters.percentPrice.multiplierUp)
/// ```
public struct ExchangeInfo: Sendable, Hashable {
    /// One rate limit (`rateLimits`).
    public struct RateLimit: Sendable, Hashable {
        /// `REQUEST_WEIGHT` or `ORDERS` (`rateLimitType`).
        public var type: String
        /// `MINUTE`, … (`interval`).
        public var interval: String
        /// How many intervals the window spans (`intervalNum`).
        public var intervalCount: Int
        /// The limit within the window (`limit`).
        public var limit: Int

        /// Creates a rate limit.
        public init(type: String, interval: String, intervalCount: Int, limit: Int) {
            self.type = type
            self.interval = interval
            self.intervalCount = intervalCount
            self.limit = limit
        }
    }

    /// One asset of `assets`.
    public struct Asset: Sendable, Hashable {
        /// Asset (`asset`).
        public var asset: String
        /// Whether it can be margin in multi-assets mode (`marginAvailable`).
        public var marginAvailable: Bool
        /// Auto-exchange threshold in multi-assets mode (`autoAssetExchange`); `nil` when the server sends `null`.
        public var autoAssetExchange: ExactDecimal?

        /// Creates an asset.
        public init(asset: String, marginAvailable: Bool, autoAssetExchange: ExactDecimal?) {
            self.asset = asset
            self.marginAvailable = marginAvailable
            self.autoAssetExchange = autoAssetExchange
        }
    }

    /// Time zone of the server (`timezone`, `UTC`).
    public var timezone: String
    /// Server time of the answer (`serverTime`, ms; the spec says to ignore it, so it may be absent);
    /// use ``RESTClient/serverTime(version:)`` for the clock.
    public var serverTime: Int64?
    /// Rate limits (`rateLimits`).
    public var rateLimits: [RateLimit]
    /// Margin assets (`assets`).
    public var assets: [Asset]
    /// Every symbol (`symbols`).
    public var symbols: [SymbolInfo]

    /// Creates exchange information.
    public init(timezone: String, serverTime: Int64?, rateLimits: [RateLimit], assets: [Asset], symbols: [SymbolInfo]) {
        self.timezone = timezone
        self.serverTime = serverTime
        self.rateLimits = rateLimits
        self.assets = assets
        self.symbols = symbols
    }

    /// The symbol named `name` (any case), if listed.
    public func symbol(_ name: String) -> SymbolInfo? {
        let upper = name.uppercased()
        return symbols.first { $0.symbol == upper }
    }
}

extension ExchangeInfo {
    /// Decodes the answer object. A rate limit, asset or symbol that fails to decode is left out
    /// and recorded in `f.skipped` (its error names it), the rest delivered.
    init(_ f: JSONFields) throws(RESTError) {
        let limits = try f.each("rateLimits") { l throws(RESTError) in
            RateLimit(type: try l.string("rateLimitType"), interval: try l.string("interval"),
                      intervalCount: try l.smallInt("intervalNum"), limit: try l.smallInt("limit"))
        }
        let assets = try f.each("assets") { a throws(RESTError) in
            Asset(asset: try a.string("asset"), marginAvailable: try a.bool("marginAvailable"),
                  autoAssetExchange: try a.optionalDecimal("autoAssetExchange"))
        }
        let symbols = try f.each("symbols") { s throws(RESTError) in try SymbolInfo(s) }
        // The spec says to ignore `serverTime` (GET /time is the clock): absent is fine.
        self.init(timezone: try f.string("timezone"), serverTime: try f.optionalInt("serverTime"), rateLimits: limits,
                  assets: assets, symbols: symbols)
    }
}
