import AsterKit

/// An alert that fired.
public struct AlertEvent: Sendable, Hashable {
    /// The rule.
    public var rule: AlertRule
    /// What happened, in words (the status bar, the log, the notification command's argument).
    public var message: String
    /// When (ms since the epoch).
    public var at: Int64

    /// Creates an event.
    public init(rule: AlertRule, message: String, at: Int64) {
        self.rule = rule
        self.message = message
        self.at = at
    }
}

/// Evaluates alert rules against what the market and the account do: a pure state machine fed
/// observations, returning the alerts that fire. No clock, no I/O: the model feeds it and the
/// app delivers what it returns (bell, command).
///
/// A level rule (price, move, funding, margin ratio, PnL) fires when its condition becomes true
/// (also on the first observation), then stays quiet until the condition is false again, so a
/// price hovering at a level does not ring every tick. A liquidation rule fires on every
/// liquidation of at least its notional.
///
/// ```swift
/// var engine = AlertEngine(rules: [AlertRule(kind: .priceAbove, symbol: "BTCUSDT", value: 100_000)])
/// engine.observePrice("BTCUSDT", 99_990, at: t)     // []
/// engine.observePrice("BTCUSDT", 100_010, at: t)    // [the alert]
/// ```
public struct AlertEngine: Sendable {
    /// The rules, in order.
    public private(set) var rules: [AlertRule]
    /// Per rule: whether it may fire (false after firing until its condition is false).
    private var armed: [Bool]
    /// Recent prices per symbol, oldest first, for move rules.
    private var history: [String: [(time: Int64, price: ExactDecimal)]] = [:]

    /// Creates an engine.
    public init(rules: [AlertRule] = []) {
        self.rules = rules
        armed = Array(repeating: true, count: rules.count)
    }

    /// Replaces the rules (kept rules keep their state).
    public mutating func setRules(_ new: [AlertRule]) {
        let old = Dictionary(zip(rules, armed), uniquingKeysWith: { a, _ in a })
        rules = new
        armed = new.map { old[$0] ?? true }
    }

    private mutating func level(_ index: Int, _ condition: Bool, _ message: @autoclosure () -> String, at time: Int64) -> AlertEvent? {
        guard condition else {
            armed[index] = true
            return nil
        }
        guard armed[index] else { return nil }
        armed[index] = false
        return AlertEvent(rule: rules[index], message: message(), at: time)
    }

    /// A last price: price-above, price-below and move rules of that symbol.
    public mutating func observePrice(_ symbol: String, _ price: ExactDecimal, at time: Int64) -> [AlertEvent] {
        var fired: [AlertEvent] = []
        let windows = rules.filter { $0.kind == .move && $0.symbol == symbol }.map { Self.windowMs($0) }
        if let longest = windows.max() {
            var h = history[symbol, default: []]
            h.append((time, price))
            if let cut = h.firstIndex(where: { time - $0.time <= longest }), cut > 0 { h.removeFirst(cut) }
            history[symbol] = h
        }
        for (i, rule) in rules.enumerated() where rule.symbol == symbol {
            switch rule.kind {
            case .priceAbove:
                if let e = level(i, price >= rule.value, "\(symbol) at \(price), at or above \(rule.value)", at: time) { fired.append(e) }
            case .priceBelow:
                if let e = level(i, price <= rule.value, "\(symbol) at \(price), at or below \(rule.value)", at: time) { fired.append(e) }
            case .move:
                let window = Self.windowMs(rule)
                guard let reference = history[symbol]?.first(where: { time - $0.time <= window })?.price, !reference.isZero else { continue }
                let change = (price.doubleValue / reference.doubleValue - 1) * 100
                let text = (change >= 0 ? "+" : "") + Format.fixed(change, 2)
                if let e = level(i, abs(change) >= rule.value.doubleValue,
                                 "\(symbol) moved \(text)% in \(rule.minutes)m (\(reference) → \(price))", at: time) {
                    fired.append(e)
                }
            default: continue
            }
        }
        return fired
    }

    /// A move rule's window in ms; a window past `Int64` (minutes from a config file) is "forever".
    static func windowMs(_ rule: AlertRule) -> Int64 {
        let (ms, overflow) = Int64(clamping: rule.minutes).multipliedReportingOverflow(by: 60_000)
        return overflow ? .max : ms
    }

    /// A funding rate (a fraction, as the exchange sends it): funding-above rules of that symbol.
    public mutating func observeFunding(_ symbol: String, rate: ExactDecimal, at time: Int64) -> [AlertEvent] {
        var fired: [AlertEvent] = []
        let percent = rate * 100
        for (i, rule) in rules.enumerated() where rule.kind == .fundingAbove && rule.symbol == symbol {
            if let e = level(i, percent.magnitude >= rule.value,
                             "\(symbol) funding \(percent.formatted(fractionDigits: 4))%, beyond ±\(rule.value)%", at: time) {
                fired.append(e)
            }
        }
        return fired
    }

    /// A liquidation: liquidation-above rules of its symbol or of any symbol.
    public mutating func observeLiquidation(_ symbol: String, side: Side, notional: ExactDecimal, at time: Int64) -> [AlertEvent] {
        rules.filter { $0.kind == .liquidationAbove && ($0.symbol == nil || $0.symbol == symbol) && notional >= $0.value }.map {
            AlertEvent(rule: $0, message: "\(symbol) \(side == .sell ? "long" : "short") liquidated: \(notional.rounded(scale: 2)) USDT",
                       at: time)
        }
    }

    /// The account: margin-ratio-above rules, and pnl-above/below rules of each position's symbol
    /// (a symbol without a position counts as PnL zero).
    public mutating func observeAccount(marginRatio: ExactDecimal?, pnl: [String: ExactDecimal], at time: Int64) -> [AlertEvent] {
        var fired: [AlertEvent] = []
        for (i, rule) in rules.enumerated() {
            switch rule.kind {
            case .marginRatioAbove:
                guard let ratio = marginRatio else { continue }
                let percent = ratio * 100
                if let e = level(i, percent >= rule.value, "margin ratio \(percent.formatted(fractionDigits: 2))%, at or above \(rule.value)%", at: time) {
                    fired.append(e)
                }
            case .pnlAbove, .pnlBelow:
                guard let symbol = rule.symbol else { continue }
                let value = pnl[symbol] ?? .zero
                let hit = rule.kind == .pnlAbove ? value >= rule.value : value <= rule.value
                let words = rule.kind == .pnlAbove ? "at or above" : "at or below"
                if let e = level(i, hit, "\(symbol) PnL \(value.formatted(fractionDigits: 2)) USDT, \(words) \(rule.value)", at: time) {
                    fired.append(e)
                }
            default: continue
            }
        }
        return fired
    }
}
