/// A symbol's trading rules: the seven filters `exchangeInfo` lists for every symbol.
///
/// Each filter is optional: a symbol whose `filters` lack one is still delivered, with that rule
/// `nil` (unknown), never a rule silently read as zero. A filter that is present but malformed is
/// left out and recorded like any list element that fails to decode (its error names the symbol,
/// the filter and the field). Filters of types this version does not know are kept in
/// ``unknown``, never fatal.
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

    /// A filter of a type this version does not know, kept as the server sent it.
    public struct UnknownFilter: Sendable, Hashable {
        /// Its `filterType`.
        public var filterType: String
        /// Its other fields, as text.
        public var fields: [String: String]

        /// Creates an unknown filter.
        public init(filterType: String, fields: [String: String]) {
            self.filterType = filterType
            self.fields = fields
        }
    }

    /// `PRICE_FILTER`, when listed.
    public var price: Price?
    /// `LOT_SIZE`: limit orders' quantities, when listed.
    public var lotSize: LotSize?
    /// `MARKET_LOT_SIZE`: market orders' quantities, when listed.
    public var marketLotSize: LotSize?
    /// `MAX_NUM_ORDERS` `limit`: open orders (algo ones included) an account may have on the symbol.
    public var maxOrders: Int?
    /// `MAX_NUM_ALGO_ORDERS` `limit`: open algo (stop, take-profit, trailing) orders on the symbol.
    public var maxAlgoOrders: Int?
    /// `MIN_NOTIONAL` `notional`: smallest price × quantity of an order (market orders use the mark price).
    public var minNotional: ExactDecimal?
    /// `PERCENT_PRICE`, when listed.
    public var percentPrice: PercentPrice?
    /// Filters of types this version does not know.
    public var unknown: [UnknownFilter]

    /// Creates the filters.
    public init(price: Price?, lotSize: LotSize?, marketLotSize: LotSize?, maxOrders: Int?, maxAlgoOrders: Int?,
                minNotional: ExactDecimal?, percentPrice: PercentPrice?, unknown: [UnknownFilter] = []) {
        self.price = price
        self.lotSize = lotSize
        self.marketLotSize = marketLotSize
        self.maxOrders = maxOrders
        self.maxAlgoOrders = maxAlgoOrders
        self.minNotional = minNotional
        self.percentPrice = percentPrice
        self.unknown = unknown
    }
}

extension SymbolFilters {
    /// Decodes the `filters` array of a symbol of `exchangeInfo`: each known type that is listed
    /// and decodes is set; a listed filter that fails to decode is left out and recorded in
    /// `symbol.skipped`; unknown types are kept in ``unknown``.
    init(_ symbol: JSONFields) throws(RESTError) {
        self.init(price: nil, lotSize: nil, marketLotSize: nil, maxOrders: nil, maxAlgoOrders: nil, minNotional: nil,
                  percentPrice: nil)
        guard let list = symbol.object["filters"] as? [Any] else {
            throw symbol.object["filters"] == nil ? symbol.missing("filters") : symbol.malformed("filters")
        }
        for (i, element) in list.enumerated() {
            do {
                let type = try symbol.nested(element, "filters[\(i)]").string("filterType")
                try read(type, try symbol.nested(element, "filters[\(type)]"))
            } catch {
                symbol.skipped.record(error)
            }
        }
    }

    private mutating func read(_ type: String, _ f: JSONFields) throws(RESTError) {
        func lot() throws(RESTError) -> LotSize {
            LotSize(minQuantity: try f.decimal("minQty"), maxQuantity: try f.decimal("maxQty"), stepSize: try f.decimal("stepSize"))
        }
        switch type {
        case "PRICE_FILTER":
            price = Price(minPrice: try f.decimal("minPrice"), maxPrice: try f.decimal("maxPrice"), tickSize: try f.decimal("tickSize"))
        case "LOT_SIZE": lotSize = try lot()
        case "MARKET_LOT_SIZE": marketLotSize = try lot()
        case "MAX_NUM_ORDERS": maxOrders = try f.smallInt("limit")
        case "MAX_NUM_ALGO_ORDERS": maxAlgoOrders = try f.smallInt("limit")
        case "MIN_NOTIONAL": minNotional = try f.decimal("notional")
        case "PERCENT_PRICE":
            percentPrice = PercentPrice(multiplierUp: try f.decimal("multiplierUp"), multiplierDown: try f.decimal("multiplierDown"),
                                        multiplierDecimal: try f.smallInt("multiplierDecimal"))
        default:
            var fields: [String: String] = [:]
            for (key, value) in f.object where key != "filterType" { fields[key] = "\(value)" }
            unknown.append(UnknownFilter(filterType: type, fields: fields))
        }
    }
}
