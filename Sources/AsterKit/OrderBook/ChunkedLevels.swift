/// Price levels kept best first in a list of sorted chunks (at most 128 levels each), the layout
/// Python's `sortedcontainers` uses: finding a price is two binary searches (O(log n)); inserting
/// or removing moves at most one chunk's worth of levels. ``BookSide`` falls back to it when its
/// price ladder would span too many ticks.
struct ChunkedLevels: Sendable {
    /// `true` for bids (best = highest price), `false` for asks (best = lowest).
    let isBid: Bool
    private var chunks: [[PriceLevel]] = []
    /// Number of levels.
    private(set) var count = 0

    static let maxChunk = 128

    /// Creates an empty side.
    init(isBid: Bool) { self.isBid = isBid }

    /// Creates a side from levels in any order (zero quantities are skipped).
    init(isBid: Bool, levels: [PriceLevel]) {
        self.isBid = isBid
        let sorted = levels.filter { !$0.quantity.isZero }
            .sorted { isBid ? $0.price > $1.price : $0.price < $1.price }
        var unique: [PriceLevel] = []
        unique.reserveCapacity(sorted.count)
        for level in sorted {
            if unique.last?.price == level.price { unique[unique.count - 1] = level } else { unique.append(level) }
        }
        count = unique.count
        var start = 0
        while start < unique.count {
            let end = min(start + Self.maxChunk / 2, unique.count)
            chunks.append(Array(unique[start..<end]))
            start = end
        }
    }

    @inline(__always)
    private func better(_ a: ExactDecimal, _ b: ExactDecimal) -> Bool {
        isBid ? a > b : a < b
    }

    /// The chunk a price belongs to: the first whose last level is not better than the price.
    private func chunkIndex(for price: ExactDecimal) -> Int {
        var lo = 0
        var hi = chunks.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if better(chunks[mid][chunks[mid].count - 1].price, price) { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// Position of a price inside a chunk: (found, index).
    private func position(of price: ExactDecimal, in chunk: [PriceLevel]) -> (Bool, Int) {
        var lo = 0
        var hi = chunk.count
        while lo < hi {
            let mid = (lo + hi) / 2
            let p = chunk[mid].price
            if p == price { return (true, mid) }
            if better(p, price) { lo = mid + 1 } else { hi = mid }
        }
        return (false, lo)
    }

    /// Sets the absolute quantity at `price`; zero removes the level (absent levels are fine).
    mutating func set(_ price: ExactDecimal, _ quantity: ExactDecimal) {
        var c = chunkIndex(for: price)
        if c == chunks.count {
            guard !quantity.isZero else { return }
            if c > 0 && chunks[c - 1].count < Self.maxChunk {
                c -= 1
            } else {
                chunks.append([])
            }
            chunks[c].append(PriceLevel(price: price, quantity: quantity))
            count += 1
            return
        }
        let (found, i) = position(of: price, in: chunks[c])
        if quantity.isZero {
            guard found else { return }
            chunks[c].remove(at: i)
            count -= 1
            if chunks[c].isEmpty { chunks.remove(at: c) }
        } else if found {
            chunks[c][i].quantity = quantity
        } else {
            chunks[c].insert(PriceLevel(price: price, quantity: quantity), at: i)
            count += 1
            if chunks[c].count > Self.maxChunk {
                let tail = Array(chunks[c][(Self.maxChunk / 2)...])
                chunks[c].removeSubrange((Self.maxChunk / 2)...)
                chunks.insert(tail, at: c + 1)
            }
        }
    }

    /// The quantity resting at `price`, or `nil`.
    func quantity(at price: ExactDecimal) -> ExactDecimal? {
        let c = chunkIndex(for: price)
        guard c < chunks.count else { return nil }
        let (found, i) = position(of: price, in: chunks[c])
        return found ? chunks[c][i].quantity : nil
    }

    /// The best level.
    var best: PriceLevel? { chunks.first?.first }

    /// The best `n` levels, best first.
    func top(_ n: Int) -> [PriceLevel] {
        var out: [PriceLevel] = []
        out.reserveCapacity(min(n, count))
        for chunk in chunks {
            for level in chunk {
                guard out.count < n else { return out }
                out.append(level)
            }
        }
        return out
    }

    /// Every level, best first.
    var levels: [PriceLevel] { chunks.flatMap { $0 } }

    /// Total quantity of the best `n` levels.
    func depth(_ n: Int) -> ExactDecimal {
        top(n).reduce(.zero) { $0 + $1.quantity }
    }
}
