import AsterKit

extension AccountState {
    /// One JSON object: balances, unrealised PnL, margin balance and ratio, positions, open orders
    /// (decimals as strings, as every JSON line of AsterKit).
    public var json: String {
        var w = JSONWriter()
        w.beginObject()
        w.field("type", "account")
        w.field("time", lastEventTime)
        w.key("balances")
        w.beginArray()
        for b in balances.values.sorted(by: { $0.asset < $1.asset }) {
            w.beginObject()
            w.field("asset", b.asset)
            w.field("walletBalance", b.walletBalance)
            w.field("availableBalance", b.availableBalance)
            w.endObject()
        }
        w.endArray()
        w.field("unrealizedPnL", totalUnrealizedPnL)
        w.field("marginBalance", marginBalance())
        w.field("marginRatio", marginRatio)
        w.key("positions")
        w.beginArray()
        for p in openPositions {
            w.beginObject()
            w.field("symbol", p.symbol)
            w.field("amount", p.amount)
            w.field("entryPrice", p.entryPrice)
            w.field("unrealizedPnL", p.unrealizedPnL)
            w.field("leverage", Int64(p.leverage))
            w.endObject()
        }
        w.endArray()
        w.key("openOrders")
        w.beginArray()
        for o in openOrders.values.sorted(by: { $0.orderId < $1.orderId }) {
            w.beginObject()
            w.field("orderId", o.orderId)
            w.field("symbol", o.symbol)
            w.field("side", o.side)
            w.field("type", o.type)
            w.field("status", o.status)
            w.field("price", o.price)
            w.field("quantity", o.quantity)
            w.field("filled", o.filled)
            w.endObject()
        }
        w.endArray()
        w.endObject()
        return w.text
    }

    /// Readable lines: balances, PnL, positions, open orders.
    public var summaryLines: [String] {
        var out = balances.values.sorted { $0.asset < $1.asset }.map {
            "balance  \($0.asset)  wallet \($0.walletBalance)  available \($0.availableBalance)"
        }
        out.append("unrealized PnL \(totalUnrealizedPnL)  margin balance \(marginBalance())"
                   + (marginRatio.map { "  margin ratio \(($0 * 100).rounded(scale: 2))%" } ?? ""))
        out += openPositions.map { "position \($0.symbol)  \($0.amount) @ \($0.entryPrice)  PnL \($0.unrealizedPnL)  \($0.leverage)x" }
        out += openOrders.values.sorted { $0.orderId < $1.orderId }.map {
            "order    \($0.orderId)  \($0.symbol) \($0.side) \($0.type) \($0.quantity) @ \($0.price)  filled \($0.filled)  \($0.status)"
        }
        if openPositions.isEmpty { out.append("no open positions") }
        if openOrders.isEmpty { out.append("no open orders") }
        return out
    }
}
