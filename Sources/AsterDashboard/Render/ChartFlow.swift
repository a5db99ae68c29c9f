import AsterKit

/// The chart's trade flow, from the candles alone: a VWAP anchored at the first candle shown
/// (Σ quote volume / Σ volume) and the cumulative volume delta (Σ taker buy − taker sell volume,
/// taker sell being volume − taker buy). Exact decimals; sums saturate rather than trap.
///
/// ```swift
/// let points = ChartFlow.series(candles)   // points[i].vwap, points[i].cvd
/// ```
public enum ChartFlow {
    /// One candle's running figures.
    public struct Point: Sendable, Hashable {
        /// VWAP from the first candle to this one (10 fraction digits, rounded half-even); `nil` before any volume.
        public var vwap: ExactDecimal?
        /// Cumulative volume delta from the first candle to this one.
        public var cvd: ExactDecimal
        /// This candle's own delta (taker buy − taker sell volume).
        public var delta: ExactDecimal
    }

    /// The running VWAP and CVD of `candles`, oldest first.
    public static func series(_ candles: some Collection<Candle>) -> [Point] {
        var quote = ExactDecimal.zero
        var volume = ExactDecimal.zero
        var cvd = ExactDecimal.zero
        var out: [Point] = []
        out.reserveCapacity(candles.count)
        for k in candles {
            quote += k.quoteVolume
            volume += k.volume
            // Buy − sell = buy − (volume − buy) = 2·buy − volume.
            let delta = k.takerBuyVolume + k.takerBuyVolume - k.volume
            cvd += delta
            let vwap = volume.isZero || volume.isNegative ? nil : quote.divided(by: volume, scale: 10)
            out.append(Point(vwap: vwap, cvd: cvd, delta: delta))
        }
        return out
    }
}
