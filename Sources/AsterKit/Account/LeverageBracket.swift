import Foundation

/// One notional bracket of `GET /fapi/v1/leverageBracket` (V3: `/fapi/v3/leverageBracket`).
public struct LeverageBracket: Sendable, Hashable {
    /// Bracket number, from 1 (`bracket`).
    public var bracket: Int
    /// Maximum initial leverage in this bracket (`initialLeverage`).
    public var initialLeverage: Int
    /// Notional from which this bracket applies (`notionalFloor`).
    public var notionalFloor: ExactDecimal
    /// Notional up to which this bracket applies (`notionalCap`).
    public var notionalCap: ExactDecimal
    /// Maintenance margin ratio (`maintMarginRatio`).
    public var maintenanceMarginRatio: ExactDecimal
    /// The bracket's maintenance amount (`cum`): maintenance margin = notional × ratio − cum.
    public var cumulative: ExactDecimal

    /// Creates a bracket.
    public init(bracket: Int, initialLeverage: Int, notionalFloor: ExactDecimal, notionalCap: ExactDecimal,
                maintenanceMarginRatio: ExactDecimal, cumulative: ExactDecimal) {
        self.bracket = bracket
        self.initialLeverage = initialLeverage
        self.notionalFloor = notionalFloor
        self.notionalCap = notionalCap
        self.maintenanceMarginRatio = maintenanceMarginRatio
        self.cumulative = cumulative
    }
}

/// A symbol's notional brackets, lowest first.
public struct SymbolBrackets: Sendable, Hashable {
    /// Symbol (`symbol`).
    public var symbol: String
    /// Brackets, lowest notional first (`brackets`).
    public var brackets: [LeverageBracket]

    /// Creates a symbol's brackets (sorted by floor).
    public init(symbol: String, brackets: [LeverageBracket]) {
        self.symbol = symbol
        self.brackets = brackets.sorted { $0.notionalFloor < $1.notionalFloor }
    }

    /// The bracket a position of `notional` (absolute) falls in: floor ≤ notional < cap; past the
    /// last cap, the last bracket.
    public func bracket(forNotional notional: ExactDecimal) -> LeverageBracket? {
        let n = notional.magnitude
        return brackets.first { n >= $0.notionalFloor && n < $0.notionalCap } ?? brackets.last
    }

    /// Maintenance margin of a position of `notional`: notional × maintMarginRatio − cum of its
    /// bracket (the spec's "auxiliary number for quick calculation").
    public func maintenanceMargin(notional: ExactDecimal) -> ExactDecimal? {
        guard let b = bracket(forNotional: notional) else { return nil }
        return notional.magnitude * b.maintenanceMarginRatio - b.cumulative
    }
}

/// Liquidation prices from the brackets, as Aster (and Binance, whose futures API it follows)
/// compute them for USDⓈ-margined positions:
///
///     LP = (WB − TMM₁ + UPNL₁ + Σcum − Σ(amount × entry)) / (Σ(|amount| × MMR) − Σ amount)
///
/// over the legs of one symbol (`BOTH`, or `LONG` and `SHORT` in hedge mode; `amount` is signed,
/// negative for a short), where WB is the cross wallet balance (an isolated position's own
/// isolated wallet), TMM₁ and UPNL₁ the maintenance margin and unrealised PnL of every *other*
/// cross position, and MMR and cum those of each leg's bracket. It is the price at which the
/// margin balance equals the maintenance margin.
public enum LiquidationPrice {
    /// One leg: a signed amount, its entry price and its bracket.
    public struct Leg: Sendable, Hashable {
        public var amount: ExactDecimal
        public var entryPrice: ExactDecimal
        public var bracket: LeverageBracket

        public init(amount: ExactDecimal, entryPrice: ExactDecimal, bracket: LeverageBracket) {
            self.amount = amount
            self.entryPrice = entryPrice
            self.bracket = bracket
        }
    }

    /// The liquidation price of `legs` (one symbol), or `nil` when there is none (the wallet
    /// covers any move: the price would be zero or below, or the legs cancel out).
    ///
    /// - Parameters:
    ///   - walletBalance: the cross wallet balance, or an isolated position's isolated wallet.
    ///   - otherMaintenance: maintenance margin of the other cross positions (zero if isolated).
    ///   - otherUnrealized: unrealised PnL of the other cross positions (zero if isolated).
    ///   - scale: decimals of the result (rounded half-even).
    public static func compute(legs: [Leg], walletBalance: ExactDecimal, otherMaintenance: ExactDecimal = .zero,
                               otherUnrealized: ExactDecimal = .zero, scale: Int = 8) -> ExactDecimal? {
        let open = legs.filter { !$0.amount.isZero }
        guard !open.isEmpty else { return nil }
        var numerator = walletBalance - otherMaintenance + otherUnrealized
        var denominator = ExactDecimal.zero
        for leg in open {
            numerator = numerator + leg.bracket.cumulative - leg.amount * leg.entryPrice
            denominator = denominator + leg.amount.magnitude * leg.bracket.maintenanceMarginRatio - leg.amount
        }
        guard !denominator.isZero, let price = numerator.divided(by: denominator, scale: scale), price > .zero else { return nil }
        return price
    }
}

extension SymbolBrackets {
    init(_ f: JSONFields) throws(RESTError) {
        var rows: [LeverageBracket] = []
        for g in try f.elements("brackets") {
            rows.append(LeverageBracket(
                bracket: Int(try g.int("bracket")), initialLeverage: Int(try g.int("initialLeverage")),
                notionalFloor: try g.decimal("notionalFloor"), notionalCap: try g.decimal("notionalCap"),
                maintenanceMarginRatio: try g.decimal("maintMarginRatio"), cumulative: try g.decimal("cum")))
        }
        self.init(symbol: try f.string("symbol"), brackets: rows)
    }
}
