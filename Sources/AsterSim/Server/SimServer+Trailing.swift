import AsterKit

/// `TRAILING_STOP_MARKET` and self-trade prevention at matching.
extension SimServer {
    /// The spec's self-trade prevention modes (`stpMode`).
    static let stpModes: Set<String> = ["EXPIRE_TAKER", "EXPIRE_MAKER", "EXPIRE_BOTH"]

    /// The spec's callback-rate range for `TRAILING_STOP_MARKET`: 0.1 to 5 (percent).
    static let callbackRates = ExactDecimal(mantissa: 1, scale: 1)...ExactDecimal(5)

    /// `activationPrice` and `callbackRate` of a trailing stop, checked: the rate within 0.1–5
    /// (`-1130`), the activation price on the price filter (`-4135`
    /// when not positive) and, when sent, below the working price for a buy and above it for a
    /// sell (`-2021`, as the spec says). Without one, the order is active from the start.
    func trailingParameters(_ q: SimQuery, symbol: SimSymbol, buy: Bool, working: ExactDecimal?) throws
        -> (activation: ExactDecimal?, callbackRate: ExactDecimal) {
        guard let rate = try q.decimal("callbackRate") else { throw SimQuery.missing("callbackRate") }
        guard Self.callbackRates.contains(rate) else { throw SimQuery.invalid("callbackRate") }
        guard let activation = try q.decimal("activationPrice") else { return (nil, rate) }
        guard activation > .zero else { throw SimHTTPError(-4135, "Invalid activation price") }
        try SimFilters(symbol: symbol).check(price: activation, stop: true)
        if let working, buy ? activation >= working : activation <= working {
            throw SimHTTPError(-2021, "Order would immediately trigger.")
        }
        return (activation, rate)
    }

    /// Trades `quantity` of taker `order` (account `id`) against the book in queue order. Where it
    /// would meet a resting order of its own account, self-trade prevention applies by the
    /// taker's `stpMode`: `EXPIRE_TAKER` stops the taker there (its rest expires),
    /// `EXPIRE_MAKER` expires that resting order and goes on, `EXPIRE_BOTH` does both.
    ///
    /// - Returns: whether self-trade prevention stopped the taker.
    static func take(for order: SimOrder, quantity: ExactDecimal, account id: Int, engine e: inout SimEngine,
                     accounts a: inout SimAccounts, out: inout [Int: [String]], now: Int64) -> Bool {
        let buy = order.side == "BUY"
        let limit: ExactDecimal? = order.type == "LIMIT" ? order.price : nil
        var left = quantity
        while left > .zero {
            let mayMeetOwn = a[id].orders.values.contains { $0.symbol == order.symbol && $0.side != order.side && $0.type == "LIMIT" }
            let own = mayMeetOwn ? e.market(order.symbol)?.firstOwnOrder(account: id, buy: buy, limit: limit) : nil
            let reach = own.map { min(left, $0.ahead) } ?? left
            if reach > .zero {
                let taken = e.takeLiquidity(symbol: order.symbol, buy: buy, limit: limit, quantity: reach)
                for f in taken.makerFills {
                    out[f.account, default: []] += a[f.account].execute(f.orderId, quantity: f.quantity, price: f.price, maker: true, now: now)
                }
                for t in taken.trades {
                    out[id, default: []] += a[id].execute(order.orderId, quantity: t.quantity, price: t.price, maker: false, now: now)
                }
                left -= reach - taken.remaining
                guard taken.remaining.isZero else { return false }
            }
            guard let own, left > .zero else { return false }
            if order.stpMode != "EXPIRE_TAKER" {
                e.removeResting(symbol: order.symbol, orderId: own.order.orderId, buy: !buy, price: own.price)
                if let ended = a[id].finish(own.order.orderId, status: "EXPIRED", now: now) { out[id, default: []].append(ended.payload) }
            }
            if order.stpMode != "EXPIRE_MAKER" { return true }
        }
        return false
    }
}
