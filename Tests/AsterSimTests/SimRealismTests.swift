import AsterTestSupport
import AsterKit
import AsterSim
import Foundation
import Testing

/// The simulated market moves like a real perpetual: calibrated volatility, an index within a few
/// basis points of the mark, funding from the premium index with the spec's clamp, reproducible.
@Suite("Simulator market realism")
struct SimRealismTests {
    static let now: Int64 = 1_764_000_000_000
    static let engine = SimEngine(seed: 5, now: now, warmUpMinutes: 120)

    @Test("BTC one-minute candles span tens of dollars; annualised volatility of every symbol is 25-200 %")
    func volatility() {
        let candles = Self.engine.klines(symbol: "BTCUSDT", interval: .oneMinute)
        #expect(candles.count >= 110)
        let ranges = candles.map { ($0.high - $0.low).doubleValue }.sorted()
        let median = ranges[ranges.count / 2]
        #expect(median >= 10 && median <= 400, "median 1m range \(median)")
        for symbol in SimSymbol.defaults {
            let closes = Self.engine.klines(symbol: symbol.name, interval: .oneMinute).map(\.close.doubleValue)
            let returns = zip(closes, closes.dropFirst()).map { log($1 / $0) }
            let mean = returns.reduce(0, +) / Double(returns.count)
            let variance = returns.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(returns.count - 1)
            let annual = (variance * 525_600).squareRoot()
            #expect(annual > 0.25 && annual < 2.0, "\(symbol.name) annualised \(annual)")
        }
        let ticker = Self.engine.tickers().first { $0.symbol == "BTCUSDT" }!
        #expect(!ticker.priceChange.isZero && ticker.volume > ExactDecimal(1))
    }

    @Test("index within a few bp of the mark; funding 0.01 % per 8 h, 0.005 % per 4 h, settled on each symbol's interval")
    func indexAndFunding() {
        for m in Self.engine.markPrices() {
            let index = m.indexPrice
            let gap = ((m.markPrice - index).magnitude.divided(by: index, scale: 8) ?? 1).doubleValue
            #expect(gap < 0.0008, "\(m.symbol) mark \(m.markPrice) index \(index)")
            #expect(m.fundingRate.magnitude <= ExactDecimal(mantissa: 3, scale: 4), "\(m.symbol) \(m.fundingRate)")
        }
        let configs = Dictionary(uniqueKeysWithValues: Self.engine.fundingConfigs().map { ($0.symbol, $0) })
        #expect(configs["BTCUSDT"]?.hours == 8 && configs["BTCUSDT"]?.interest == ExactDecimal(mantissa: 1, scale: 4))
        #expect(configs["ASTERUSDT"]?.hours == 4 && configs["ASTERUSDT"]?.interest == ExactDecimal(mantissa: 5, scale: 5))
        let btc = Self.engine.markPrices().first { $0.symbol == "BTCUSDT" }!
        #expect(btc.fundingRate == ExactDecimal(mantissa: 1, scale: 4))
        #expect(btc.nextFundingTime % (8 * 3_600_000) == 0)
        let history = Self.engine.fundingHistory().filter { $0.symbol == "ASTERUSDT" }
        #expect(history.count >= 30)
        #expect(zip(history, history.dropFirst()).allSatisfy { $1.time - $0.time == 4 * 3_600_000 })
        let marks = Self.engine.priceKlines(symbol: "ETHUSDT", interval: .oneMinute, index: false)
        #expect(marks.count >= 110 && marks.allSatisfy { $0.points >= 1 && $0.low <= $0.high })
    }

    @Test("the same seed gives the same market")
    func reproducible() {
        let a = SimEngine(seed: 77, now: Self.now, warmUpMinutes: 10)
        let b = SimEngine(seed: 77, now: Self.now, warmUpMinutes: 10)
        let c = SimEngine(seed: 78, now: Self.now, warmUpMinutes: 10)
        #expect(a.klines(symbol: "SOLUSDT", interval: .oneMinute) == b.klines(symbol: "SOLUSDT", interval: .oneMinute))
        #expect(a.klines(symbol: "SOLUSDT", interval: .oneMinute) != c.klines(symbol: "SOLUSDT", interval: .oneMinute))
    }
}
