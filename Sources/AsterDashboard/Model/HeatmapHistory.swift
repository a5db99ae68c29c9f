import AsterKit

/// The trades of one side between two book samples, as the heatmap marks them: the total size and
/// the price of the largest trade.
public struct TradeMark: Sendable, Hashable {
    /// The summed size (saturating; exact).
    public var quantity: ExactDecimal = .zero
    /// The price of the largest trade.
    public var price: ExactDecimal = .zero
    /// The size of the largest trade.
    public var largest: ExactDecimal = .zero

    /// No trade.
    public static let none = TradeMark()

    /// Creates a mark.
    public init(quantity: ExactDecimal = .zero, price: ExactDecimal = .zero, largest: ExactDecimal = .zero) {
        self.quantity = quantity
        self.price = price
        self.largest = largest
    }

    /// Whether a trade was added.
    public var isEmpty: Bool { quantity.isZero && largest.isZero }

    /// Adds a trade.
    public mutating func add(price: ExactDecimal, quantity: ExactDecimal) {
        self.quantity += quantity
        if quantity > largest || largest.isZero {
            largest = quantity
            self.price = price
        }
    }
}

/// Where a heatmap sample's levels came from.
public enum HeatmapSource: UInt8, Sendable, Hashable {
    /// The partial-depth stream's best 20 levels (before the local book is in step, or in a replay).
    case top20
    /// The synchronised local book (diff stream on a REST snapshot), deeper than 20 levels.
    case synced
}

/// The depth heatmap's history: a ring of book samples (the best ``levelsPerSide`` levels of each
/// side, where they came from, the best bid and ask, and the trades since the previous sample),
/// oldest overwritten first.
///
/// Storage is allocated once, at ``capacity`` samples of ``levelsPerSide`` levels a side;
/// recording a sample writes into it in place, so memory is flat and sampling allocates nothing.
///
/// ```swift
/// var history = HeatmapHistory(capacity: 600, levelsPerSide: 50)
/// history.record(time: now, bids: book.bids, asks: book.asks, buy: .none, sell: .none, source: .synced)
/// let newest = history.sample(age: 0)
/// ```
public struct HeatmapHistory: Sendable {
    /// Levels a side the partial-depth stream carries (and the default depth kept).
    public static let partialLevels = 20
    /// The most levels a side a history keeps.
    public static let maxLevelsPerSide = 255
    /// Levels kept per side and sample.
    public let levelsPerSide: Int
    /// The most samples kept.
    public let capacity: Int
    /// Samples held (at most ``capacity``).
    public private(set) var count = 0
    /// Samples recorded since the start (or the last reset): a scrolled view stays on its moment.
    public private(set) var recorded = 0
    private var next = 0
    private var times: [Int64]
    private var levels: [PriceLevel]
    private var bidCounts: [UInt8]
    private var askCounts: [UInt8]
    private var sources: [HeatmapSource]
    private var marks: [TradeMark]

    /// One sample as the renderer reads it.
    public struct Sample: Sendable {
        /// When it was taken (local ms).
        public var time: Int64
        /// Bids, best first.
        public var bids: ArraySlice<PriceLevel>
        /// Asks, best first.
        public var asks: ArraySlice<PriceLevel>
        /// Taker buys and sells since the previous sample.
        public var buy: TradeMark
        public var sell: TradeMark
        /// Where the levels came from.
        public var source: HeatmapSource
        /// The best bid and ask, when the side had a level.
        public var bestBid: ExactDecimal? { bids.first?.price }
        public var bestAsk: ExactDecimal? { asks.first?.price }
    }

    /// An empty history of `capacity` samples (at least 1) of `levelsPerSide` levels a side (1 to
    /// ``maxLevelsPerSide``).
    public init(capacity: Int, levelsPerSide: Int = HeatmapHistory.partialLevels) {
        self.capacity = max(1, capacity)
        self.levelsPerSide = min(max(1, levelsPerSide), Self.maxLevelsPerSide)
        times = Array(repeating: 0, count: self.capacity)
        levels = Array(repeating: PriceLevel(price: .zero, quantity: .zero), count: self.capacity * 2 * self.levelsPerSide)
        bidCounts = Array(repeating: 0, count: self.capacity)
        askCounts = Array(repeating: 0, count: self.capacity)
        sources = Array(repeating: .top20, count: self.capacity)
        marks = Array(repeating: .none, count: self.capacity * 2)
    }

    /// Records a sample: the best ``levelsPerSide`` of each side (best first), where they came
    /// from, and the trades since the last one.
    public mutating func record(time: Int64, bids: [PriceLevel], asks: [PriceLevel], buy: TradeMark, sell: TradeMark,
                                source: HeatmapSource = .top20) {
        let slot = next
        let base = slot * 2 * levelsPerSide
        let nb = min(bids.count, levelsPerSide)
        let na = min(asks.count, levelsPerSide)
        for i in 0..<nb { levels[base + i] = bids[i] }
        for i in 0..<na { levels[base + levelsPerSide + i] = asks[i] }
        bidCounts[slot] = UInt8(nb)
        askCounts[slot] = UInt8(na)
        sources[slot] = source
        times[slot] = time
        marks[slot * 2] = buy
        marks[slot * 2 + 1] = sell
        next = (slot + 1) % capacity
        count = min(count + 1, capacity)
        recorded += 1
    }

    /// The sample `age` samples before the newest (0 the newest); `nil` past the oldest.
    public func sample(age: Int) -> Sample? {
        guard age >= 0, age < count else { return nil }
        let slot = (next - 1 - age + 2 * capacity) % capacity
        let base = slot * 2 * levelsPerSide
        return Sample(time: times[slot], bids: levels[base..<(base + Int(bidCounts[slot]))],
                      asks: levels[(base + levelsPerSide)..<(base + levelsPerSide + Int(askCounts[slot]))],
                      buy: marks[slot * 2], sell: marks[slot * 2 + 1], source: sources[slot])
    }

    /// Forgets every sample (a symbol switch), keeping the storage.
    public mutating func reset() {
        count = 0
        next = 0
        recorded = 0
    }
}
