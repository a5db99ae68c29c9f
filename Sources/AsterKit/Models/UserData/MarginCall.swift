/// A margin call (`MARGIN_CALL`): the account's positions are close to liquidation.
public struct MarginCall: Sendable, Hashable {
    /// One position named by a margin call.
    public struct Position: Sendable, Hashable {
        /// Symbol (`s`).
        public var symbol: String
        /// Position side (`ps`).
        public var positionSide: PositionSide
        /// Position amount (`pa`).
        public var positionAmount: ExactDecimal
        /// Margin type (`mt`).
        public var marginType: MarginType
        /// Isolated wallet (`iw`); the spec qualifies it "if isolated position", so it may be absent.
        public var isolatedWallet: ExactDecimal?
        /// Mark price (`mp`).
        public var markPrice: ExactDecimal
        /// Unrealised PnL (`up`).
        public var unrealizedPnL: ExactDecimal
        /// Maintenance margin required (`mm`).
        public var maintenanceMargin: ExactDecimal

        /// Creates a position.
        public init(
            symbol: String, positionSide: PositionSide, positionAmount: ExactDecimal, marginType: MarginType,
            isolatedWallet: ExactDecimal?, markPrice: ExactDecimal, unrealizedPnL: ExactDecimal,
            maintenanceMargin: ExactDecimal
        ) {
            self.symbol = symbol
            self.positionSide = positionSide
            self.positionAmount = positionAmount
            self.marginType = marginType
            self.isolatedWallet = isolatedWallet
            self.markPrice = markPrice
            self.unrealizedPnL = unrealizedPnL
            self.maintenanceMargin = maintenanceMargin
        }

        init(reader r: inout JSONReader) throws(DecodingFailure) {
            var s: String?, ps: PositionSide?, pa: ExactDecimal?, mt: MarginType?, iw: ExactDecimal?
            var mp: ExactDecimal?, up: ExactDecimal?, mm: ExactDecimal?
            try r.beginObject()
            while let key = try r.nextKey() {
                switch key {
                case .s: s = try r.readString()
                case .ps: ps = try r.readEnum()
                case .pa: pa = try r.readDecimal()
                case .mt: mt = try r.readEnum()
                case .iw: iw = r.consumeNull() ? nil : try r.readDecimal()
                case .mp: mp = try r.readDecimal()
                case .up: up = try r.readDecimal()
                case .mm: mm = try r.readDecimal()
                default: try r.skipValue()
                }
            }
            self.init(
                symbol: try required(s, "p.s", r), positionSide: try required(ps, "p.ps", r),
                positionAmount: try required(pa, "p.pa", r), marginType: try required(mt, "p.mt", r), isolatedWallet: iw,
                markPrice: try required(mp, "p.mp", r), unrealizedPnL: try required(up, "p.up", r),
                maintenanceMargin: try required(mm, "p.mm", r))
        }
    }

    /// Event time (ms).
    public var eventTime: Int64
    /// Cross wallet balance (`cw`); only sent for crossed positions.
    public var crossWalletBalance: ExactDecimal?
    /// The positions at risk (`p`).
    public var positions: [Position]

    /// Creates a margin call.
    public init(eventTime: Int64, crossWalletBalance: ExactDecimal?, positions: [Position]) {
        self.eventTime = eventTime
        self.crossWalletBalance = crossWalletBalance
        self.positions = positions
    }

    init(reader r: inout JSONReader) throws(DecodingFailure) {
        var E: Int64?, cw: ExactDecimal?
        var p: [Position]?
        try r.beginObject()
        while let key = try r.nextKey() {
            switch key {
            case .E_: E = try r.readInt64()
            case .cw: cw = r.consumeNull() ? nil : try r.readDecimal()
            case .p: p = try r.readArray { (r: inout JSONReader) throws(DecodingFailure) in try Position(reader: &r) }
            default: try r.skipValue()
            }
        }
        self.init(eventTime: try required(E, "E", r), crossWalletBalance: cw, positions: try required(p, "p", r))
    }
}

extension JSONReader {
    /// Reads an array whose elements `element` decodes; `null` reads as empty.
    mutating func readArray<T>(
        _ element: (inout JSONReader) throws(DecodingFailure) -> T
    ) throws(DecodingFailure) -> [T] {
        if consumeNull() { return [] }
        var out: [T] = []
        try beginArray()
        var first = true
        while try nextElement(first: first) {
            first = false
            out.append(try element(&self))
        }
        return out
    }
}
