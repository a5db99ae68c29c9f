import AsterKit

/// The public REST answers, keyed and typed exactly as the spec's example responses (decimals as
/// strings, ids and times as numbers). Written from the spec, independent of AsterKit's decoders.
enum SimMarketPayload {
    static func array(_ objects: [String]) -> String { "[" + objects.joined(separator: ",") + "]" }

    static func trade(_ t: AggregateTrade) -> String {
        var w = JSONWriter()
        w.beginObject()
        w.field("id", t.firstTradeId)
        w.field("price", t.price)
        w.field("qty", t.quantity)
        w.field("quoteQty", t.price * t.quantity)
        w.field("time", t.tradeTime)
        w.field("isBuyerMaker", t.buyerIsMaker)
        w.endObject()
        return w.text
    }

    static func aggTrade(_ t: AggregateTrade) -> String {
        var w = JSONWriter()
        w.beginObject()
        w.field("a", t.aggregateTradeId)
        w.field("p", t.price)
        w.field("q", t.quantity)
        w.field("f", t.firstTradeId)
        w.field("l", t.lastTradeId)
        w.field("T", t.tradeTime)
        w.field("m", t.buyerIsMaker)
        w.endObject()
        return w.text
    }

    static func kline(_ k: Kline) -> String {
        var w = JSONWriter()
        w.beginArray()
        w.int(k.openTime)
        w.decimal(k.open)
        w.decimal(k.high)
        w.decimal(k.low)
        w.decimal(k.close)
        w.decimal(k.volume)
        w.int(k.closeTime)
        w.decimal(k.quoteVolume)
        w.int(k.trades)
        w.decimal(k.takerBuyVolume)
        w.decimal(k.takerBuyQuoteVolume)
        w.string("0")
        w.endArray()
        return w.text
    }

    /// A mark or index price candle: the volume columns are "0", the trade count is the number of samples.
    static func priceKline(_ k: SimPriceCandle, length: Int64) -> String {
        var w = JSONWriter()
        w.beginArray()
        w.int(k.openTime)
        w.decimal(k.open)
        w.decimal(k.high)
        w.decimal(k.low)
        w.decimal(k.close)
        w.string("0")
        w.int(k.openTime + length - 1)
        w.string("0")
        w.int(k.points)
        w.string("0")
        w.string("0")
        w.string("0")
        w.endArray()
        return w.text
    }

    static func premiumIndex(_ m: MarkPriceUpdate, interest: ExactDecimal) -> String {
        var w = JSONWriter()
        w.beginObject()
        w.field("symbol", m.symbol)
        w.field("markPrice", m.markPrice)
        w.field("indexPrice", m.indexPrice)
        w.field("estimatedSettlePrice", m.estimatedSettlePrice)
        w.field("lastFundingRate", m.fundingRate)
        w.field("nextFundingTime", m.nextFundingTime)
        w.field("interestRate", interest)
        w.field("time", m.eventTime)
        w.endObject()
        return w.text
    }

    static func fundingRate(_ r: SimFundingRecord) -> String {
        var w = JSONWriter()
        w.beginObject()
        w.field("symbol", r.symbol)
        w.field("fundingRate", r.rate)
        w.field("fundingTime", r.time)
        w.endObject()
        return w.text
    }

    /// `fundingInfo`: the cap and floor are JSON numbers in the spec's example.
    static func fundingInfo(symbol: String, interest: ExactDecimal, hours: Int, cap: ExactDecimal, time: Int64) -> String {
        var w = JSONWriter()
        w.beginObject()
        w.field("symbol", symbol)
        w.field("interestRate", interest)
        w.field("time", time)
        w.field("fundingIntervalHours", Int64(hours))
        w.key("fundingFeeCap")
        w.raw(cap.description)
        w.key("fundingFeeFloor")
        w.raw((-cap).description)
        w.endObject()
        return w.text
    }

    static func ticker(_ t: Ticker) -> String {
        var w = JSONWriter()
        w.beginObject()
        w.field("symbol", t.symbol)
        w.field("priceChange", t.priceChange)
        w.field("priceChangePercent", t.priceChangePercent)
        w.field("weightedAvgPrice", t.weightedAveragePrice)
        w.field("prevClosePrice", t.openPrice)
        w.field("lastPrice", t.lastPrice)
        w.field("lastQty", t.lastQuantity)
        w.field("openPrice", t.openPrice)
        w.field("highPrice", t.highPrice)
        w.field("lowPrice", t.lowPrice)
        w.field("volume", t.volume)
        w.field("quoteVolume", t.quoteVolume)
        w.field("openTime", t.openTime)
        w.field("closeTime", t.closeTime)
        w.field("firstId", t.firstTradeId)
        w.field("lastId", t.lastTradeId)
        w.field("count", t.tradeCount)
        w.endObject()
        return w.text
    }

    static func priceTicker(symbol: String, price: ExactDecimal, time: Int64) -> String {
        var w = JSONWriter()
        w.beginObject()
        w.field("symbol", symbol)
        w.field("price", price)
        w.field("time", time)
        w.endObject()
        return w.text
    }

