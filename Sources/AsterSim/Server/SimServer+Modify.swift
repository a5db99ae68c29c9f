import AsterKit

/// `PUT order` (the V3 spec's Modify Order): a resting `LIMIT` order gets a new price and quantity.
extension SimServer {
    /// The spec's limit of modifications per order.
    static let maxModifications = 10_000

    /// Modifies open `LIMIT` order `orderId` (or, when no `orderId` is sent, `origClientOrderId`)
    /// of account `id` to `price` and `quantity`, both required, as the spec says: a new value
    /// that breaks `PRICE_FILTER`, `PERCENT_PRICE` or `LOT_SIZE` is refused with that filter's
    /// error and the order stays as it was. As exchanges do, an order that only lowers its
    /// quantity keeps its place in the queue; any other change sends it to the back of its (new)
    /// level, and a new price that crosses the book trades at once. The owner hears an
    /// `ORDER_TRADE_UPDATE` with the new price and quantity (execution type `NEW`: the spec lists
    /// no other for a change), then any trades.
    ///
    /// - Returns: the order afterwards.
    func modifyOrder(_ q: SimQuery, account id: Int, now: Int64) throws -> SimOrder {
        let name = try q.required("symbol").uppercased()
        guard let symbol = configuration.symbols.first(where: { $0.name == name }) else { throw SimHTTPError(-1121, "Invalid symbol.") }
        let orderId = try q.long("orderId")
        let clientId = q["origClientOrderId"]
        guard orderId != nil || clientId != nil else {
            throw SimHTTPError(-1102, "Param 'orderId' or 'origClientOrderId' must be sent, but both were empty/null!")
        }
        guard let quantity = try q.decimal("quantity") else { throw SimQuery.missing("quantity") }
        guard let price = try q.decimal("price") else { throw SimQuery.missing("price") }
        let filters = SimFilters(symbol: symbol)
        try filters.check(price: price, stop: false)
        try filters.check(quantity: quantity, market: false)
        let mark = engine.withLock { e in e.markPrices().first { $0.symbol == name }?.markPrice }
        let (final, payloads) = try engine.withLock { e in
            try accounts.withLock { a -> (SimOrder, [Int: [String]]) in
                // `orderId` takes precedence over `origClientOrderId`.
                let found = orderId.map { a[id].openOrder(symbol: name, id: $0, clientId: nil) }
                    ?? a[id].openOrder(symbol: name, id: nil, clientId: clientId)
                guard var order = found else { throw SimHTTPError(-2013, "Order does not exist.") }
                let buy = order.side == "BUY"
                guard order.type == "LIMIT", !order.isConditional else { throw SimHTTPError(-1020, "This operation is not supported.") }
                guard order.modifications < Self.maxModifications else {
                    throw SimHTTPError(-2010, "NEW_ORDER_REJECTED: an order may be modified at most \(Self.maxModifications) times.")
                }
                if let mark { try SimFilters.checkPercentPrice(price, buy: buy, mark: mark) }
                guard quantity > order.executed else { throw SimQuery.invalid("quantity") }
                if !order.reduceOnly, quantity * price < SimFilters.minNotional {
                    throw SimHTTPError(-4164, "Order's notional must be no smaller than \(SimFilters.minNotional).0 (unless you choose reduce only)")
                }
                if order.timeInForce == "GTX", !e.available(symbol: name, buy: buy, limit: price).isZero {
                    throw SimHTTPError(-2010, "NEW_ORDER_REJECTED: a post-only (GTX) order may not be modified to cross the book.")
                }
                let keepsPlace = price == order.price && quantity < order.quantity
                    && e.resizeResting(symbol: name, orderId: order.orderId, buy: buy, price: price, to: quantity - order.executed)
                if !keepsPlace { e.removeResting(symbol: name, orderId: order.orderId, buy: buy, price: order.price) }
                order.price = price
                order.quantity = quantity
                order.updateTime = now
                order.modifications += 1
                a[id].orders[order.orderId] = order
                var out: [Int: [String]] = [id: [SimUserPayload.orderUpdate(order, execution: "NEW", last: nil, now: now, realized: .zero)]]
                guard !keepsPlace else { return (order, out) }
                let (after, more) = Self.match(order, account: id, engine: &e, accounts: &a, opening: false, now: now)
                for (account, payloads) in more { out[account, default: []] += payloads }
                return (after ?? order, out)
            }
        }
        publishUser(payloads)
        return final
    }
}
