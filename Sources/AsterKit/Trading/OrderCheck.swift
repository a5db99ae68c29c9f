/// Why an order was refused before anything was sent: the rule it breaks (an `exchangeInfo`
/// filter, or a parameter rule of `POST /fapi/v1/order`) and, where there is one, the nearest
/// value the rule accepts.
public struct OrderRejection: Error, Sendable, Hashable, CustomStringConvertible {
    /// The rule broken: the filter's name as `exchangeInfo` spells it, or `parameters`.
    public enum Rule: String, Sendable, Hashable {
        case priceFilter = "PRICE_FILTER"
        case lotSize = "LOT_SIZE"
        case marketLotSize = "MARKET_LOT_SIZE"
        case minNotional = "MIN_NOTIONAL"
        case percentPrice = "PERCENT_PRICE"
        case maxNumOrders = "MAX_NUM_ORDERS"
        case parameters
        case unknownSymbol = "symbol"
    }

    public let rule: Rule
    /// What is wrong, readable.
    public let reason: String
    /// The nearest value the rule accepts (a price on the tick, a quantity on the step), if any.
    public let nearestValid: ExactDecimal?

    public init(_ rule: Rule, _ reason: String, nearestValid: ExactDecimal? = nil) {
        self.rule = rule
        self.reason = reason
        self.nearestValid = nearestValid
    }

    public var description: String {
        "\(rule.rawValue): \(reason)" + (nearestValid.map { " (nearest valid: \($0))" } ?? "")
    }
}

/// Checks an order against its symbol's `exchangeInfo` rules before it is sent: tick size and
/// price range, step size and quantity range (`LOT_SIZE`, or `MARKET_LOT_SIZE` for market-style
/// orders), minimum notional, percent price around the mark, and the open-order limit.
///
/// ```swift
/// try OrderCheck.validate(order, symbol: info.symbol("BTCUSDT")!, markPrice: mark, openOrders: 3)
/// ```
public enum OrderCheck {
    /// Throws the first rule `order` breaks.
    ///
    /// - Parameters:
    ///   - order: the order.
    ///   - symbol: its symbol's rules.
    ///   - markPrice: the current mark price: the price a market order's notional is taken at, and
    ///     the centre of `PERCENT_PRICE`; those checks are skipped without it.
    ///   - openOrders: the account's open orders on this symbol; `MAX_NUM_ORDERS` is skipped without it.
    public static func validate(_ order: NewOrder, symbol: SymbolInfo, markPrice: ExactDecimal? = nil,
                                openOrders: Int? = nil) throws(OrderRejection) {
        try parameters(order)
        let filters = symbol.filters
        let marketStyle = [.market, .stopMarket, .takeProfitMarket, .trailingStopMarket].contains(order.type)
        if let price = order.price { try onPriceGrid(price, filters.price, what: "price") }
        if let stop = order.stopPrice { try onPriceGrid(stop, filters.price, what: "stopPrice") }
        if let quantity = order.quantity {
            try onLot(quantity, marketStyle ? filters.marketLotSize : filters.lotSize,
                      rule: marketStyle ? .marketLotSize : .lotSize)
        }
        if let quantity = order.quantity, !order.reduceOnly, !order.closePosition,
           let price = marketStyle ? markPrice : order.price {
            try notional(quantity, at: price, minimum: filters.minNotional, step: filters.lotSize.stepSize)
        }
        if let price = order.price, let markPrice, !marketStyle {
            try percentPrice(price, mark: markPrice, filters.percentPrice, tick: filters.price.tickSize)
        }
        if let openOrders, filters.maxOrders > 0, openOrders >= filters.maxOrders {
            throw OrderRejection(.maxNumOrders, "\(openOrders) open orders on \(symbol.symbol), the limit is \(filters.maxOrders)")
        }
    }