    static func bookTicker(symbol: String, bid: PriceLevel?, ask: PriceLevel?, time: Int64) -> String {
        var w = JSONWriter()
        w.beginObject()
        w.field("symbol", symbol)
        w.field("bidPrice", bid?.price ?? .zero)
        w.field("bidQty", bid?.quantity ?? .zero)
        w.field("askPrice", ask?.price ?? .zero)
        w.field("askQty", ask?.quantity ?? .zero)
        w.field("time", time)
        w.endObject()
        return w.text
    }

    /// `exchangeInfo`: rate limits, assets and every symbol with all seven filters.
    static func exchangeInfo(symbols: [SimSymbol], time: Int64, weightLimit: Int = 2_400,
                             orderLimits: [SimOrderRateLimit] = SimOrderRateLimit.standard) -> String {
        var w = JSONWriter()
        w.beginObject()
        w.key("exchangeFilters")
        w.raw("[]")
        w.key("rateLimits")
        w.raw(SimOrderRateLimit.rateLimits(weightLimit: weightLimit, orders: orderLimits))
        w.field("serverTime", time)
        w.key("assets")
        w.raw(#"[{"asset":"USDT","marginAvailable":true,"autoAssetExchange":0},{"asset":"BTC","marginAvailable":false,"autoAssetExchange":null}]"#)
        w.key("symbols")
        w.beginArray()
        for s in symbols {
            w.beginObject()
            w.field("symbol", s.name)
            w.field("pair", s.name)
            w.field("contractType", "PERPETUAL")
            w.field("deliveryDate", Int64(4_133_404_800_000))
            w.field("onboardDate", Int64(1_598_252_400_000))
            w.field("status", "TRADING")
            w.field("maintMarginPercent", "2.5000")
            w.field("requiredMarginPercent", "5.0000")
            w.field("baseAsset", String(s.name.dropLast(4)))
            w.field("quoteAsset", "USDT")
            w.field("marginAsset", "USDT")
            w.field("pricePrecision", Int64(s.tickSize.scale))
            w.field("quantityPrecision", Int64(s.lotSize.scale))
            w.field("baseAssetPrecision", Int64(8))
            w.field("quotePrecision", Int64(8))
            w.field("underlyingType", "COIN")
            w.key("underlyingSubType")
            w.raw(#"["Layer-1"]"#)
            w.field("settlePlan", Int64(0))
            w.field("triggerProtect", SimFilters.triggerProtect.formatted(fractionDigits: 4))
            w.key("filters")
            w.beginArray()
            for filter in SimFilters(symbol: s).exchangeInfo { w.raw(filter) }
            w.endArray()
            // The spec's example spells this key "OrderType" (Binance's is "orderTypes").
            w.key("OrderType")
            w.raw(#"["LIMIT","MARKET","STOP","STOP_MARKET","TAKE_PROFIT","TAKE_PROFIT_MARKET","TRAILING_STOP_MARKET"]"#)
            w.key("timeInForce")
            w.raw(#"["GTC","IOC","FOK","GTX","HIDDEN"]"#)
            w.field("liquidationFee", "0.010000")
            w.field("marketTakeBound", "0.30")
            w.endObject()
        }
        w.endArray()
        w.field("timezone", "UTC")
        w.endObject()
        return w.text
    }
}

/// A symbol's trading rules, as `exchangeInfo` lists them and as orders are checked against them.
struct SimFilters: Sendable {
    let symbol: SimSymbol
    var minPrice: ExactDecimal { symbol.tickSize }
    var maxPrice: ExactDecimal { symbol.startPrice * 100 }
    var maxQuantity: ExactDecimal { 10_000_000 }
    var maxMarketQuantity: ExactDecimal { 1_000_000 }
    static let maxOrders = 200
    /// `triggerProtect`: the largest |mark − last| / mark at which a `priceProtect` order triggers.
    static let triggerProtect = ExactDecimal(mantissa: 500, scale: 4)
    static let minNotional: ExactDecimal = 5
    static let multiplierUp = ExactDecimal(mantissa: 105, scale: 2)
    static let multiplierDown = ExactDecimal(mantissa: 95, scale: 2)

    var exchangeInfo: [String] {
        [
            #"{"filterType":"PRICE_FILTER","minPrice":"\#(minPrice)","maxPrice":"\#(maxPrice)","tickSize":"\#(symbol.tickSize)"}"#,
            #"{"filterType":"LOT_SIZE","minQty":"\#(symbol.lotSize)","maxQty":"\#(maxQuantity)","stepSize":"\#(symbol.lotSize)"}"#,
            #"{"filterType":"MARKET_LOT_SIZE","minQty":"\#(symbol.lotSize)","maxQty":"\#(maxMarketQuantity)","stepSize":"\#(symbol.lotSize)"}"#,
            #"{"filterType":"MAX_NUM_ORDERS","limit":\#(Self.maxOrders)}"#,
            #"{"filterType":"MAX_NUM_ALGO_ORDERS","limit":100}"#,
            #"{"filterType":"MIN_NOTIONAL","notional":"\#(Self.minNotional)"}"#,
            #"{"filterType":"PERCENT_PRICE","multiplierUp":"1.0500","multiplierDown":"0.9500","multiplierDecimal":4}"#,
        ]
    }
}
