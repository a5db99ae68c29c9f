import AsterKit
import Foundation

/// The matching of client orders against the simulator's book, per account.
extension SimServer {
    static let orderTypes: Set<String> = ["LIMIT", "MARKET", "STOP", "STOP_MARKET", "TAKE_PROFIT", "TAKE_PROFIT_MARKET", "TRAILING_STOP_MARKET"]
    static let timesInForce: Set<String> = ["GTC", "IOC", "FOK", "GTX", "HIDDEN"]

    /// Sends user-data payloads to every open listen key of account `id` (and no other account's).
    func publishUser(_ payloads: [String], account id: Int) {
        guard !payloads.isEmpty else { return }
        let t = Self.wallClock()
        hub.publish(accounts.withLock { $0[id].addressed(payloads, now: t) })
    }

    /// Sends each account's user-data payloads to its own listen keys.
    func publishUser(_ byAccount: [Int: [String]]) {
        for (id, payloads) in byAccount.sorted(by: { $0.key < $1.key }) { publishUser(payloads, account: id) }
    }

    /// Places an order of account `id` (`POST order`): checks it, trades what crosses (client
    /// orders in the book included, in queue order), rests the rest in the book.
    ///
    /// - Returns: the order as it stands after matching.
    func placeOrder(_ q: SimQuery, account id: Int, now: Int64) throws -> SimOrder {
        try place(q, account: id, now: now).final
    }

    /// Places an order as ``placeOrder(_:account:now:)`` does.
    ///
    /// - Returns: the order as accepted (`newOrderRespType` `ACK`) and as it stands after matching (`RESULT`).
    func place(_ q: SimQuery, account id: Int, now: Int64) throws -> (accepted: SimOrder, final: SimOrder) {
        var order = try validatedOrder(q, account: id, now: now)
        if order.isConditional {
            if order.origType == "TRAILING_STOP_MARKET" {
                // The extreme starts at the working price now (mark or last).
                let q = engine.withLock { $0.quotes().first { $0.symbol == order.symbol } }
                order.trailingExtreme = q.map { order.workingType == "MARK_PRICE" ? $0.mark : $0.last }
            }
            publishUser([accounts.withLock { $0[id].open(order, now: now) }], account: id)
            return (order, order)
        }
        let (final, payloads) = engine.withLock { e in
            accounts.withLock { a in Self.match(order, account: id, engine: &e, accounts: &a, opening: true, now: now) }
        }
        publishUser(payloads)
        return (order, final ?? order)
    }

    /// Trades what is left of `order` (open in account `id`, or about to be when `opening`)
    /// against the book, then rests the rest (GTC, GTX, HIDDEN limit orders) or expires it.
    /// Time-in-force checks that need the book come first: post-only must not cross, fill-or-kill must fill.
    ///
    /// - Returns: the order afterwards and every account's user-data payloads (the makers' too).
    static func match(_ order: SimOrder, account id: Int, engine e: inout SimEngine, accounts a: inout SimAccounts,
                      opening: Bool, now: Int64) -> (SimOrder?, [Int: [String]]) {
        var out: [Int: [String]] = [:]
        let buy = order.side == "BUY"
        let limit: ExactDecimal? = order.type == "LIMIT" ? order.price : nil
        let left = order.quantity - order.executed
        let crossing = e.available(symbol: order.symbol, buy: buy, limit: limit)
        let reject = (order.timeInForce == "GTX" && !crossing.isZero && order.type == "LIMIT")
            || (order.timeInForce == "FOK" && crossing < left)
        if opening { out[id, default: []].append(a[id].open(order, now: now)) }
        var preventedSelfTrade = false
        if !reject, left > .zero {
            preventedSelfTrade = take(for: order, quantity: left, account: id, engine: &e, accounts: &a, out: &out, now: now)
        }
        let rests = order.type == "LIMIT" && !reject && !preventedSelfTrade && ["GTC", "GTX", "HIDDEN"].contains(order.timeInForce)
        if let open = a[id].orders[order.orderId] {
            if rests {
                e.rest(symbol: order.symbol, account: id, orderId: open.orderId, buy: buy, price: open.price,
                       quantity: open.quantity - open.executed)
            } else if let ended = a[id].finish(order.orderId, status: "EXPIRED", now: now) {
                out[id, default: []].append(ended.payload)
            }
        }
        return (a[id].orders[order.orderId] ?? a[id].closedOrders.last { $0.orderId == order.orderId }, out)
    }

