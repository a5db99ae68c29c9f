import AsterKit

/// Client orders on the demo account: placing, cancelling, settings.
extension SimAccount {
    /// A new order id.
    mutating func newOrderId() -> Int64 {
        nextOrderId += 1
        return nextOrderId
    }

    /// Records a new order (resting or about to trade); returns its `NEW` update payload.
    mutating func open(_ order: SimOrder, now: Int64) -> String {
        orders[order.orderId] = order
        return SimUserPayload.orderUpdate(order, execution: "NEW", last: nil, now: now, realized: .zero)
    }

    /// Ends an open order as `CANCELED` or `EXPIRED`; `nil` when there is no such open order.
    mutating func finish(_ id: Int64, status: String, now: Int64) -> (order: SimOrder, payload: String)? {
        guard var order = orders.removeValue(forKey: id) else { return nil }
        order.status = status
        order.updateTime = now
        archive(order)
        return (order, SimUserPayload.orderUpdate(order, execution: status == "CANCELED" ? "CANCELED" : "EXPIRED",
                                                   last: nil, now: now, realized: .zero))
    }

    /// Turns a triggered conditional order into the `MARKET` or `LIMIT` order it becomes.
    mutating func trigger(_ id: Int64, now: Int64) -> SimOrder? {
        guard var order = orders[id] else { return nil }
        order.type = order.type.hasSuffix("_MARKET") ? "MARKET" : "LIMIT"
        order.updateTime = now
        if order.closePosition {
            order.quantity = position(order.symbol, side: order.positionSide).amount.magnitude
        }
        orders[id] = order
        return order
    }

    /// Changes the leverage of `symbol`; the `ACCOUNT_CONFIG_UPDATE` payload.
    mutating func setLeverage(_ leverage: Int, symbol: String, now: Int64) -> String {
        leverages[symbol] = leverage
        return SimUserPayload.leverageUpdate(symbol: symbol, leverage: leverage, time: now)
    }

    /// Switches `symbol` to isolated or cross margin (`-4046`, `-4047`, `-4048` as the spec says).
    mutating func setMarginType(isolated: Bool, symbol: String) throws {
        guard isolatedSymbols.contains(symbol) != isolated else { throw SimHTTPError(-4046, "No need to change margin type.") }
        guard !orders.values.contains(where: { $0.symbol == symbol }) else {
            throw SimHTTPError(-4047, "Margin type cannot be changed if there exists open orders.")
        }
        guard !positions.contains(where: { SimAccount.symbol(of: $0.key) == symbol && !$0.value.amount.isZero }) else {
            throw SimHTTPError(-4048, "Margin type cannot be changed if there exists position.")
        }
        if isolated { isolatedSymbols.insert(symbol) } else { isolatedSymbols.remove(symbol) }
    }

    /// Switches hedge mode (`-4059`, `-4067`, `-4068`); the `ACCOUNT_CONFIG_UPDATE` payload.
    mutating func setDualSide(_ dual: Bool, now: Int64) throws -> String {
        guard dual != dualSidePosition else { throw SimHTTPError(-4059, "No need to change position side.") }
        guard orders.isEmpty else {
            throw SimHTTPError(-4067, "Position side cannot be changed if there exists open orders.")
        }
        guard !positions.values.contains(where: { !$0.amount.isZero }) else {
            throw SimHTTPError(-4068, "Position side cannot be changed if there exists position.")
        }
        dualSidePosition = dual
        positions = [:]
        return SimUserPayload.accountConfig(multiAssets: multiAssetsMargin, dualSide: dual, time: now)
    }

    /// Switches multi-assets mode; the `ACCOUNT_CONFIG_UPDATE` payload with `ai`.
    mutating func setMultiAssets(_ on: Bool, now: Int64) -> String {
        multiAssetsMargin = on
        return SimUserPayload.accountConfig(multiAssets: on, dualSide: dualSidePosition, time: now)
    }

    /// Available balance for new positions: wallet plus unrealised PnL less position margin.
    var availableBalance: ExactDecimal {
        wallet + totalUnrealized(positions.keys.map { SimAccount.symbol(of: $0) }) - positionMargin
    }
}
