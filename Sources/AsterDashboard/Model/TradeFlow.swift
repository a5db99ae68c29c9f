import AsterKit
import DequeModule

/// Who is aggressing, over sliding windows of trade time: VWAP, buy and sell volume and count,
/// buy/sell ratio and volume delta, kept exactly (running sums of exact decimals, Int128 wide).
///
/// Each trade is added once; each window keeps running sums and drops trades as they age out,
/// so a statistic costs nothing per frame whatever the rate. Memory is bounded by the longest
/// window and ``maxTrades``.
///
/// ```swift
/// var flow = TradeFlow()
/// flow.add(trade)
/// let minute = flow.stats(.oneMinute)   // vwap, buyVolume, sellVolume, ratio, delta
/// ```
public struct TradeFlow: Sendable {
    /// A window of trade time.
    public enum Window: Int, Sendable, Hashable, CaseIterable, CustomStringConvertible {
        case oneMinute = 60_000, fiveMinutes = 300_000, fifteenMinutes = 900_000, oneHour = 3_600_000

        public var description: String {
            switch self {
            case .oneMinute: "1m"
            case .fiveMinutes: "5m"
            case .fifteenMinutes: "15m"
            case .oneHour: "1h"
            }
        }
    }

    /// One window's figures.
    public struct Stats: Sendable, Hashable {
        public var window: Window
        /// Volume-weighted average price; `nil` without trades.
        public var vwap: ExactDecimal?
        /// Taker-buy (buyer not maker) and taker-sell volume and counts.
        public var buyVolume: ExactDecimal = .zero
        public var sellVolume: ExactDecimal = .zero
        public var buyCount = 0
        public var sellCount = 0
        /// Buy volume over sell volume; `nil` without selling.
        public var ratio: ExactDecimal?
        /// Buy minus sell volume: the window's cumulative volume delta.
        public var delta: ExactDecimal { buyVolume - sellVolume }
    }

    /// The most trades kept (the oldest beyond it leave every window early).
    public static let maxTrades = 100_000
    /// Trades left out because their size or notional is absurd (above 10¹² contracts or 10¹⁵ in
    /// notional): with these bounds no sum over ``maxTrades`` trades can overflow.
    public private(set) var rejected = 0

    private struct Entry: Sendable {
        var time: Int64
        var quantity: Int128   // in 10⁻¹⁸
        var notional: Int128   // price × quantity in 10⁻¹⁸ (finer digits dropped)
        var buy: Bool
    }

    private struct Sums: Sendable {
        var start = 0   // index in `entries` (absolute, minus `dropped`) of the window's oldest trade
        var buyQuantity: Int128 = 0
        var sellQuantity: Int128 = 0
        var notional: Int128 = 0
        var buyCount = 0
        var sellCount = 0
    }

    /// Quantities and notionals are kept as integers of 10⁻¹⁸.
    private static let scale = 18
    private static let maxQuantity = Int128(1_000_000_000_000) * 1_000_000_000_000_000_000
    private static let maxNotional = Int128(1_000_000_000_000_000) * 1_000_000_000_000_000_000

    private var entries: Deque<Entry> = []
    private var dropped = 0
    private var sums: [Sums] = Window.allCases.map { _ in Sums() }
    private(set) public var latest: Int64 = 0

    public init() {}

    /// Adds a trade (in trade-time order; an older one only counts where it still fits).
    public mutating func add(_ trade: AggregateTrade) {
        guard let q = Self.wide(trade.quantity), let n = Self.notional(trade.price, trade.quantity),
              q >= 0, q < Self.maxQuantity, n >= 0, n < Self.maxNotional else {
            rejected += 1
            return
        }
        let e = Entry(time: trade.tradeTime, quantity: q, notional: n, buy: !trade.buyerIsMaker)
        entries.append(e)
        for i in sums.indices { include(e, in: &sums[i]) }
        latest = max(latest, trade.tradeTime)
        expire()
        if entries.count > Self.maxTrades {
            let excess = entries.count - Self.maxTrades
            for i in sums.indices {
                while sums[i].start < dropped + excess { exclude(entries[sums[i].start - dropped], from: &sums[i]); sums[i].start += 1 }
            }
            entries.removeFirst(excess)
            dropped += excess
        }
    }

