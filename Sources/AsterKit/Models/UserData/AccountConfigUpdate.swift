/// An account configuration change (`ACCOUNT_CONFIG_UPDATE`): a symbol's leverage (`ac`) or the
/// account-wide settings (`ai`).
public struct AccountConfigUpdate: Sendable, Hashable {
    /// A symbol's new leverage (`ac`).
    public struct Leverage: Sendable, Hashable {
        /// Symbol (`s`).
        public var symbol: String
        /// Leverage (`l`).
        public var leverage: Int64

        /// Creates a leverage change.
        public init(symbol: String, leverage: Int64) {
            self.symbol = symbol
            self.leverage = leverage
        }
    }

    /// Account-wide configuration (`ai`). The spec sends `ai` when a setting changes and names no
    /// key of it as always present, so each is `nil` when the payload leaves it out.
    public struct AccountInfo: Sendable, Hashable {
        /// Multi-assets margin mode (`j`).
        public var multiAssetsMode: Bool?
        /// Specified token fee deduction (`f`).
        public var feeDeduction: Bool?
        /// Dual-side (hedge) position mode (`d`).
        public var dualSidePosition: Bool?

        /// Creates account info.
        public init(multiAssetsMode: Bool? = nil, feeDeduction: Bool? = nil, dualSidePosition: Bool? = nil) {
            self.multiAssetsMode = multiAssetsMode
            self.feeDeduction = feeDeduction
            self.dualSidePosition = dualSidePosition
        }
    }

    /// Event time (ms).
    public var eventTime: Int64
    /// Transaction time (`T`, ms).
    public var transactionTime: Int64
    /// Leverage change, when the payload has `ac`.
    public var leverage: Leverage?
    /// Account configuration, when the payload has `ai`.
    public var accountInfo: AccountInfo?

    /// Creates an update.
    public init(eventTime: Int64, transactionTime: Int64, leverage: Leverage?, accountInfo: AccountInfo?) {
        self.eventTime = eventTime
        self.transactionTime = transactionTime
        self.leverage = leverage
        self.accountInfo = accountInfo
    }

    init(reader r: inout JSONReader) throws(DecodingFailure) {
        var E: Int64?, T: Int64?, ac: Leverage?, ai: AccountInfo?
        try r.beginObject()
        while let key = try r.nextKey() {
            switch key {
            case .E_: E = try r.readInt64()
            case .T_: T = try r.readInt64()
            case .ac:
                var s: String?, l: Int64?
                try r.beginObject()
                while let inner = try r.nextKey() {
                    switch inner {
                    case .s: s = try r.readString()
                    case .l: l = try r.readInt64()
                    default: try r.skipValue()
                    }
                }
                ac = Leverage(symbol: try required(s, "ac.s", r), leverage: try required(l, "ac.l", r))
            case .ai:
                var j: Bool?, f: Bool?, d: Bool?
                try r.beginObject()
                while let inner = try r.nextKey() {
                    switch inner {
                    case .j: j = r.consumeNull() ? nil : try r.readBool()
                    case .f: f = r.consumeNull() ? nil : try r.readBool()
                    case .d: d = r.consumeNull() ? nil : try r.readBool()
                    default: try r.skipValue()
                    }
                }
                ai = AccountInfo(multiAssetsMode: j, feeDeduction: f, dualSidePosition: d)
            default: try r.skipValue()
            }
        }
        guard ac != nil || ai != nil else { throw r.fail(.missingField("ac or ai")) }
        self.init(eventTime: try required(E, "E", r), transactionTime: try required(T, "T", r), leverage: ac,
                  accountInfo: ai)
    }
}
