/// One side of a local order book: price levels kept best first, keyed by exact decimal prices.
///
/// Prices sit on a tick grid, so levels live in a *price ladder*: an array indexed by the price in
/// units of its smallest decimal, with the best index tracked. Setting a level is O(1); reading
/// the top N walks from the best index. When a side's prices would span more than 4 million
/// units (a far-away outlier order), the side switches to sorted chunks (``ChunkedLevels``,
/// O(log n)) so memory stays bounded.
public struct BookSide: Sendable {
    /// `true` for bids (best = highest price), `false` for asks (best = lowest).
    public let isBid: Bool
    private var storage: Storage

    private enum Storage: Sendable {
        case ladder(PriceLadder)
        case chunked(ChunkedLevels)
    }

    /// Largest ladder, in price units (64 MiB of levels).
    static let maxLadderSpan = 4 << 20

    /// Creates an empty side.
    public init(isBid: Bool) {
        self.isBid = isBid
        storage = .ladder(PriceLadder(isBid: isBid, scale: 0))
    }

    /// Creates a side from levels in any order (zero quantities are skipped).
    public init(isBid: Bool, levels: [PriceLevel]) {
        self.isBid = isBid
        let scale = levels.map(\.price.scale).max() ?? 0
        storage = .ladder(PriceLadder(isBid: isBid, scale: scale))
        for level in levels { set(level.price, level.quantity) }
    }

    /// Number of levels.
    public var count: Int {
        switch storage {
        case .ladder(let l): l.count
        case .chunked(let c): c.count
        }
    }

    /// Sets the absolute quantity at `price`; zero removes the level (absent levels are fine).
    public mutating func set(_ price: ExactDecimal, _ quantity: ExactDecimal) {
        switch storage {
        case .chunked:
            guard case .chunked(var c) = storage else { return }
            storage = .ladder(PriceLadder(isBid: isBid, scale: 0))
            c.set(price, quantity)
            storage = .chunked(c)
        case .ladder:
            guard case .ladder(var l) = storage else { return }
            storage = .ladder(PriceLadder(isBid: isBid, scale: 0))
            if l.set(price, quantity) {
                storage = .ladder(l)
            } else {
                var c = ChunkedLevels(isBid: isBid, levels: l.levels)
                c.set(price, quantity)
                storage = .chunked(c)
            }
        }
    }

    /// The quantity resting at `price`, or `nil`.
    public func quantity(at price: ExactDecimal) -> ExactDecimal? {
        switch storage {
        case .ladder(let l): l.quantity(at: price)
        case .chunked(let c): c.quantity(at: price)
        }
    }

    /// The best level.
    public var best: PriceLevel? {
        switch storage {
        case .ladder(let l): l.best
        case .chunked(let c): c.best
        }
    }

    /// The best `n` levels, best first.
    public func top(_ n: Int) -> [PriceLevel] {
        switch storage {
        case .ladder(let l): l.top(n)
        case .chunked(let c): c.top(n)
        }
    }

    /// Every level, best first.
    public var levels: [PriceLevel] {
        switch storage {
        case .ladder(let l): l.levels
        case .chunked(let c): c.levels
        }
    }

    /// Total quantity of the best `n` levels.
    public func depth(_ n: Int) -> ExactDecimal {
        top(n).reduce(.zero) { $0 + $1.quantity }
    }
}

/// Quantities indexed by price in units of 10^-scale, from `base` upwards.
struct PriceLadder: Sendable {
    let isBid: Bool
    private(set) var scale: UInt8
    private var base: Int64 = 0
    private var slots: [ExactDecimal] = []
    private var bestIndex = -1
    private(set) var count = 0

    init(isBid: Bool, scale: UInt8) {
        self.isBid = isBid
        self.scale = scale
    }

    /// The price in ladder units, or nil when it has more decimals than the ladder or is too
    /// far from zero for ladder arithmetic (beyond ±2^61 units).
    @inline(__always)
    private func key(_ price: ExactDecimal) -> Int64? {
        if price.scale == scale { return Self.inRange(price.mantissa) ? price.mantissa : nil }
        guard price.scale < scale else { return nil }
        let (k, overflow) = price.mantissa.multipliedReportingOverflow(by: ExactDecimal.pow10(Int(scale - price.scale)))
        return overflow || !Self.inRange(k) ? nil : k
    }

