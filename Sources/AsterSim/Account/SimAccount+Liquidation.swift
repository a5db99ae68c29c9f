import AsterKit
import Foundation

/// Liquidation: when the cross margin balance falls to the cross positions' maintenance margin,
/// every cross position is closed; when an isolated position's margin (its wallet plus
/// unrealised PnL) falls to its maintenance margin, that position is closed. Each is closed by a
/// liquidation order (client order id `autoclose-…`), an IOC limit order at the position's
/// bankruptcy price that takes from the book; what the book cannot fill at that price or better
/// the insurance fund takes at the bankruptcy price. The margin the fills leave stays with the
/// account (no clearance fee); a cross wallet left below zero is brought back to zero
/// (`INSURANCE_CLEAR` income).
extension SimAccount {
    /// The groups of position keys to liquidate now: all cross positions (when the cross margin
    /// balance is at or below their maintenance margin), and each isolated position on its own.
    public func liquidationsDue() -> [[String]] {
        var out: [[String]] = []
        let cross = openKeys(isolated: false)
        if !cross.isEmpty, crossMarginBalance <= crossMaintenanceMargin { out.append(cross) }
        for key in openKeys(isolated: true) where isolatedWallet(key) + unrealized(key) <= maintenanceMargin(key) {
            out.append([key])
        }
        return out
    }

    /// The bankruptcy price of the position at `key` (liquidated with the other positions of
    /// `group`): the mark price at which its margin is gone. An isolated position's margin is its
    /// wallet; cross positions share the cross margin balance in proportion to their maintenance margin.
    public func bankruptcyPrice(_ key: String, group: [String]) -> ExactDecimal? {
        let symbol = Self.symbol(of: key)
        guard let p = positions[key], !p.amount.isZero, let mark = lastMarks[symbol] else { return nil }
        if isIsolated(key) {
            return isolatedWallet(key).divided(by: p.amount, scale: 8).map { p.entryPrice - $0 }
        }
        let total = group.reduce(ExactDecimal.zero) { $0 + maintenanceMargin($1) }
        let share = total.isZero ? nil : (crossMarginBalance * maintenanceMargin(key)).divided(by: total, scale: 8)
        let margin = share ?? (crossMarginBalance.divided(by: ExactDecimal(max(group.count, 1)), scale: 8) ?? .zero)
        return margin.divided(by: p.amount, scale: 8).map { mark - $0 }
    }

    /// Opens the liquidation order of the position at `key` at `price` (an IOC `LIQUIDATION`
    /// order for the whole position, client order id `autoclose-<time><sequence>`).
    mutating func openLiquidation(_ key: String, price: ExactDecimal, now: Int64) -> SimOrder? {
        guard let p = positions[key], !p.amount.isZero else { return nil }
        risk.liquidations += 1
        var order = SimOrder(orderId: newOrderId(), clientOrderId: "autoclose-\(now)" + String(format: "%06lld", risk.liquidations % 1_000_000),
                             symbol: Self.symbol(of: key), side: p.amount.isNegative ? "BUY" : "SELL", price: price,
                             quantity: p.amount.magnitude, time: now, updateTime: now)
        order.type = "LIQUIDATION"
        order.origType = "LIQUIDATION"
        order.timeInForce = "IOC"
        order.positionSide = Self.side(of: key)
        orders[order.orderId] = order
        return order
    }

    /// Fills `quantity` of liquidation order `id` at `price` (a taker fill); its
    /// `ORDER_TRADE_UPDATE` with execution type `CALCULATED` (the spec's "Liquidation Execution").
    mutating func liquidationFill(_ id: Int64, quantity: ExactDecimal, price: ExactDecimal, now: Int64) -> String? {
        _ = execute(id, quantity: quantity, price: price, maker: false, now: now)
        guard let trade = trades.last, trade.orderId == id,
              let order = orders[id] ?? closedOrders.last(where: { $0.orderId == id }) else { return nil }
        let fill = SimUserPayload.Fill(quantity: quantity, price: price, fee: trade.commission, tradeId: trade.id, maker: false)
        return SimUserPayload.orderUpdate(order, execution: "CALCULATED", last: fill, now: now, realized: trade.realizedPnl)
    }

    /// Ends liquidation order `id`: kept for `forceOrders` and `allOrders` as the spec's REST
    /// example shows it (`LIMIT`, `IOC`); a cross wallet below zero is cleared by the insurance fund.
    /// Returns the finished order.
    mutating func finishLiquidation(_ id: Int64, now: Int64) -> SimOrder? {
        if orders[id] != nil { _ = finish(id, status: "EXPIRED", now: now) }
        guard let index = closedOrders.lastIndex(where: { $0.orderId == id }) else { return nil }
        closedOrders[index].type = "LIMIT"
        closedOrders[index].origType = "LIMIT"
        let order = closedOrders[index]
        risk.forceOrders.append(order)
        if risk.forceOrders.count > 1_000 { risk.forceOrders.removeFirst(500) }
        if crossWallet.isNegative {
            let cleared = -crossWallet
            wallet += cleared
            addIncome("", "INSURANCE_CLEAR", cleared, now: now)
        }
        return order
    }
}