    /// Cancels open orders of account `id` that `select` picks, taking them out of the book first.
    ///
    /// - Returns: the canceled orders, by order id.
    @discardableResult
    func cancelOrders(account id: Int, now: Int64, where select: (SimOrder) -> Bool) -> [SimOrder] {
        let (orders, payloads) = engine.withLock { e in
            accounts.withLock { a -> ([SimOrder], [String]) in
                let picked = a[id].orders.values.filter(select).sorted { $0.orderId < $1.orderId }
                let ended = picked.compactMap { o -> (order: SimOrder, payload: String)? in
                    if !o.isConditional { e.removeResting(symbol: o.symbol, orderId: o.orderId, buy: o.side == "BUY", price: o.price) }
                    return a[id].finish(o.orderId, status: "CANCELED", now: now)
                }
                return (ended.map(\.order), ended.map(\.payload))
            }
        }
        publishUser(payloads, account: id)
        return orders
    }

    /// Cancels an open order of account `account` (`-2011` "Unknown order sent." when there is none).
    func cancelOrder(symbol: String, id: Int64?, clientId: String?, account: Int, now: Int64) throws -> SimOrder {
        guard let target = accounts.withLock({ $0[account].openOrder(symbol: symbol, id: id, clientId: clientId)?.orderId }),
              let order = cancelOrders(account: account, now: now, where: { $0.orderId == target }).first else {
            throw SimHTTPError(-2011, "Unknown order sent.")
        }
        return order
    }

    /// Runs conditional orders of every account whose trigger the market reached (called on the market tick).
    func triggerConditionals(quotes: [SimQuote], now: Int64) {
        let protect = SimFilters.triggerProtect
        let due = accounts.withLock { a in
            a.all.indices.flatMap { id in a[id].dueConditionals(quotes, triggerProtect: protect).map { (id, $0) } }
        }
        for (account, id) in due {
            let payloads = engine.withLock { e in
                accounts.withLock { a -> [Int: [String]] in
                    guard let order = a[account].trigger(id, now: now) else { return [:] }
                    guard order.quantity.isZero else {
                        return Self.match(order, account: account, engine: &e, accounts: &a, opening: false, now: now).1
                    }
                    return [account: a[account].finish(id, status: "EXPIRED", now: now).map { [$0.payload] } ?? []]
                }
            }
            publishUser(payloads)
        }
    }

    /// Charges every account's funding at each settlement (engine locked by the caller).
    func settleFunding(_ settlements: [SimFundingSettlement], now: Int64) -> [SimOutgoing] {
        guard !settlements.isEmpty else { return [] }
        return accounts.withLock { a in
            settlements.flatMap { s in a.all.indices.flatMap { id in a[id].addressed(a[id].settleFunding(s), now: now) } }
        }
    }

    /// Applies the market's fills of resting client orders to their accounts (engine locked by the caller).
    func applyMakerFills(_ fills: [SimMakerFill], now: Int64) -> [SimOutgoing] {
        guard !fills.isEmpty else { return [] }
        return accounts.withLock { a in
            fills.flatMap { f in
                a[f.account].addressed(a[f.account].execute(f.orderId, quantity: f.quantity, price: f.price, maker: true, now: now), now: now)
            }
        }
    }

    /// Lets the demo trader act in its account, through the same order paths as REST clients.
    func runTrader(quotes: [SimQuote], now: Int64) {
        guard let id = traderAccount else { return }
        let account = accounts.withLock { $0[id] }
        for action in trader.withLock({ $0.actions(now: now, quotes: quotes, account: account) }) {
            switch action {
            case .place(let parameters): _ = try? placeOrder(SimQuery(parameters), account: id, now: now)
            case .cancel(let symbol, let orderId): _ = try? cancelOrder(symbol: symbol, id: orderId, clientId: nil, account: id, now: now)
            }
        }
    }

