import AsterKit
import Foundation

/// The matching of client orders against the simulator's book.
extension SimServer {
    static let orderTypes: Set<String> = ["LIMIT", "MARKET", "STOP", "STOP_MARKET", "TAKE_PROFIT", "TAKE_PROFIT_MARKET", "TRAILING_STOP_MARKET"]
    static let timesInForce: Set<String> = ["GTC", "IOC", "FOK", "GTX", "HIDDEN"]

    /// Sends user-data payloads to every open listen key.
    func publishUser(_ payloads: [String]) {
        guard !payloads.isEmpty else { return }
        let t = Self.wallClock()
        let keys = account.withLock { $0.listenKeys.filter { $0.value > t }.keys.sorted() }
        hub.publish(payloads.flatMap { p in keys.map { SimOutgoing(stream: $0, payload: p) } })
    }

    /// Places a client order (`POST order`): checks it, trades what crosses, rests the rest.
    ///
    /// - Returns: the order as it stands after matching.
    func placeOrder(_ q: SimQuery, now: Int64) throws -> SimOrder {
        var order = try validatedOrder(q, now: now)
        var payloads: [String] = []
        let id = order.orderId
        if order.isConditional {
            payloads.append(account.withLock { $0.open(order, now: now) })
            publishUser(payloads)
            return order
        }
        // Time-in-force checks that need the book: post-only must not cross, fill-or-kill must fill.
        let buy = order.side == "BUY"
        let limit: ExactDecimal? = order.type == "LIMIT" ? order.price : nil
        let crossing = engine.withLock { $0.available(symbol: order.symbol, buy: buy, limit: limit) }
        let reject = (order.timeInForce == "GTX" && !crossing.isZero && order.type == "LIMIT")
            || (order.timeInForce == "FOK" && crossing < order.quantity)
        payloads.append(account.withLock { $0.open(order, now: now) })
        if !reject {
            let (trades, _) = engine.withLock {
                $0.takeLiquidity(symbol: order.symbol, buy: buy, limit: limit, quantity: order.quantity)
            }
            payloads += account.withLock { a in
                trades.flatMap { a.execute(id, quantity: $0.quantity, price: $0.price, maker: false, now: now) }
            }
        }
        let rests = order.type == "LIMIT" && !reject && (order.timeInForce == "GTC" || order.timeInForce == "HIDDEN" || order.timeInForce == "GTX")
        let final = account.withLock { a -> SimOrder? in
            if a.orders[id] != nil, !rests, let ended = a.finish(id, status: "EXPIRED", now: now) {
                payloads.append(ended.payload)
                return ended.order
            }
            return a.orders[id] ?? a.closedOrders.last { $0.orderId == id }
        }
        publishUser(payloads)
        order = final ?? order
        return order
    }

    /// Cancels an open client order (`-2011` "Unknown order sent." when there is none).
    func cancelOrder(symbol: String, id: Int64?, clientId: String?, now: Int64) throws -> SimOrder {
        let result = account.withLock { a -> (order: SimOrder, payload: String)? in
            guard let o = a.openOrder(symbol: symbol, id: id, clientId: clientId) else { return nil }
            return a.finish(o.orderId, status: "CANCELED", now: now)
        }
        guard let result else { throw SimHTTPError(-2011, "Unknown order sent.") }
        publishUser([result.payload])
        return result.order
    }

    /// Runs conditional orders whose trigger the market reached (called on the market tick).
    func triggerConditionals(quotes: [SimQuote], now: Int64) {
        let due = account.withLock { $0.triggered(quotes) }
        for id in due {
            guard let order = account.withLock({ $0.trigger(id, now: now) }) else { continue }
            let buy = order.side == "BUY"
            let limit: ExactDecimal? = order.type == "LIMIT" ? order.price : nil
            var payloads: [String] = []
            if order.quantity.isZero {
                if let ended = account.withLock({ $0.finish(id, status: "EXPIRED", now: now) }) { payloads.append(ended.payload) }
                publishUser(payloads)
                continue
            }
            let (trades, _) = engine.withLock { $0.takeLiquidity(symbol: order.symbol, buy: buy, limit: limit, quantity: order.quantity) }
            payloads += account.withLock { a in
                trades.flatMap { a.execute(id, quantity: $0.quantity, price: $0.price, maker: false, now: now) }
            }
            if order.type == "MARKET", let ended = account.withLock({ $0.finish(id, status: "EXPIRED", now: now) }) {
                payloads.append(ended.payload)
            }
            publishUser(payloads)
        }
    }

