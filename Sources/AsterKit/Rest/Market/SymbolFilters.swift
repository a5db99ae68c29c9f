/// A symbol's trading rules: the seven filters `exchangeInfo` lists for every symbol.
///
/// Every filter is required: a symbol whose `filters` lack one is a decoding error naming the
/// symbol and the filter, never a rule silently read as zero. Filters of types this version does
/// not know are ignored.
public struct SymbolFilters: Sendable, Hashable {
    /// `PRICE_FILTER`: the price range and tick. A zero disables that part of the rule.
    public struct Price: Sendable, Hashable {
        /// Lowest price or stop price allowed (`minPrice`); zero disables the rule.
        public var minPrice: ExactDecimal
        /// Highest price or stop price allowed (`maxPrice`); zero disables the rule.
        public var maxPrice: ExactDecimal
        /// Price increment (`tickSize`); zero disables the rule.
        public var tickSize: ExactDecimal

        /// Creates a price filter.
        public init(minPrice: ExactDecimal, maxPrice: ExactDecimal, tickSize: ExactDecimal) {
            self.minPrice = minPrice
            self.maxPrice = maxPrice
            self.tickSize = tickSize
        }

        /// Whether `price` passes the enabled parts of the rule: within the range and on a tick
        /// counted from `minPrice`.
        public func accepts(_ price: ExactDecimal) -> Bool {
            if !minPrice.isZero, price < minPrice { return false }
            if !maxPrice.isZero, price > maxPrice { return false }
            return tickSize.isZero || Self.onGrid(price - minPrice, tickSize)
        }

        /// Whether `value` is a whole multiple of `step`.
        static func onGrid(_ value: ExactDecimal, _ step: ExactDecimal) -> Bool {
            value.rounded(toMultipleOf: step, rule: .down) == value
        }
    }

    /// `LOT_SIZE` and `MARKET_LOT_SIZE`: the quantity range and step.
    public struct LotSize: Sendable, Hashable {
        /// Smallest quantity (`minQty`).
        public var minQuantity: ExactDecimal
        /// Largest quantity (`maxQty`).
        public var maxQuantity: ExactDecimal
        /// Quantity increment (`stepSize`).
        public var stepSize: ExactDecimal

        /// Creates a lot size filter.
        public init(minQuantity: ExactDecimal, maxQuantity: ExactDecimal, stepSize: ExactDecimal) {
            self.minQuantity = minQuantity
            self.maxQuantity = maxQuantity
            self.stepSize = stepSize
        }

        /// Whether `quantity` is within the range and on a step counted from `minQuantity`.
        public func accepts(_ quantity: ExactDecimal) -> Bool {
            guard quantity >= minQuantity, quantity <= maxQuantity else { return false }
            return stepSize.isZero || Price.onGrid(quantity - minQuantity, stepSize)
        }
    }

    /// `PERCENT_PRICE`: how far from the mark price an order's price may be.
    public struct PercentPrice: Sendable, Hashable {
        /// A buy's price may be at most the mark price times this (`multiplierUp`).
        public var multiplierUp: ExactDecimal
        /// A sell's price may be at least the mark price times this (`multiplierDown`).
        public var multiplierDown: ExactDecimal
        /// Digits of the multipliers (`multiplierDecimal`).
        public var multiplierDecimal: Int

        /// Creates a percent price filter.
        public init(multiplierUp: ExactDecimal, multiplierDown: ExactDecimal, multiplierDecimal: Int) {
            self.multiplierUp = multiplierUp
            self.multiplierDown = multiplierDown
            self.multiplierDecimal = multiplierDecimal
        }
    }

    /// `PRICE_FILTER`.
    public var price: Price
    /// `LOT_SIZE`: limit orders' quantities.
    public var lotSize: LotSize
    /// `MARKET_LOT_SIZE`: market orders' quantities.
    public var marketLotSize: LotSize
    /// `MAX_NUM_ORDERS` `limit`: open orders (algo ones included) an account may have on the symbol.
    public var maxOrders: Int
    /// `MAX_NUM_ALGO_ORDERS` `limit`: open algo (stop, take-profit, trailing) orders on the symbol.
    public var maxAlgoOrders: Int
    /// `MIN_NOTIONAL` `notional`: smallest price × quantity of an order (market orders use the mark price).
    public var minNotional: ExactDecimal
    /// `PERCENT_PRICE`.
    public var percentPrice: PercentPrice

    /// Creates the filters.
    public init(price: Price, lotSize: LotSize, marketLotSize: LotSize, maxOrders: Int, maxAlgoOrders: Int,
                minNotional: ExactDecimal, percentPrice: PercentPrice) {
        self.price = price
        self.lotSize = lotSize
        self.marketLotSize = marketLotSize
        self.maxOrders = maxOrders
        self.maxAlgoOrders = maxAlgoOrders
        self.minNotional = minNotional
        self.percentPrice = percentPrice
    }
}

extension SymbolFilters {
    /// Decodes the `filters` array of a symbol of `exchangeInfo`.
    init(_ symbol: JSONFields) throws(RESTError) {
        var byType: [String: JSONFields] = [:]
        for (i, filter) in try symbol.objects("filters").enumerated() {
            let f = try symbol.nested(filter, "filters[\(i)]")
            let type = try f.string("filterType")
            if byType[type] == nil { byType[type] = try symbol.nested(filter, "filters[\(type)]") }
        }
        func filter(_ type: String) throws(RESTError) -> JSONFields {
            guard let f = byType[type] else { throw symbol.missing("filters[\(type)]") }
            return f
        }
        let price = try filter("PRICE_FILTER")
        let lot = try filter("LOT_SIZE")
        let market = try filter("MARKET_LOT_SIZE")
        let percent = try filter("PERCENT_PRICE")
        self.init(
            price: Price(minPrice: try price.decimal("minPrice"), maxPrice: try price.decimal("maxPrice"),
                         tickSize: try price.decimal("tickSize")),
            lotSize: LotSize(minQuantity: try lot.decimal("minQty"), maxQuantity: try lot.decimal("maxQty"),
                             stepSize: try lot.decimal("stepSize")),
            marketLotSize: LotSize(minQuantity: try market.decimal("minQty"), maxQuantity: try market.decimal("maxQty"),
                                   stepSize: try market.decimal("stepSize")),
            maxOrders: try filter("MAX_NUM_ORDERS").smallInt("limit"),
            maxAlgoOrders: try filter("MAX_NUM_ALGO_ORDERS").smallInt("limit"),
            minNotional: try filter("MIN_NOTIONAL").decimal("notional"),
            percentPrice: PercentPrice(multiplierUp: try percent.decimal("multiplierUp"),
                                       multiplierDown: try percent.decimal("multiplierDown"),
                                       multiplierDecimal: try percent.smallInt("multiplierDecimal")))
    }
}
