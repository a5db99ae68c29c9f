import AsterTestSupport
import AsterKit
import AsterSim
import Foundation
import Testing

/// Funding settles at each symbol's `nextFundingTime`, at the rate it published, and only then.
@Suite("Simulator funding on schedule", .serialized, .timeLimit(.minutes(3)))
struct SimFundingTests {
    @Test("settlement happens exactly at nextFundingTime, at the rate published just before, and the next interval starts")
    func engineSchedule() {
        let period: Int64 = 10_000
        var engine = SimEngine(symbols: [SimSymbol.defaults[0]], seed: 5, now: 1_764_000_003_250, fundingPeriod: period)
        let next = engine.markPrices()[0].nextFundingTime
        #expect(next % period == 0 && next > engine.now && next - engine.now <= period)
        var published = engine.markPrices()[0].fundingRate
        var mark = engine.markPrices()[0].markPrice
        var t = engine.now
        while t < next - 1 {
            t = min(t + 250, next - 1)
            _ = engine.advance(to: t, steps: 5, isWanted: { _ in false })
            #expect(engine.drainSettlements().isEmpty, "settled early at \(t)")
            published = engine.markPrices()[0].fundingRate
            mark = engine.markPrices()[0].markPrice
            #expect(engine.markPrices()[0].nextFundingTime == next)
        }
        _ = engine.advance(to: next, steps: 5, isWanted: { _ in false })
        let settled = engine.drainSettlements()
        #expect(settled.count == 1 && settled.first?.time == next && settled.first?.rate == published)
        #expect(settled.first?.markPrice == mark)
        let record = engine.fundingHistory().last
        #expect(record?.symbol == "BTCUSDT" && record?.rate == published && record?.time == next)
        #expect(engine.markPrices()[0].nextFundingTime == next + period)
        _ = engine.advance(to: next + period - 1, steps: 5, isWanted: { _ in false })
        #expect(engine.drainSettlements().isEmpty)
    }

    @Test("a long pays funding only at the scheduled times, amount × mark × the published rate (--funding-interval 2s)")
    func accountCharged() async throws {
        var config = SimConfiguration(seed: 73, rate: 2_000, demoTrader: .off)
        config.fundingInterval = .seconds(2)
        try await withSimulator(config) { server, port in
            let rest = RawREST(port: port)
            let bought = try await rest.v1("POST", "/fapi/v1/order", "symbol=LINKUSDT&side=BUY&type=MARKET&quantity=10")
            #expect(bought.status == 200, "\(bought.text)")
            let premium = try #require(try await rest.get("/fapi/v1/premiumIndex", "symbol=LINKUSDT").json as? [String: Any])
            let next = try #require(premium["nextFundingTime"] as? Int)
            #expect(next % 2_000 == 0)
            try await waitUntil(timeout: .seconds(20)) {
                let fees = try await rest.v1("GET", "/fapi/v1/income", "incomeType=FUNDING_FEE").json as? [[String: Any]]
                return (fees?.count ?? 0) >= 2
            }
            let fees = try #require(try await rest.v1("GET", "/fapi/v1/income", "incomeType=FUNDING_FEE").json as? [[String: Any]])
            let rates = try #require(try await rest.get("/fapi/v1/fundingRate", "symbol=LINKUSDT&limit=1000").json as? [[String: Any]])
            let rateAt = Dictionary(rates.compactMap { r in (r["fundingTime"] as? Int).map { ($0, r["fundingRate"] as? String ?? "") } },
                                    uniquingKeysWith: { a, _ in a })
            let entry = server.accountSnapshot.position("LINKUSDT").entryPrice
            for fee in fees {
                #expect(fee["symbol"] as? String == "LINKUSDT")
                let time = try #require(fee["time"] as? Int)
                #expect(time % 2_000 == 0 && time >= next, "charged off schedule at \(time)")
                let rate = try #require(rateAt[time].flatMap { ExactDecimal($0) }, "no published rate at \(time)")
                let income = try #require((fee["income"] as? String).flatMap { ExactDecimal($0) })
                // Longs pay at a positive rate: income = −10 × mark × rate, the mark within 1 % of the entry.
                #expect(income.isNegative == (rate > .zero))
                let mark = try #require((income.magnitude.divided(by: 10 * rate.magnitude, scale: 8)))
                #expect((mark - entry).magnitude < entry * ExactDecimal(mantissa: 1, scale: 2), "\(mark) vs \(entry)")
            }
            #expect(Set(fees.compactMap { $0["time"] as? Int }).count == fees.count)
        }
    }
}
