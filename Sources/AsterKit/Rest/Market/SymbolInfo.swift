/// One symbol of `exchangeInfo`: its contract and trading rules.
///
/// Every field the spec's example has is required; `tickSize` and `stepSize` read the filters.
public struct SymbolInfo: Sendable, Hashable {
    /// Symbol (`BTCUSDT`).
    public var symbol: String
    /// Underlying pair (`pair`).
    public var pair: String
    /// Contract type (`contractType`).
    public var contractType: ContractType
    /// Delivery date (`deliveryDate`, ms); far in the future for perpetuals.
    public var deliveryDate: Int64
    /// Listing date (`onboardDate`, ms).
    public var onboardDate: Int64
    /// Trading status (`status`).
    public var status: ContractStatus
    /// `maintMarginPercent` (the spec says to ignore it; the brackets are what count).
    public var maintenanceMarginPercent: ExactDecimal?
    /// `requiredMarginPercent` (the spec says to ignore it).
    public var requiredMarginPercent: ExactDecimal?
    /// Base asset (`baseAsset`).
    public var baseAsset: String
    /// Quote asset (`quoteAsset`).
    public var quoteAsset: String
    /// Margin asset (`marginAsset`).
    public var marginAsset: String
    /// `pricePrecision`: not the tick size (use ``tickSize``).
    public var pricePrecision: Int
    /// `quantityPrecision`: not the step size (use ``stepSize``).
    public var quantityPrecision: Int
    /// `baseAssetPrecision`.
    public var baseAssetPrecision: Int
    /// `quotePrecision`.
    public var quotePrecision: Int
    /// `underlyingType` (`COIN`, …).
    public var underlyingType: String
    /// `underlyingSubType` tags.
    public var underlyingSubTypes: [String]
    /// `settlePlan`.
    public var settlePlan: Int64
    /// Threshold for algo orders with `priceProtect` (`triggerProtect`).
    public var triggerProtect: ExactDecimal
    /// The trading rules (`filters`).
    public var filters: SymbolFilters
    /// Allowed order types (the spec's key is `OrderType`; `orderTypes` is read when that is absent).
    public var orderTypes: [OrderType]
    /// Allowed times in force (`timeInForce`).
    public var timeInForce: [TimeInForce]
    /// Liquidation fee rate (`liquidationFee`).
    public var liquidationFee: ExactDecimal
    /// Largest deviation from the mark price a market order may reach (`marketTakeBound`).
    public var marketTakeBound: ExactDecimal

    /// The price increment (`PRICE_FILTER` `tickSize`); `nil` when the symbol lists no price filter.
    public var tickSize: ExactDecimal? { filters.price?.tickSize }
    /// The quantity increment of limit orders (`LOT_SIZE` `stepSize`); `nil` when the symbol lists no lot size.
    public var stepSize: ExactDecimal? { filters.lotSize?.stepSize }

    /// Creates a symbol.
    public init(
        symbol: String, pair: String, contractType: ContractType, deliveryDate: Int64, onboardDate: Int64,
        status: ContractStatus, maintenanceMarginPercent: ExactDecimal?, requiredMarginPercent: ExactDecimal?,
        baseAsset: String, quoteAsset: String, marginAsset: String, pricePrecision: Int, quantityPrecision: Int,
        baseAssetPrecision: Int, quotePrecision: Int, underlyingType: String, underlyingSubTypes: [String],
        settlePlan: Int64, triggerProtect: ExactDecimal, filters: SymbolFilters, orderTypes: [OrderType],
        timeInForce: [TimeInForce], liquidationFee: ExactDecimal, marketTakeBound: ExactDecimal
    ) {
        self.symbol = symbol
        self.pair = pair
        self.contractType = contractType
        self.deliveryDate = deliveryDate
        self.onboardDate = onboardDate
        self.status = status
        self.maintenanceMarginPercent = maintenanceMarginPercent
        self.requiredMarginPercent = requiredMarginPercent
        self.baseAsset = baseAsset
        self.quoteAsset = quoteAsset
        self.marginAsset = marginAsset
        self.pricePrecision = pricePrecision
        self.quantityPrecision = quantityPrecision
        self.baseAssetPrecision = baseAssetPrecision
        self.quotePrecision = quotePrecision
        self.underlyingType = underlyingType
        self.underlyingSubTypes = underlyingSubTypes
        self.settlePlan = settlePlan
        self.triggerProtect = triggerProtect
        self.filters = filters
        self.orderTypes = orderTypes
        self.timeInForce = timeInForce
        self.liquidationFee = liquidationFee
        self.marketTakeBound = marketTakeBound
    }
}

extension SymbolInfo {
    /// Decodes one element of `symbols`; errors name the symbol (`symbols[BTCUSDT].filters[LOT_SIZE].stepSize`).
    init(_ element: JSONFields) throws(RESTError) {
        let name = try element.string("symbol")
        var f = element
        f.context = "symbols[\(name)]."
        let orderTypesKey = f.object["OrderType"] == nil && f.object["orderTypes"] != nil ? "orderTypes" : "OrderType"
        self.init(
            symbol: name, pair: try f.string("pair"), contractType: try f.wire("contractType"),
            deliveryDate: try f.int("deliveryDate"), onboardDate: try f.int("onboardDate"), status: try f.wire("status"),
            // The spec marks these two "ignore": absent is fine.
            maintenanceMarginPercent: try f.optionalDecimal("maintMarginPercent"),
            requiredMarginPercent: try f.optionalDecimal("requiredMarginPercent"), baseAsset: try f.string("baseAsset"),
            quoteAsset: try f.string("quoteAsset"), marginAsset: try f.string("marginAsset"),
            pricePrecision: try f.smallInt("pricePrecision"), quantityPrecision: try f.smallInt("quantityPrecision"),
            baseAssetPrecision: try f.smallInt("baseAssetPrecision"), quotePrecision: try f.smallInt("quotePrecision"),
            underlyingType: try f.string("underlyingType"), underlyingSubTypes: try f.strings("underlyingSubType"),
            settlePlan: try f.int("settlePlan"), triggerProtect: try f.decimal("triggerProtect"),
            filters: try SymbolFilters(f), orderTypes: try f.strings(orderTypesKey).map(OrderType.init(wire:)),
            timeInForce: try f.strings("timeInForce").map(TimeInForce.init(wire:)),
            liquidationFee: try f.decimal("liquidationFee"), marketTakeBound: try f.decimal("marketTakeBound"))
    }
}
