import AsterKit

/// What an alert watches.
public enum AlertKind: String, Sendable, Hashable, CaseIterable {
    /// The symbol's last price rises to or above `value`.
    case priceAbove = "price-above"
    /// The symbol's last price falls to or below `value`.
    case priceBelow = "price-below"
    /// The symbol's price moves by `value` % or more (either way) within `minutes`.
    case move
    /// The symbol's funding rate is `value` % or more away from zero.
    case fundingAbove = "funding-above"
    /// A liquidation (of `symbol`, or any symbol when none is given) of `value` USDT or more.
    case liquidationAbove = "liquidation-above"
    /// The account's margin ratio reaches `value` %.
    case marginRatioAbove = "margin-ratio-above"
    /// The symbol's position's unrealised PnL reaches `value` USDT or more.
    case pnlAbove = "pnl-above"
    /// The symbol's position's unrealised PnL falls to `value` USDT or less (a negative value for a loss).
    case pnlBelow = "pnl-below"

    /// Whether a rule of this kind needs a symbol.
    public var needsSymbol: Bool { self != .liquidationAbove && self != .marginRatioAbove }
}

/// One alert: a kind, the symbol it watches and a threshold (`[[alerts.rule]]` in the config file).
///
/// ```swift
/// let rule = AlertRule(kind: .priceAbove, symbol: "BTCUSDT", value: 100_000)
/// ```
public struct AlertRule: Sendable, Hashable, CustomStringConvertible {
    /// What it watches.
    public var kind: AlertKind
    /// The symbol (upper case); `nil` for the margin ratio and for a liquidation of any symbol.
    public var symbol: String?
    /// The threshold: a price, a percentage, or a USDT amount, by kind.
    public var value: ExactDecimal
    /// The window of a ``AlertKind/move`` rule.
    public var minutes: Int

    /// Creates a rule.
    public init(kind: AlertKind, symbol: String? = nil, value: ExactDecimal, minutes: Int = 5) {
        self.kind = kind
        self.symbol = symbol?.uppercased()
        self.value = value
        self.minutes = minutes
    }

    /// The rule in words, as the alert overlay lists it.
    public var description: String {
        let s = symbol ?? "any symbol"
        switch kind {
        case .priceAbove: return "\(s) price ≥ \(value)"
        case .priceBelow: return "\(s) price ≤ \(value)"
        case .move: return "\(s) moves \(value)% in \(minutes)m"
        case .fundingAbove: return "\(s) funding beyond ±\(value)%"
        case .liquidationAbove: return "liquidation of \(s) ≥ \(value) USDT"
        case .marginRatioAbove: return "margin ratio ≥ \(value)%"
        case .pnlAbove: return "\(s) PnL ≥ \(value) USDT"
        case .pnlBelow: return "\(s) PnL ≤ \(value) USDT"
        }
    }
}

/// How alerts are delivered (`[alerts]` in the config file).
public struct AlertSettings: Sendable, Hashable {
    /// Ring the terminal bell when one fires.
    public var bell: Bool
    /// A program and its arguments run when one fires, with the message as the last argument
    /// (`["notify-send", "aster-tui"]`); never through a shell. Empty: none.
    public var command: [String]
    /// The rules.
    public var rules: [AlertRule]

    /// Creates settings.
    public init(bell: Bool = true, command: [String] = [], rules: [AlertRule] = []) {
        self.bell = bell
        self.command = command
        self.rules = rules
    }
}
