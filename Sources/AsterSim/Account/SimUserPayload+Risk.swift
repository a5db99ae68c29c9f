import AsterKit

/// The risk endpoints' answers, keyed and typed as the spec's examples.
extension SimUserPayload {
    /// One row of `positionMargin/history`.
    static func marginChange(_ c: SimMarginChange) -> String {
        var w = JSONWriter()
        w.beginObject()
        w.field("amount", c.amount)
        w.field("asset", "USDT")
        w.field("symbol", c.symbol)
        w.field("time", c.time)
        w.field("type", Int64(c.type))
        w.field("positionSide", c.positionSide)
        w.endObject()
        return w.text
    }

    /// One liquidation order of `forceOrders`.
    static func forceOrder(_ o: SimOrder) -> String {
        var w = JSONWriter()
        w.beginObject()
        w.field("orderId", o.orderId)
        w.field("symbol", o.symbol)
        w.field("status", o.status)
        w.field("clientOrderId", o.clientOrderId)
        w.field("price", o.price)
        w.field("avgPrice", average(o))
        w.field("origQty", o.quantity)
        w.field("executedQty", o.executed)
        w.field("cumQuote", o.cumulativeQuote)
        w.field("timeInForce", o.timeInForce)
        w.field("type", o.type)
        w.field("reduceOnly", o.reduceOnly)
        w.field("closePosition", o.closePosition)
        w.field("side", o.side)
        w.field("positionSide", o.positionSide)
        w.field("stopPrice", o.stopPrice)
        w.field("workingType", o.workingType)
        w.field("origType", o.origType)
        w.field("time", o.time)
        w.field("updateTime", o.updateTime)
        w.endObject()
        return w.text
    }

    /// One symbol of `adlQuantile`: `LONG`, `SHORT` and `BOTH` (one-way mode, or isolated in
    /// hedge mode), or `LONG`, `SHORT` with one shared value and `HEDGE` (cross in hedge mode).
    static func adlQuantile(_ a: SimAccount, symbol: String) -> String {
        var w = JSONWriter()
        w.beginObject()
        w.field("symbol", symbol)
        w.key("adlQuantile")
        w.beginObject()
        let (long, short) = (SimAccount.key(symbol, "LONG"), SimAccount.key(symbol, "SHORT"))
        if !a.dualSidePosition {
            w.field("LONG", Int64(0))
            w.field("SHORT", Int64(0))
            w.field("BOTH", Int64(a.adlQuantile([symbol])))
        } else if a.isolatedSymbols.contains(symbol) {
            w.field("LONG", Int64(a.adlQuantile([long])))
            w.field("SHORT", Int64(a.adlQuantile([short])))
            w.field("BOTH", Int64(0))
        } else {
            let shared = Int64(a.adlQuantile([long, short]))
            w.field("LONG", shared)
            w.field("SHORT", shared)
            w.field("HEDGE", Int64(0))
        }
        w.endObject()
        w.endObject()
        return w.text
    }
}

extension SimAccount {
    /// The ADL quantile (0 to 4) of the positions at `keys`, taken together. With no queue of
    /// other traders to rank against, the simulator ranks a position by its own profit over its
    /// margin (isolated wallet, or initial margin when cross): 0 with no position, 1 at a loss or
    /// flat, 2 up to half its margin in profit, 3 up to all of it, 4 beyond.
    public func adlQuantile(_ keys: [String]) -> Int {
        let open = keys.filter { !(positions[$0]?.amount.isZero ?? true) }
        guard !open.isEmpty else { return 0 }
        let profit = open.reduce(ExactDecimal.zero) { $0 + unrealized($1) }
        let margin = open.reduce(ExactDecimal.zero) { $0 + (isIsolated($1) ? isolatedWallet($1) : positionInitialMargin($1)) }
        guard profit > .zero else { return 1 }
        guard margin > .zero, let score = profit.divided(by: margin, scale: 8) else { return 4 }
        return score <= ExactDecimal(mantissa: 5, scale: 1) ? 2 : score <= 1 ? 3 : 4
    }
}
