import AsterKit

/// Encodes simulator events in exactly the shape of the spec's payload examples (keys, order,
/// decimals as strings, ids and times as numbers). Kept separate from AsterKit's own output so
/// the fidelity tests compare the simulator with the spec, not with the client.
enum SimPayload {
    /// `@tradepro`: one trade, with a transaction hash and the (hidden) taker and maker addresses.
    static func tradePro(_ t: AggregateTrade) -> String {
        var w = JSONWriter()
        w.beginObject()
        w.field("e", "tradepro")
        w.field("E", t.eventTime)
        w.field("T", t.tradeTime)
        w.field("s", t.symbol)
        w.field("t", t.firstTradeId)
        w.field("p", t.price)
        w.field("q", t.quantity)
        w.field("h", "0X0000000000000000000000000000000000000000000000000000000000000000")
        w.key("m")
        w.raw(#"["hidden","hidden"]"#)
        w.endObject()
        return w.text
    }

    static func aggTrade(_ t: AggregateTrade) -> String {
        var w = JSONWriter()
        w.beginObject()
        w.field("e", "aggTrade")
        w.field("E", t.eventTime)
        w.field("s", t.symbol)
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

    static func depth(_ d: DepthUpdate, bids: [PriceLevel]? = nil, asks: [PriceLevel]? = nil) -> String {
        var w = JSONWriter()
        w.beginObject()
        w.field("e", "depthUpdate")
        w.field("E", d.eventTime)
        w.field("T", d.transactionTime)
        w.field("s", d.symbol)
        w.field("U", d.firstUpdateId)
        w.field("u", d.finalUpdateId)
        w.field("pu", d.previousFinalUpdateId)
        w.field("b", levels: bids ?? d.bids)
        w.field("a", levels: asks ?? d.asks)
        w.endObject()
        return w.text
    }

    static func bookTicker(symbol: String, updateId: Int64, time: Int64, bid: PriceLevel, ask: PriceLevel) -> String {
        var w = JSONWriter()
        w.beginObject()
        w.field("e", "bookTicker")
        w.field("u", updateId)
        w.field("E", time)
        w.field("T", time)
        w.field("s", symbol)
        w.field("b", bid.price)
        w.field("B", bid.quantity)
        w.field("a", ask.price)
        w.field("A", ask.quantity)
        w.endObject()
        return w.text
    }

    static func markPrice(_ m: MarkPriceUpdate) -> String {
        var w = JSONWriter()
        w.beginObject()
        w.field("e", "markPriceUpdate")
        w.field("E", m.eventTime)
        w.field("s", m.symbol)
        w.field("p", m.markPrice)
        w.field("i", m.indexPrice)
        w.field("P", m.estimatedSettlePrice)
        w.field("r", m.fundingRate)
        w.field("T", m.nextFundingTime)
        w.endObject()
        return w.text
    }

    static func kline(_ e: KlineEvent) -> String {
        let k = e.kline
        var w = JSONWriter()
        w.beginObject()
        w.field("e", "kline")
        w.field("E", e.eventTime)
        w.field("s", e.symbol)
        w.key("k")
        w.beginObject()
        w.field("t", k.openTime)
        w.field("T", k.closeTime)
        w.field("s", k.symbol)
        w.field("i", k.interval.wireValue)
        w.field("f", k.firstTradeId)
        w.field("L", k.lastTradeId)
        w.field("o", k.open)
        w.field("c", k.close)
        w.field("h", k.high)
        w.field("l", k.low)
        w.field("v", k.volume)
        w.field("n", k.trades)
        w.field("x", k.isClosed)
        w.field("q", k.quoteVolume)
        w.field("V", k.takerBuyVolume)
        w.field("Q", k.takerBuyQuoteVolume)
        w.field("B", "0")
        w.endObject()
        w.endObject()
        return w.text
    }

    static func miniTicker(_ t: MiniTicker) -> String {
        var w = JSONWriter()
        w.beginObject()
        w.field("e", "24hrMiniTicker")
        w.field("E", t.eventTime)
        w.field("s", t.symbol)
        w.field("c", t.lastPrice)
        w.field("o", t.openPrice)
        w.field("h", t.highPrice)
        w.field("l", t.lowPrice)
        w.field("v", t.volume)
        w.field("q", t.quoteVolume)
        w.endObject()
        return w.text
    }

    static func ticker(_ t: Ticker) -> String {
        var w = JSONWriter()
        w.beginObject()
        w.field("e", "24hrTicker")
        w.field("E", t.eventTime)
        w.field("s", t.symbol)
        w.field("p", t.priceChange)
        w.field("P", t.priceChangePercent)
        w.field("w", t.weightedAveragePrice)
        w.field("c", t.lastPrice)
        w.field("Q", t.lastQuantity)
        w.field("o", t.openPrice)
        w.field("h", t.highPrice)
        w.field("l", t.lowPrice)
        w.field("v", t.volume)
        w.field("q", t.quoteVolume)
        w.field("O", t.openTime)
        w.field("C", t.closeTime)
        w.field("F", t.firstTradeId)
        w.field("L", t.lastTradeId)
        w.field("n", t.tradeCount)
        w.endObject()
        return w.text
    }

    static func forceOrder(_ l: Liquidation) -> String {
        var w = JSONWriter()
        w.beginObject()
        w.field("e", "forceOrder")
        w.field("E", l.eventTime)
        w.key("o")
        w.beginObject()
        w.field("s", l.symbol)
        w.field("S", l.side)
        w.field("o", l.orderType)
        w.field("f", l.timeInForce)
        w.field("q", l.quantity)
        w.field("p", l.price)
        w.field("ap", l.averagePrice)
        w.field("X", l.status)
        w.field("l", l.lastFilledQuantity)
        w.field("z", l.filledQuantity)
        w.field("T", l.tradeTime)
        w.endObject()
        w.endObject()
        return w.text
    }

    /// `[p1, p2, …]` from payload texts.
    static func array(_ payloads: [String]) -> String {
        "[" + payloads.joined(separator: ",") + "]"
    }

    /// The combined-stream wrapper.
    static func wrap(stream: String, _ payload: String) -> String {
        #"{"stream":"\#(stream)","data":\#(payload)}"#
    }
}
