import AsterKit
import DequeModule

/// When a trade counts as large (highlighted in the tape, flashed in the grid): a symbol's own
/// absolute size from the config (`[tape.large_size]`), else a multiple of the median size of its
/// recent trades (`[tape] large_multiple`).
///
/// ```swift
/// let rule = LargeTradeRule(multiple: 8, sizes: ["BTCUSDT": 2])
/// ```
public struct LargeTradeRule: Sendable, Hashable {
    /// A trade at least this many times the median size is large (positive).
    public var multiple: ExactDecimal
    /// Absolute thresholds by symbol (upper case), in contracts; they win over ``multiple``.
    public var sizes: [String: ExactDecimal]

    /// The standard rule: 10× the median size, no absolute thresholds.
    public static let standardMultiple: ExactDecimal = 10

    /// Creates a rule.
    public init(multiple: ExactDecimal = LargeTradeRule.standardMultiple, sizes: [String: ExactDecimal] = [:]) {
        self.multiple = multiple
        self.sizes = sizes
    }
}

/// Recent trade sizes per symbol and each symbol's large-trade threshold, recomputed on the refresh
/// tick (not per trade): a trade is compared with the threshold in force, so its cost per trade is
/// one comparison and one append to a bounded ring.
struct LargeTrades: Sendable {
    /// Sizes kept per symbol for the median.
    static let window = 500
    /// Trades needed before a median threshold applies.
    static let minimumTrades = 20
    /// Symbols followed at most (the focused one and the grid's tiles).
    static let maxSymbols = 64

    var rule: LargeTradeRule
    private var sizes: [String: Deque<ExactDecimal>] = [:]
    private var dirty: Set<String> = []
    private(set) var thresholds: [String: ExactDecimal] = [:]

    init(rule: LargeTradeRule) {
        self.rule = rule
        thresholds = rule.sizes
    }

    /// Notes a trade; returns whether it is large by the threshold in force.
    mutating func observe(_ symbol: String, quantity: ExactDecimal) -> Bool {
        if sizes[symbol] == nil, sizes.count >= Self.maxSymbols { sizes.removeAll(keepingCapacity: true) }
        sizes[symbol, default: []].append(quantity)
        if let count = sizes[symbol]?.count, count > Self.window { sizes[symbol]?.removeFirst(count - Self.window) }
        dirty.insert(symbol)
        return thresholds[symbol].map { quantity >= $0 } ?? false
    }

    /// Recomputes the thresholds of symbols that traded since the last call.
    mutating func update() {
        for symbol in dirty {
            if let absolute = rule.sizes[symbol] {
                thresholds[symbol] = absolute
                continue
            }
            guard let list = sizes[symbol], list.count >= Self.minimumTrades else { continue }
            let sorted = list.sorted()
            thresholds[symbol] = Self.median(sorted) * rule.multiple
        }
        dirty.removeAll(keepingCapacity: true)
    }

    /// The median of sorted sizes (the mean of the middle two for an even count; exact).
    static func median(_ sorted: [ExactDecimal]) -> ExactDecimal {
        guard !sorted.isEmpty else { return .zero }
        let mid = sorted.count / 2
        if sorted.count % 2 == 1 { return sorted[mid] }
        return (sorted[mid - 1] + sorted[mid]) * ExactDecimal(mantissa: 5, scale: 1)
    }

    /// Forgets a symbol's sizes (the focused symbol changed and it is not in the grid).
    mutating func forget(_ symbol: String) {
        sizes[symbol] = nil
        if rule.sizes[symbol] == nil { thresholds[symbol] = nil }
    }
}
