/// Balance and position changes (`ACCOUNT_UPDATE`).
public struct AccountUpdate: Sendable, Hashable {
    /// One asset balance after the change.
    public struct Balance: Sendable, Hashable {
        /// Asset (`a`).
        public var asset: String
        /// Wallet balance (`wb`).
        public var walletBalance: ExactDecimal
        /// Cross wallet balance (`cw`).
        public var crossWalletBalance: ExactDecimal
        /// Balance change except PnL and commission (`bc`).
        public var balanceChange: ExactDecimal

        /// Creates a balance.
        public init(asset: String, walletBalance: ExactDecimal, crossWalletBalance: ExactDecimal,
                    balanceChange: ExactDecimal) {
            self.asset = asset
            self.walletBalance = walletBalance
            self.crossWalletBalance = crossWalletBalance
            self.balanceChange = balanceChange
        }

        init(reader r: inout JSONReader) throws(DecodingFailure) {
            var a: String?, wb: ExactDecimal?, cw: ExactDecimal?, bc: ExactDecimal?
            try r.beginObject()
            while let key = try r.nextKey() {
                switch key {
                case .a: a = try r.readString()
                case .wb: wb = try r.readDecimal()
                case .cw: cw = try r.readDecimal()
                case .bc: bc = try r.readDecimal()
                default: try r.skipValue()
                }
            }
            self.init(asset: try required(a, "a.B.a", r), walletBalance: try required(wb, "a.B.wb", r),
                      crossWalletBalance: try required(cw, "a.B.cw", r), balanceChange: try required(bc, "a.B.bc", r))
        }
    }

    /// One position after the change.
    public struct Position: Sendable, Hashable {
        /// Symbol (`s`).
        public var symbol: String
        /// Position amount (`pa`); negative for shorts in one-way mode.
        public var positionAmount: ExactDecimal
        /// Entry price (`ep`).
        public var entryPrice: ExactDecimal
        /// Pre-fee accumulated realised PnL (`cr`).
        public var accumulatedRealized: ExactDecimal
        /// Unrealised PnL (`up`).
        public var unrealizedPnL: ExactDecimal
        /// Margin type (`mt`).
        public var marginType: MarginType
        /// Isolated wallet (`iw`); the spec qualifies it "if isolated position", so it may be absent.
        public var isolatedWallet: ExactDecimal?
        /// Position side (`ps`).
        public var positionSide: PositionSide

        /// Creates a position.
        public init(
            symbol: String, positionAmount: ExactDecimal, entryPrice: ExactDecimal,
            accumulatedRealized: ExactDecimal, unrealizedPnL: ExactDecimal, marginType: MarginType,
            isolatedWallet: ExactDecimal?, positionSide: PositionSide
        ) {
            self.symbol = symbol
            self.positionAmount = positionAmount
            self.entryPrice = entryPrice
            self.accumulatedRealized = accumulatedRealized
            self.unrealizedPnL = unrealizedPnL
            self.marginType = marginType
            self.isolatedWallet = isolatedWallet
            self.positionSide = positionSide
        }

        init(reader r: inout JSONReader) throws(DecodingFailure) {
            var s: String?, pa: ExactDecimal?, ep: ExactDecimal?, cr: ExactDecimal?, up: ExactDecimal?
            var mt: MarginType?, iw: ExactDecimal?, ps: PositionSide?
            try r.beginObject()
            while let key = try r.nextKey() {
                switch key {
                case .s: s = try r.readString()
                case .pa: pa = try r.readDecimal()
                case .ep: ep = try r.readDecimal()
                case .cr: cr = try r.readDecimal()
                case .up: up = try r.readDecimal()
                case .mt: mt = try r.readEnum()
                case .iw: iw = r.consumeNull() ? nil : try r.readDecimal()
                case .ps: ps = try r.readEnum()
                default: try r.skipValue()
                }
            }
            self.init(
                symbol: try required(s, "a.P.s", r), positionAmount: try required(pa, "a.P.pa", r),
                entryPrice: try required(ep, "a.P.ep", r), accumulatedRealized: try required(cr, "a.P.cr", r),
                unrealizedPnL: try required(up, "a.P.up", r), marginType: try required(mt, "a.P.mt", r),
                isolatedWallet: iw, positionSide: try required(ps, "a.P.ps", r))
        }
    }

    /// Event time (ms).
    public var eventTime: Int64
    /// Transaction time (`T`, ms).
    public var transactionTime: Int64
    /// Why the account changed (`a.m`).
    public var reason: UpdateReason
    /// Changed balances (`a.B`); may be empty.
    public var balances: [Balance]
    /// Changed positions (`a.P`); empty when the payload has none (the spec: a crossed funding
    /// fee carries only balances).
    public var positions: [Position]

    /// Creates an update.
    public init(eventTime: Int64, transactionTime: Int64, reason: UpdateReason, balances: [Balance],
                positions: [Position]) {
        self.eventTime = eventTime
        self.transactionTime = transactionTime
        self.reason = reason
        self.balances = balances
        self.positions = positions
    }

    init(reader r: inout JSONReader) throws(DecodingFailure) {
        var E: Int64?, T: Int64?, m: UpdateReason?
        var B: [Balance]?, P: [Position] = []
        var sawData = false
        try r.beginObject()
        while let key = try r.nextKey() {
            switch key {
            case .E_: E = try r.readInt64()
            case .T_: T = try r.readInt64()
            case .a:
                sawData = true
                try r.beginObject()
                while let inner = try r.nextKey() {
                    switch inner {
                    case .m: m = try r.readEnum()
                    case .B_: B = try r.readArray { (r: inout JSONReader) throws(DecodingFailure) in try Balance(reader: &r) }
                    case .P_: P = try r.readArray { (r: inout JSONReader) throws(DecodingFailure) in try Position(reader: &r) }
                    default: try r.skipValue()
                    }
                }
            default: try r.skipValue()
            }
        }
        guard sawData else { throw r.fail(.missingField("a")) }
        self.init(eventTime: try required(E, "E", r), transactionTime: try required(T, "T", r),
                  reason: try required(m, "a.m", r), balances: try required(B, "a.B", r), positions: P)
    }
}