    /// The parameter rules of `POST /fapi/v1/order` per type.
    static func parameters(_ order: NewOrder) throws(OrderRejection) {
        guard ClientOrderID.isValid(order.clientOrderId) else {
            throw OrderRejection(.parameters, "client order id must be 1 to 36 of A-Z a-z 0-9 . : / _ -")
        }
        if let q = order.quantity, q <= .zero { throw OrderRejection(.parameters, "quantity must be positive") }
        if let p = order.price, p <= .zero { throw OrderRejection(.parameters, "price must be positive") }
        if let p = order.stopPrice, p <= .zero { throw OrderRejection(.parameters, "stopPrice must be positive") }
        switch order.type {
        case .limit, .stop, .takeProfit:
            guard order.price != nil else { throw OrderRejection(.parameters, "\(order.type.wireValue) needs a price") }
        case .market, .stopMarket, .takeProfitMarket, .trailingStopMarket:
            guard order.price == nil else { throw OrderRejection(.parameters, "\(order.type.wireValue) takes no price") }
        default:
            throw OrderRejection(.parameters, "\(order.type.wireValue) orders cannot be placed")
        }
        if [.stop, .stopMarket, .takeProfit, .takeProfitMarket].contains(order.type), order.stopPrice == nil {
            throw OrderRejection(.parameters, "\(order.type.wireValue) needs a stopPrice")
        }
        if order.type == .trailingStopMarket {
            guard let rate = order.callbackRate, rate >= ExactDecimal(mantissa: 1, scale: 1), rate <= 5 else {
                throw OrderRejection(.parameters, "TRAILING_STOP_MARKET needs a callbackRate from 0.1 to 5 (percent)")
            }
        }
        if order.closePosition {
            guard [.stopMarket, .takeProfitMarket].contains(order.type) else {
                throw OrderRejection(.parameters, "closePosition is only for STOP_MARKET and TAKE_PROFIT_MARKET")
            }
            guard order.quantity == nil, !order.reduceOnly else {
                throw OrderRejection(.parameters, "closePosition takes no quantity and no reduceOnly")
            }
        } else if order.quantity == nil {
            throw OrderRejection(.parameters, "a quantity is needed (or closePosition)")
        }
    }

    static func onPriceGrid(_ price: ExactDecimal, _ filter: SymbolFilters.Price, what: String) throws(OrderRejection) {
        if !filter.minPrice.isZero, price < filter.minPrice {
            throw OrderRejection(.priceFilter, "\(what) \(price) is below the minimum \(filter.minPrice)", nearestValid: filter.minPrice)
        }
        if !filter.maxPrice.isZero, price > filter.maxPrice {
            throw OrderRejection(.priceFilter, "\(what) \(price) is above the maximum \(filter.maxPrice)", nearestValid: filter.maxPrice)
        }
        guard !filter.tickSize.isZero, !filter.accepts(price) else { return }
        let base = filter.minPrice
        let nearest = (price - base).rounded(toMultipleOf: filter.tickSize, rule: .halfEven) + base
        throw OrderRejection(.priceFilter, "\(what) \(price) is not a multiple of the tick \(filter.tickSize)", nearestValid: nearest)
    }

    static func onLot(_ quantity: ExactDecimal, _ filter: SymbolFilters.LotSize, rule: OrderRejection.Rule) throws(OrderRejection) {
        if quantity < filter.minQuantity {
            throw OrderRejection(rule, "quantity \(quantity) is below the minimum \(filter.minQuantity)", nearestValid: filter.minQuantity)
        }
        if !filter.maxQuantity.isZero, quantity > filter.maxQuantity {
            throw OrderRejection(rule, "quantity \(quantity) is above the maximum \(filter.maxQuantity)", nearestValid: filter.maxQuantity)
        }
        guard !filter.stepSize.isZero else { return }
        let offset = quantity - filter.minQuantity
        guard offset.rounded(toMultipleOf: filter.stepSize, rule: .down) != offset else { return }
        let nearest = offset.rounded(toMultipleOf: filter.stepSize, rule: .halfEven) + filter.minQuantity
        throw OrderRejection(rule, "quantity \(quantity) is not a multiple of the step \(filter.stepSize)", nearestValid: nearest)
    }

    static func notional(_ quantity: ExactDecimal, at price: ExactDecimal, minimum: ExactDecimal, step: ExactDecimal) throws(OrderRejection) {
        guard !minimum.isZero, quantity * price < minimum else { return }
        // The smallest quantity on the step whose notional reaches the minimum.
        let needed = minimum.divided(by: price, scale: 18).map { step.isZero ? $0 : $0.rounded(toMultipleOf: step, rule: .up) }
        throw OrderRejection(.minNotional, "notional \(quantity * price) is below the minimum \(minimum)", nearestValid: needed)
    }

    static func percentPrice(_ price: ExactDecimal, mark: ExactDecimal, _ filter: SymbolFilters.PercentPrice,
                             tick: ExactDecimal) throws(OrderRejection) {
        let high = mark * filter.multiplierUp
        let low = mark * filter.multiplierDown
        if !filter.multiplierUp.isZero, price > high {
            throw OrderRejection(.percentPrice, "price \(price) is above \(high) (mark \(mark) × \(filter.multiplierUp))",
                                 nearestValid: tick.isZero ? high : high.rounded(toMultipleOf: tick, rule: .down))
        }
        if !filter.multiplierDown.isZero, price < low {
            throw OrderRejection(.percentPrice, "price \(price) is below \(low) (mark \(mark) × \(filter.multiplierDown))",
                                 nearestValid: tick.isZero ? low : low.rounded(toMultipleOf: tick, rule: .up))
        }
    }
}
