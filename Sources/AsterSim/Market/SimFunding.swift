import AsterKit

/// One candle of a price series sampled once a second (mark or index price klines).
public struct SimPriceCandle: Sendable, Hashable {
    public var openTime: Int64
    public var open: ExactDecimal
    public var high: ExactDecimal
    public var low: ExactDecimal
    public var close: ExactDecimal
    /// Samples folded in (the spec's "Number of Data Points").
    public var points: Int64
}

/// One-minute candles of a price sampled once a second; longer intervals are aggregated on request.
struct SimPriceSeries: Sendable {
    /// Two days of minutes.
    static let capacity = 2_880
    private(set) var minutes: [SimPriceCandle] = []

    mutating func record(_ price: ExactDecimal, at time: Int64) {
        let minute = time / 60_000 * 60_000
        if var last = minutes.last, last.openTime == minute {
            last.high = max(last.high, price)
            last.low = min(last.low, price)
            last.close = price
            last.points += 1
            minutes[minutes.count - 1] = last
        } else {
            minutes.append(SimPriceCandle(openTime: minute, open: price, high: price, low: price, close: price, points: 1))
            if minutes.count > Self.capacity + 500 { minutes.removeFirst(minutes.count - Self.capacity) }
        }
    }

    /// Candles of `length` ms (a multiple of a minute), oldest first.
    func candles(length: Int64) -> [SimPriceCandle] {
        guard length > 60_000 else { return minutes }
        var out: [SimPriceCandle] = []
        for m in minutes {
            let open = m.openTime / length * length
            if var last = out.last, last.openTime == open {
                last.high = max(last.high, m.high)
                last.low = min(last.low, m.low)
                last.close = m.close
                last.points += m.points
                out[out.count - 1] = last
            } else {
                out.append(SimPriceCandle(openTime: open, open: m.open, high: m.high, low: m.low, close: m.close, points: m.points))
            }
        }
        return out
    }
}

/// A settled funding rate.
public struct SimFundingRecord: Sendable, Hashable {
    public var symbol: String
    public var rate: ExactDecimal
    public var time: Int64
}

/// A funding settlement: at `time` (the symbol's `nextFundingTime` until then) every position
/// of `symbol` pays `amount × markPrice × rate` (longs pay shorts when the rate is positive).
public struct SimFundingSettlement: Sendable, Hashable {
    public var symbol: String
    /// The rate published for the interval (`premiumIndex`'s `lastFundingRate` before settling).
    public var rate: ExactDecimal
    /// The mark price at settlement.
    public var markPrice: ExactDecimal
    /// The scheduled settlement time.
    public var time: Int64
}

/// Index, premium and funding of one symbol, advanced once a second.
///
/// The index follows the fair (spot) price with a basis of at most 3 bp; the premium index is
/// `(mark - index) / index` averaged over the funding interval; the funding rate is the spec's
/// (Binance's) formula, `P + clamp(I - P, -0.05 %, 0.05 %)`, then clamped to the symbol's cap and
/// floor, where `I` is 0.01 % per 8 hours. With a few bp of premium it is 0.01 % per 8 h interval.
struct SimFunding: Sendable {
    let symbol: String
    let period: Int64
    /// Interest per interval: 0.01 % per 8 hours.
    let interest: ExactDecimal
    /// `fundingFeeCap` / `fundingFeeFloor` (3 % for 8 h intervals, 2 % for shorter ones).
    let cap: ExactDecimal
    var basis: ExactDecimal = .zero
    var index: ExactDecimal = .zero
    /// The mark price: the index plus a 30-second moving average of the book's basis
    /// (`(mid − index) / index`), so a sweep of the book moves it only a little (as Binance's does).
    var markPrice: ExactDecimal = .zero
    private var basisAverage = 0.0
    var premiumSum: ExactDecimal = .zero
    var premiumCount: Int64 = 0
    /// The next scheduled settlement.
    private(set) var nextSettlement: Int64 = 0
    var history: [SimFundingRecord] = []
    var mark = SimPriceSeries()
    var indexSeries = SimPriceSeries()

    /// - Parameters:
    ///   - period: milliseconds between settlements (the symbol's `fundingIntervalHours` unless given).
    init(symbol: SimSymbol, period: Int64? = nil) {
        self.symbol = symbol.name
        self.period = max(1_000, period ?? symbol.fundingPeriod)
        interest = ExactDecimal(mantissa: Int64(symbol.fundingIntervalHours) * 125, scale: 7)   // 0.0001 × h / 8
        cap = symbol.fundingIntervalHours >= 8 ? ExactDecimal(mantissa: 3, scale: 2) : ExactDecimal(mantissa: 2, scale: 2)
    }

    /// The rate the current interval would settle at.
    var estimatedRate: ExactDecimal {
        let p = premiumCount == 0 ? ExactDecimal.zero : (premiumSum.divided(by: ExactDecimal(Int(premiumCount)), scale: 8) ?? .zero)
        let band = ExactDecimal(mantissa: 5, scale: 4)
        let rate = p + min(max(interest - p, -band), band)
        return min(max(rate, -cap), cap).rounded(scale: 8)
    }

    /// The next settlement after `now`.
    func nextFundingTime(_ now: Int64) -> Int64 { max(nextSettlement, (now / period + 1) * period) }

    /// Settles when `now` reached the scheduled time: the rate published for the interval is
    /// recorded at the scheduled time and the next interval starts. `nil` before the time.
    mutating func settle(now: Int64, mark: ExactDecimal) -> SimFundingSettlement? {
        if nextSettlement == 0 { nextSettlement = (now / period + 1) * period }
        guard now >= nextSettlement else { return nil }
        let settled = SimFundingSettlement(symbol: symbol, rate: estimatedRate, markPrice: mark, time: nextSettlement)
        history.append(SimFundingRecord(symbol: symbol, rate: settled.rate, time: settled.time))
        if history.count > 2_000 { history.removeFirst(1_000) }
        premiumSum = .zero
        premiumCount = 0
        nextSettlement = (now / period + 1) * period
        return settled
    }

    /// One second: moves the basis, samples mark and index (settlement is ``settle(now:mark:)``).
    mutating func sample(now: Int64, fair: ExactDecimal, mid: ExactDecimal, basisStep: Int64) {
        basis = min(max(basis + ExactDecimal(mantissa: basisStep, scale: 5), ExactDecimal(mantissa: -3, scale: 4)),
                    ExactDecimal(mantissa: 3, scale: 4))
        index = (fair * (1 + basis)).rounded(scale: 8)
        let raw = index.isZero ? 0 : (mid.doubleValue - index.doubleValue) / index.doubleValue
        basisAverage += (min(max(raw, -0.005), 0.005) - basisAverage) * 2 / 31
        markPrice = (index * (1 + ExactDecimal(mantissa: Int64((basisAverage * 1e8).rounded()), scale: 8))).rounded(scale: 8)
        mark.record(markPrice, at: now)
        indexSeries.record(index, at: now)
        if !index.isZero, let premium = (markPrice - index).divided(by: index, scale: 8) {
            premiumSum += premium
            premiumCount += 1
        }
    }
}