    @inline(__always)
    private static func inRange(_ k: Int64) -> Bool { k > -(1 << 61) && k < 1 << 61 }

    private func price(at index: Int) -> ExactDecimal {
        ExactDecimal.normalized(mantissa: base + Int64(index), scale: scale)
    }

    /// Sets a level; returns false when the ladder cannot hold it (too wide): the caller switches.
    mutating func set(_ price: ExactDecimal, _ quantity: ExactDecimal) -> Bool {
        guard var k = key(price) else {
            // More decimals than the ladder: rescale; out of the ladder's range: the caller switches.
            guard price.scale > scale, rescale(to: price.scale) else { return false }
            return set(price, quantity)
        }
        if slots.isEmpty {
            guard !quantity.isZero else { return true }
            base = k - 64
            slots = Array(repeating: .zero, count: 128)
        }
        if k < base || k >= base + Int64(slots.count) {
            guard !quantity.isZero else { return true }
            guard grow(toInclude: k), let rebased = key(price) else { return false }
            k = rebased
        }
        let i = Int(k - base)
        let wasEmpty = slots[i].isZero
        slots[i] = quantity
        if quantity.isZero {
            guard !wasEmpty else { return true }
            count -= 1
            if i == bestIndex { bestIndex = nextBest(from: i) }
        } else {
            if wasEmpty { count += 1 }
            if bestIndex < 0 || (isBid ? i > bestIndex : i < bestIndex) { bestIndex = i }
        }
        return true
    }

    private func nextBest(from i: Int) -> Int {
        var j = i
        if isBid {
            while j > 0 {
                j -= 1
                if !slots[j].isZero { return j }
            }
        } else {
            while j < slots.count - 1 {
                j += 1
                if !slots[j].isZero { return j }
            }
        }
        return -1
    }

    private mutating func grow(toInclude k: Int64) -> Bool {
        let low = min(base, k)
        let high = max(base + Int64(slots.count), k + 1)
        let span = high - low
        guard span <= Int64(BookSide.maxLadderSpan) else { return false }
        let margin = min(span / 2 + 64, Int64(BookSide.maxLadderSpan) - span)
        let newBase = k < base ? low - margin : low
        let newCount = Int(high - newBase + (k < base ? 0 : margin))
        var newSlots = [ExactDecimal](repeating: .zero, count: newCount)
        let shift = Int(base - newBase)
        for (i, q) in slots.enumerated() where !q.isZero { newSlots[i + shift] = q }
        if bestIndex >= 0 { bestIndex += shift }
        base = newBase
        slots = newSlots
        return true
    }

    private mutating func rescale(to newScale: UInt8) -> Bool {
        let factor = ExactDecimal.pow10(Int(newScale - scale))
        let span = Int64(slots.count).multipliedReportingOverflow(by: factor)
        guard !span.overflow, span.partialValue <= Int64(BookSide.maxLadderSpan) else { return false }
        // Built aside: a ladder that cannot hold every level stays as it was (the caller switches).
        var fresh = PriceLadder(isBid: isBid, scale: newScale)
        for level in levels { guard fresh.set(level.price, level.quantity) else { return false } }
        self = fresh
        return true
    }

    func quantity(at price: ExactDecimal) -> ExactDecimal? {
        guard let k = key(price), k >= base, k < base + Int64(slots.count) else { return nil }
        let q = slots[Int(k - base)]
        return q.isZero ? nil : q
    }

    var best: PriceLevel? {
        bestIndex < 0 ? nil : PriceLevel(price: price(at: bestIndex), quantity: slots[bestIndex])
    }

    func top(_ n: Int) -> [PriceLevel] {
        var out: [PriceLevel] = []
        guard bestIndex >= 0, n > 0 else { return out }
        out.reserveCapacity(min(n, count))
        var i = bestIndex
        let step = isBid ? -1 : 1
        while i >= 0 && i < slots.count && out.count < n {
            if !slots[i].isZero { out.append(PriceLevel(price: price(at: i), quantity: slots[i])) }
            i += step
        }
        return out
    }

    var levels: [PriceLevel] { top(count) }
}