    /// The order `q` describes, checked as the spec's `New Order` and filters say.
    private func validatedOrder(_ q: SimQuery, now: Int64) throws -> SimOrder {
        let symbolName = try q.required("symbol").uppercased()
        guard let symbol = configuration.symbols.first(where: { $0.name == symbolName }) else {
            throw SimHTTPError(-1121, "Invalid symbol.")
        }
        let side = try q.required("side")
        guard side == "BUY" || side == "SELL" else { throw SimHTTPError(-1117, "Invalid side.") }
        let type = try q.required("type")
        guard Self.orderTypes.contains(type) else { throw SimHTTPError(-1116, "Invalid orderType.") }
        guard type != "TRAILING_STOP_MARKET" else { throw SimHTTPError(-1020, "This operation is not supported.") }
        let (dual, mark, lastPrice) = (account.withLock { $0.dualSidePosition },
                                       engine.withLock { e in e.markPrices().first { $0.symbol == symbolName }?.markPrice },
                                       engine.withLock { $0.market(symbolName)?.lastPrice })
        let positionSide = q["positionSide"] ?? "BOTH"
        guard ["BOTH", "LONG", "SHORT"].contains(positionSide) else { throw SimHTTPError(-4060, "Invalid position side.") }
        guard dual == (positionSide != "BOTH") else {
            throw SimHTTPError(-4061, "Order's position side does not match user's setting.")
        }
        if dual, q["reduceOnly"] != nil { throw SimHTTPError(-1106, "Parameter 'reduceOnly' sent when not required.") }
        var reduceOnly = try q.bool("reduceOnly") ?? false
        let closePosition = try q.bool("closePosition") ?? false
        var quantity = try q.decimal("quantity")
        let price = try q.decimal("price")
        let stopPrice = try q.decimal("stopPrice")
        let timeInForce = q["timeInForce"] ?? "GTC"
        guard Self.timesInForce.contains(timeInForce) else { throw SimHTTPError(-1115, "Invalid timeInForce.") }
        switch type {
        case "LIMIT":
            for name in ["timeInForce", "quantity", "price"] where q[name] == nil { throw SimQuery.missing(name) }
        case "MARKET":
            if quantity == nil { throw SimQuery.missing("quantity") }
        case "STOP", "TAKE_PROFIT":
            for name in ["quantity", "price", "stopPrice"] where q[name] == nil { throw SimQuery.missing(name) }
        default:
            if stopPrice == nil { throw SimQuery.missing("stopPrice") }
            if !closePosition, quantity == nil { throw SimQuery.missing("quantity") }
        }
        if closePosition {
            guard type == "STOP_MARKET" || type == "TAKE_PROFIT_MARKET" else { throw SimQuery.invalid("closePosition") }
            guard quantity == nil else { throw SimHTTPError(-4137, "Quantity must be zero with closePosition equals true") }
            guard q["reduceOnly"] == nil else { throw SimHTTPError(-4138, "Reduce only must be true with closePosition equals true") }
            reduceOnly = true
        }
        let filters = SimFilters(symbol: symbol)
        for (value, isStop) in [(price, false), (stopPrice, true)] {
            guard let p = value else { continue }
            guard p > .zero else { throw isStop ? SimHTTPError(-4006, "Stop price less than zero.") : SimHTTPError(-4001, "Price less than 0.") }
            guard p >= filters.minPrice else { throw SimHTTPError(-4013, "Price less than min price.") }
            guard p <= filters.maxPrice else {
                throw isStop ? SimHTTPError(-4007, "Stop price greater than max price.") : SimHTTPError(-4002, "Price greater than max price.")
            }
            guard p.rounded(toMultipleOf: symbol.tickSize, rule: .down) == p else {
                throw SimHTTPError(-4014, "Price not increased by tick size.")
            }
        }
        if let qty = quantity {
            guard qty > .zero else { throw SimHTTPError(-4003, "Quantity less than zero.") }
            guard qty >= symbol.lotSize else { throw SimHTTPError(-4004, "Quantity less than min quantity.") }
            guard qty <= (type == "MARKET" ? filters.maxMarketQuantity : filters.maxQuantity) else {
                throw SimHTTPError(-4005, "Quantity greater than max quantity.")
            }
            guard qty.rounded(toMultipleOf: symbol.lotSize, rule: .down) == qty else {
                throw SimHTTPError(-4023, "Qty not increased by step size.")
            }
        }
        let buy = side == "BUY"
        if let price, let mark, type == "LIMIT" || type == "STOP" || type == "TAKE_PROFIT" {
            if buy, price > mark * SimFilters.multiplierUp { throw SimHTTPError(-4016, "Price is higher than mark price multiplier cap.") }
            if !buy, price < mark * SimFilters.multiplierDown { throw SimHTTPError(-4024, "Price is lower than mark price multiplier floor.") }
        }
        if let stopPrice, let reference = lastPrice {
            let stop = type.hasPrefix("STOP")
            let immediate = stop == buy ? reference >= stopPrice : reference <= stopPrice
            if immediate { throw SimHTTPError(-2021, "Order would immediately trigger.") }
        }
        let clientId = q["newClientOrderId"] ?? "sim-\(UUID().uuidString.prefix(8).lowercased())"
        guard clientId.count <= 36, clientId.allSatisfy({ $0.isLetter && $0.isASCII || $0.isNumber || ".:/_-".contains($0) }) else {
            throw SimHTTPError(-4015, "Client order id is not valid.")
        }
        return try account.withLock { a -> SimOrder in
            guard a.orders.values.filter({ $0.symbol == symbolName && !$0.isDemo }).count < SimFilters.maxOrders else {
                throw SimHTTPError(-2025, "Reach max open order limit.")
            }
            guard !a.orders.values.contains(where: { $0.clientOrderId == clientId }) else {
                throw SimHTTPError(-4015, "Client order id is not valid.")
            }
            let position = a.position(symbolName, side: positionSide)
            // Hedge mode: selling LONG or buying SHORT reduces; one-way: reduce-only must face the position.
            let reducing = positionSide == "LONG" ? !buy : positionSide == "SHORT" ? buy : reduceOnly
            if reducing {
                let facing = position.amount.isNegative == buy && !position.amount.isZero
                guard facing else { throw SimHTTPError(-2022, "ReduceOnly Order is rejected.") }
                if let qty = quantity, qty > position.amount.magnitude, !closePosition {
                    if reduceOnly { quantity = position.amount.magnitude } else {
                        throw SimHTTPError(-2022, "ReduceOnly Order is rejected.")
                    }
                }
            }
            let reference = price ?? stopPrice ?? mark ?? .zero
            let notional = (quantity ?? .zero) * reference
            if !reduceOnly, !reducing, !closePosition, notional < SimFilters.minNotional {
                throw SimHTTPError(-4164, "Order's notional must be no smaller than \(SimFilters.minNotional).0 (unless you choose reduce only)")
            }
            if !reducing, let required = notional.divided(by: ExactDecimal(a.leverage(symbolName)), scale: 8),
               required > a.availableBalance {
                throw SimHTTPError(-2019, "Margin is insufficient.")
            }
            var order = SimOrder(orderId: a.newOrderId(), clientOrderId: clientId, symbol: symbolName, side: side,
                                 price: type == "LIMIT" || type == "STOP" || type == "TAKE_PROFIT" ? price ?? .zero : .zero,
                                 quantity: quantity ?? .zero, time: now, updateTime: now)
            order.type = type
            order.origType = type
            order.timeInForce = timeInForce
            order.reduceOnly = reduceOnly
            order.closePosition = closePosition
            order.positionSide = positionSide
            order.stopPrice = stopPrice ?? .zero
            order.workingType = q["workingType"] ?? "CONTRACT_PRICE"
            order.priceProtect = (try? q.bool("priceProtect")) ?? false
            return order
        }
    }
}
