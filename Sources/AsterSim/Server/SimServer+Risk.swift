import AsterKit

/// Liquidations on the market tick, and the mark-price pin tests and demos use to move risk
/// deterministically.
extension SimServer {
    /// Pins the mark price of `symbol` at `price` (`nil`: the market sets it again), then marks
    /// every account to it and applies risk at once: margin calls and liquidations due at that
    /// price have happened (and their events are sent) when this returns.
    ///
    /// ```swift
    /// sim.pinMarkPrice(symbol: "BTCUSDT", to: ExactDecimal("60000")!)   // a long at 100x is liquidated
    /// ```
    public func pinMarkPrice(symbol: String, to price: ExactDecimal?) {
        let now = Self.wallClock()
        hub.publish(engine.withLock { e in
            e.pinMark(symbol: symbol, price: price)
            let quotes = e.quotes()
            return accounts.withLock { a in
                a.all.indices.flatMap { id in a[id].addressed(a[id].advance(now: now, quotes: quotes), now: now) }
            }
        })
        applyRisk(now: now)
    }

    /// Liquidates, in every account, the positions whose margin has fallen to maintenance (see
    /// ``SimAccount/liquidationsDue()``): their open orders of those symbols are cancelled, then
    /// each position is closed by its liquidation order. Sends the public `forceOrder` events and
    /// each account's `ORDER_TRADE_UPDATE` (and the makers') and `ACCOUNT_UPDATE`.
    func applyRisk(now: Int64) {
        let tickSizes = Dictionary(configuration.symbols.map { ($0.name, $0.tickSize) }, uniquingKeysWith: { a, _ in a })
        let (market, user) = engine.withLock { e in
            accounts.withLock { a -> ([SimOutgoing], [Int: [String]]) in
                var market: [SimOutgoing] = []
                var user: [Int: [String]] = [:]
                for id in a.all.indices {
                    for group in a[id].liquidationsDue() {
                        Self.liquidate(group, account: id, tickSizes: tickSizes, engine: &e, accounts: &a, now: now,
                                       market: &market, user: &user)
                    }
                }
                return (market, user)
            }
        }
        hub.publish(market)
        publishUser(user)
    }

    /// Closes the positions of `group` in account `id` by liquidation orders.
    private static func liquidate(_ group: [String], account id: Int, tickSizes: [String: ExactDecimal],
                                  engine e: inout SimEngine, accounts a: inout SimAccounts, now: Int64,
                                  market: inout [SimOutgoing], user: inout [Int: [String]]) {
        let symbols = Set(group.map(SimAccount.symbol(of:)))
        for o in a[id].orders.values.filter({ symbols.contains($0.symbol) }).sorted(by: { $0.orderId < $1.orderId }) {
            if !o.isConditional { e.removeResting(symbol: o.symbol, orderId: o.orderId, buy: o.side == "BUY", price: o.price) }
            if let ended = a[id].finish(o.orderId, status: "CANCELED", now: now) { user[id, default: []].append(ended.payload) }
        }
        // Every price first: each fill moves the cross margin balance the others are computed from.
        let prices = group.map { key -> ExactDecimal? in
            guard let raw = a[id].bankruptcyPrice(key, group: group), let p = a[id].positions[key] else { return nil }
            let tick = tickSizes[SimAccount.symbol(of: key)] ?? ExactDecimal(mantissa: 1, scale: 8)
            // Rounded towards the mark (never a worse price than bankruptcy), at least one tick.
            let rounded = raw.rounded(toMultipleOf: tick, rule: p.amount.isNegative ? .down : .up)
            return max(rounded, tick)
        }
        for (key, price) in zip(group, prices) {
            guard let price, let order = a[id].openLiquidation(key, price: price, now: now) else { continue }
            let buy = order.side == "BUY"
            let taken = e.takeLiquidity(symbol: order.symbol, buy: buy, limit: price, quantity: order.quantity)
            for f in taken.makerFills {
                user[f.account, default: []] += a[f.account].execute(f.orderId, quantity: f.quantity, price: f.price, maker: true, now: now)
            }
            var fills = taken.trades.map { ($0.quantity, $0.price) }
            if taken.remaining > .zero { fills.append((taken.remaining, price)) }   // the insurance fund's part
            for (quantity, fillPrice) in fills {
                if let update = a[id].liquidationFill(order.orderId, quantity: quantity, price: fillPrice, now: now) {
                    user[id, default: []].append(update)
                }
            }
            guard let done = a[id].finishLiquidation(order.orderId, now: now) else { continue }
            let event = Liquidation(eventTime: now, symbol: done.symbol, side: buy ? .buy : .sell, orderType: .limit,
                                    timeInForce: .ioc, quantity: done.quantity, price: done.price,
                                    averagePrice: SimUserPayload.average(done), status: .filled,
                                    lastFilledQuantity: fills.last?.0 ?? .zero, filledQuantity: done.executed, tradeTime: now)
            let payload = SimPayload.forceOrder(event)
            market.append(SimOutgoing(stream: done.symbol.lowercased() + "@forceOrder", payload: payload))
            market.append(SimOutgoing(stream: "!forceOrder@arr", payload: payload))
        }
        user[id, default: []].append(a[id].accountUpdate(reason: "ORDER", keys: group, now: now))
    }
}