    /// Opens the demo account's start positions (``SimConfiguration/openDemoPositions``): a long of
    /// the first symbol and a short of the second, about 2,000 USDT each, with market orders.
    func openDemoPositions(quotes: [SimQuote], now: Int64) {
        for (q, side) in zip(quotes.prefix(2), ["BUY", "SELL"]) {
            let quantity = (ExactDecimal(2_000).divided(by: q.mark, scale: 8) ?? q.lotSize).rounded(toMultipleOf: q.lotSize, rule: .up)
            _ = try? placeOrder(SimQuery(["symbol": q.symbol, "side": side, "type": "MARKET", "quantity": quantity.description]),
                                account: SimAccounts.demo, now: now)
        }
    }

    /// The order `q` describes, checked as the spec's `New Order` and filters say.
    private func validatedOrder(_ q: SimQuery, account id: Int, now: Int64) throws -> SimOrder {
        let symbolName = try q.required("symbol").uppercased()
        guard let symbol = configuration.symbols.first(where: { $0.name == symbolName }) else {
            throw SimHTTPError(-1121, "Invalid symbol.")
        }
        let side = try q.required("side")
        guard side == "BUY" || side == "SELL" else { throw SimHTTPError(-1117, "Invalid side.") }
        let type = try q.required("type")
        guard Self.orderTypes.contains(type) else { throw SimHTTPError(-1116, "Invalid orderType.") }
        let (dual, mark, lastPrice) = (accounts.withLock { $0[id].dualSidePosition },
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
        case "TRAILING_STOP_MARKET":
            for name in ["quantity", "callbackRate"] where q[name] == nil { throw SimQuery.missing(name) }
        default:
            if stopPrice == nil { throw SimQuery.missing("stopPrice") }
            if !closePosition, quantity == nil { throw SimQuery.missing("quantity") }
        }
        let workingType = q["workingType"] ?? "CONTRACT_PRICE"
        guard workingType == "CONTRACT_PRICE" || workingType == "MARK_PRICE" else {
            throw SimHTTPError(-4031, "Invalid parameter working type")
        }
        let trailing = type == "TRAILING_STOP_MARKET"
            ? try trailingParameters(q, symbol: symbol, buy: side == "BUY", working: workingType == "MARK_PRICE" ? mark : lastPrice)
            : nil
        let stpMode = try q["stpMode"].map { mode in
            guard Self.stpModes.contains(mode) else { throw SimQuery.invalid("stpMode") }
            return mode
        }
        if closePosition {
            guard type == "STOP_MARKET" || type == "TAKE_PROFIT_MARKET" else { throw SimQuery.invalid("closePosition") }
            guard quantity == nil else { throw SimHTTPError(-4137, "Quantity must be zero with closePosition equals true") }
            guard q["reduceOnly"] == nil else { throw SimHTTPError(-4138, "Reduce only must be true with closePosition equals true") }
            reduceOnly = true
        }
        let filters = SimFilters(symbol: symbol)
        if let price { try filters.check(price: price, stop: false) }
        if let stopPrice { try filters.check(price: stopPrice, stop: true) }
        if let quantity { try filters.check(quantity: quantity, market: type == "MARKET") }
        let buy = side == "BUY"
        if let price, let mark, type == "LIMIT" || type == "STOP" || type == "TAKE_PROFIT" {
            try SimFilters.checkPercentPrice(price, buy: buy, mark: mark)
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
        return try accounts.withLock { all -> SimOrder in
            let a = all[id]
            guard a.orders.values.filter({ $0.symbol == symbolName }).count < SimFilters.maxOrders else {
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
            var order = SimOrder(orderId: all[id].newOrderId(), clientOrderId: clientId, symbol: symbolName, side: side,
                                 price: type == "LIMIT" || type == "STOP" || type == "TAKE_PROFIT" ? price ?? .zero : .zero,
                                 quantity: quantity ?? .zero, time: now, updateTime: now)
            order.type = type
            order.origType = type
            order.timeInForce = timeInForce
            order.reduceOnly = reduceOnly
            order.closePosition = closePosition
            order.positionSide = positionSide
            order.stopPrice = stopPrice ?? .zero
            order.workingType = workingType
            order.priceProtect = (try? q.bool("priceProtect")) ?? false
            order.activationPrice = trailing?.activation
            order.callbackRate = trailing?.callbackRate
            order.stpMode = stpMode ?? a.stpMode
            return order
        }
    }
}