    /// Forgets every trade (a symbol switch).
    public mutating func reset() { self = TradeFlow() }

    /// The figures of `window`, ending at the latest trade.
    public func stats(_ window: Window) -> Stats {
        guard let i = Window.allCases.firstIndex(of: window) else { return Stats(window: window) }
        let s = sums[i]
        var out = Stats(window: window)
        out.buyVolume = Self.decimal(s.buyQuantity, scale: Self.scale)
        out.sellVolume = Self.decimal(s.sellQuantity, scale: Self.scale)
        out.buyCount = s.buyCount
        out.sellCount = s.sellCount
        let quantity = s.buyQuantity + s.sellQuantity
        // Σ(p × q) / Σq: both in 10⁻¹⁸, so the quotient is a price; 10⁻¹⁰ digits kept.
        if quantity > 0 { out.vwap = Self.decimal(s.notional * 10_000_000_000 / quantity, scale: 10) }
        if s.sellQuantity > 0 { out.ratio = Self.decimal(s.buyQuantity * 10_000 / s.sellQuantity, scale: 4) }
        return out
    }

    private mutating func expire() {
        for (i, window) in Window.allCases.enumerated() {
            let cutoff = latest - Int64(window.rawValue)
            while sums[i].start - dropped < entries.count, entries[sums[i].start - dropped].time <= cutoff {
                exclude(entries[sums[i].start - dropped], from: &sums[i])
                sums[i].start += 1
            }
        }
        // Trades older than every window are no longer needed.
        let oldest = sums.map(\.start).min() ?? dropped
        if oldest > dropped {
            entries.removeFirst(oldest - dropped)
            dropped = oldest
        }
    }

    private func include(_ e: Entry, in s: inout Sums) {
        if e.buy { s.buyQuantity += e.quantity; s.buyCount += 1 } else { s.sellQuantity += e.quantity; s.sellCount += 1 }
        s.notional += e.notional
    }

    private func exclude(_ e: Entry, from s: inout Sums) {
        if e.buy { s.buyQuantity -= e.quantity; s.buyCount -= 1 } else { s.sellQuantity -= e.quantity; s.sellCount -= 1 }
        s.notional -= e.notional
    }

    /// `value` as an integer of 10⁻¹⁸ (a decoded decimal has at most 18 fraction digits).
    private static func wide(_ value: ExactDecimal) -> Int128? {
        rescaled(Int128(value.mantissa), from: Int(value.scale))
    }

    /// price × quantity in 10⁻¹⁸: the product of the mantissas is exact in 128 bits.
    private static func notional(_ price: ExactDecimal, _ quantity: ExactDecimal) -> Int128? {
        rescaled(Int128(price.mantissa) * Int128(quantity.mantissa), from: Int(price.scale) + Int(quantity.scale))
    }

    /// An integer of 10^-`from` as one of 10⁻¹⁸ (digits finer than 10⁻¹⁸ dropped); `nil` on overflow.
    private static func rescaled(_ value: Int128, from: Int) -> Int128? {
        var v = value
        var s = from
        while s > scale { v /= 10; s -= 1 }
        while s < scale {
            let (m, overflow) = v.multipliedReportingOverflow(by: 10)
            if overflow { return nil }
            v = m
            s += 1
        }
        return v
    }

    /// An integer of 10^-`scale` as an exact decimal, rounded to what `ExactDecimal` holds.
    private static func decimal(_ value: Int128, scale: Int) -> ExactDecimal {
        var v = value
        var s = scale
        // Drop trailing zeros, then digits, until the mantissa fits 18 digits.
        while s > 0, v % 10 == 0 { v /= 10; s -= 1 }
        while s > 0, v.magnitude >= 1_000_000_000_000_000_000 { v /= 10; s -= 1 }
        guard v.magnitude < 1_000_000_000_000_000_000, let m = Int64(exactly: v) else { return ExactDecimal(mantissa: .max / 10, scale: 0) }
        return ExactDecimal(mantissa: m, scale: s)
    }
}
