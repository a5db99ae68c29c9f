import AsterKit

/// One side of a simulated limit order book: price levels kept sorted best-first.
///
/// The simulator's book is its own code, not AsterKit's local book, so the two can check each
/// other. Sizes here are a few hundred levels, where a sorted array with binary search is fast.
public struct SimBookSide: Sendable {
    /// `true` for bids (best = highest price).
    public let isBid: Bool
    /// Levels, best first.
    public private(set) var levels: [PriceLevel] = []

    /// Creates an empty side.
    public init(isBid: Bool) { self.isBid = isBid }

    /// The best level.
    public var best: PriceLevel? { levels.first }

    private func index(of price: ExactDecimal) -> (found: Bool, at: Int) {
        var lo = 0
        var hi = levels.count
        while lo < hi {
            let mid = (lo + hi) / 2
            let p = levels[mid].price
            if p == price { return (true, mid) }
            let before = isBid ? p > price : p < price
            if before { lo = mid + 1 } else { hi = mid }
        }
        return (false, lo)
    }

    /// The quantity resting at `price` (zero when none).
    public func quantity(at price: ExactDecimal) -> ExactDecimal {
        let (found, i) = index(of: price)
        return found ? levels[i].quantity : .zero
    }

    /// Sets the absolute quantity at `price`; zero removes the level.
    public mutating func set(_ price: ExactDecimal, _ quantity: ExactDecimal) {
        let (found, i) = index(of: price)
        if quantity.isZero || quantity.isNegative {
            if found { levels.remove(at: i) }
        } else if found {
            levels[i].quantity = quantity
        } else {
            levels.insert(PriceLevel(price: price, quantity: quantity), at: i)
        }
    }

    /// The best `n` levels.
    public func top(_ n: Int) -> ArraySlice<PriceLevel> { levels.prefix(n) }
}
