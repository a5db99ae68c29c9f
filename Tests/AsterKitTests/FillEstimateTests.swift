import AsterTestSupport
import Testing

@testable import AsterKit

@Suite("What an order would do to the account (order tickets)")
struct FillEstimateTests {
    /// 1,000 USDT; ETHUSDT at 10x with the spec's first bracket (0.65 %, cum 0); optionally long 1 @ 2000.
    func account(long: Bool) -> AccountState {
        let rows = long ? [PositionInfo(symbol: "ETHUSDT", positionAmount: dec("1"), entryPrice: dec("2000"), unrealizedProfit: .zero,
                                        leverage: 10, isolated: false, positionSide: .both, updateTime: 1)]
                        : [PositionInfo(symbol: "ETHUSDT", positionAmount: .zero, entryPrice: .zero, unrealizedProfit: .zero,
                                        leverage: 10, isolated: false, positionSide: .both, updateTime: 1)]
        var s = AccountState(account: AccountInformation(updateTime: 1, totalWalletBalance: 1000, totalUnrealizedProfit: .zero,
                                                         totalMarginBalance: 1000, availableBalance: 1000,
                                                         assets: [AssetBalance(asset: "USDT", walletBalance: 1000)], positions: rows),
                             openOrders: [], at: 1)
        s.setBrackets([SymbolBrackets(symbol: "ETHUSDT", brackets: [
            LeverageBracket(bracket: 1, initialLeverage: 75, notionalFloor: 0, notionalCap: 100_000,
                            maintenanceMarginRatio: dec("0.0065"), cumulative: 0),
        ])])
        return s
    }

    @Test("opening: margin at the leverage; LP = (WB − amount × entry) / (|amount| × MMR − amount), by hand")
    func opening() {
        let e = account(long: false).estimateFill(symbol: "ETHUSDT", orderSide: .buy, quantity: dec("1"), price: dec("2000"))
        #expect(e.amount == dec("1") && e.entryPrice == dec("2000"))
        #expect(e.requiredMargin == dec("200"))
        // (1000 − 2000) / (0.0065 − 1) = 1006.54252642…
        #expect(e.liquidationPrice == dec("1006.54252642"))
    }

    @Test("adding averages the entry; reducing keeps it; flipping opens the rest at the fill price")
    func changing() {
        let s = account(long: true)
        let added = s.estimateFill(symbol: "ETHUSDT", orderSide: .buy, quantity: dec("1"), price: dec("2100"))
        #expect(added.amount == dec("2") && added.entryPrice == dec("2050"))
        // (1000 − 2 × 2050) / (2 × 0.0065 − 2) = 1560.14091595…
        #expect(added.liquidationPrice == dec("1560.14091595"))
        let reduced = s.estimateFill(symbol: "ETHUSDT", orderSide: .sell, quantity: dec("0.5"), price: dec("2100"))
        #expect(reduced.amount == dec("0.5") && reduced.entryPrice == dec("2000"))
        let flipped = s.estimateFill(symbol: "ETHUSDT", orderSide: .sell, quantity: dec("3"), price: dec("2100"))
        #expect(flipped.amount == dec("-2") && flipped.entryPrice == dec("2100"))
        let flat = s.estimateFill(symbol: "ETHUSDT", orderSide: .sell, quantity: dec("1"), price: dec("2100"))
        #expect(flat.amount.isZero && flat.liquidationPrice == nil)
    }
}
