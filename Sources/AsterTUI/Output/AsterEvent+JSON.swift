import AsterKit

extension AsterEvent {
    /// The event as JSON lines, one per element of an array payload.
    ///
    /// Each line is an object with `stream`, `type` (the payload's `e`), `symbol` (upper case,
    /// when the event has one), `eventTime` (ms), then the typed fields in camelCase; every
    /// decimal is a JSON string, exact.
    ///
    /// - Parameter stream: the combined-stream name to include (or `nil`).
    public func jsonLines(stream: String?) -> [String] {
        elements.map { $0.jsonLine(stream: stream) }
    }

    private func jsonLine(stream: String?) -> String {
        var w = JSONWriter()
        writeJSONLine(stream: stream, into: &w)
        return w.text
    }

    /// Writes this single event (not an array: see ``elements``) as one JSON object into `w`.
    func writeJSONLine(stream: String?, into w: inout JSONWriter) {
        w.beginObject()
        w.key("stream")
        if let stream { w.string(stream) } else { w.null() }
        switch self {
        case .subscriptionReply(let reply):
            w.field("type", "reply")
            w.field("id", reply.id)
            w.key("result")
            switch reply.result {
            case .null: w.null()
            case .bool(let b): w.bool(b)
            case .streams(let names):
                w.beginArray()
                names.forEach { w.string($0) }
                w.endArray()
            case .other(let raw): w.raw(raw)
            }
        case .serverError(let error):
            w.field("type", "error")
            w.field("code", error.code)
            w.field("msg", error.message)
            w.field("id", error.id)
        case .unknown(let unknown):
            w.field("type", unknown.eventType ?? "unknown")
            w.key("raw")
            w.string(unknown.raw)
        default:
            w.field("type", eventType ?? "unknown")
            writeFields(into: &w)
        }
        w.endObject()
    }

    private func writeFields(into w: inout JSONWriter) {
        switch self {
        case .aggregateTrade(let t): t.writeJSON(into: &w)
        case .markPrice(let m): m.writeJSON(into: &w)
        case .kline(let k): k.writeJSON(into: &w)
        case .miniTicker(let t): t.writeJSON(into: &w)
        case .ticker(let t): t.writeJSON(into: &w)
        case .bookTicker(let b): b.writeJSON(into: &w)
        case .liquidation(let l): l.writeJSON(into: &w)
        case .depth(let d): d.writeJSON(into: &w)
        case .tradePro(let t): t.writeJSON(into: &w)
        case .listenKeyExpired(let e): w.field("eventTime", e.eventTime)
        case .marginCall(let m): m.writeJSON(into: &w)
        case .accountUpdate(let a): a.writeJSON(into: &w)
        case .orderTradeUpdate(let o): o.writeJSON(into: &w)
        case .accountConfigUpdate(let c): c.writeJSON(into: &w)
        case .announcement(let a): a.writeJSON(into: &w)
        case .markPrices, .miniTickers, .tickers, .batch, .subscriptionReply, .serverError, .unknown: break
        }
    }
}

extension AggregateTrade {
    func writeJSON(into w: inout JSONWriter) {
        w.field("symbol", symbol.uppercased())
        w.field("eventTime", eventTime)
        w.field("aggregateTradeId", aggregateTradeId)
        w.field("price", price)
        w.field("quantity", quantity)
        w.field("firstTradeId", firstTradeId)
        w.field("lastTradeId", lastTradeId)
        w.field("tradeTime", tradeTime)
        w.field("buyerIsMaker", buyerIsMaker)
    }
}

extension MarkPriceUpdate {
    func writeJSON(into w: inout JSONWriter) {
        w.field("symbol", symbol.uppercased())
        w.field("eventTime", eventTime)
        w.field("markPrice", markPrice)
        w.field("indexPrice", indexPrice)
        w.field("estimatedSettlePrice", estimatedSettlePrice)
        w.field("fundingRate", fundingRate)
        w.field("nextFundingTime", nextFundingTime)
    }
}

extension KlineEvent {
    func writeJSON(into w: inout JSONWriter) {
        w.field("symbol", symbol.uppercased())
        w.field("eventTime", eventTime)
        w.field("interval", kline.interval.wireValue)
        w.field("openTime", kline.openTime)
        w.field("closeTime", kline.closeTime)
        w.field("open", kline.open)
        w.field("high", kline.high)
        w.field("low", kline.low)
        w.field("close", kline.close)
        w.field("volume", kline.volume)
        w.field("quoteVolume", kline.quoteVolume)
        w.field("takerBuyVolume", kline.takerBuyVolume)
        w.field("takerBuyQuoteVolume", kline.takerBuyQuoteVolume)
        w.field("firstTradeId", kline.firstTradeId)
        w.field("lastTradeId", kline.lastTradeId)
        w.field("trades", kline.trades)
        w.field("isClosed", kline.isClosed)
    }
}

extension MiniTicker {
    func writeJSON(into w: inout JSONWriter) {
        w.field("symbol", symbol.uppercased())
        w.field("eventTime", eventTime)
        w.field("lastPrice", lastPrice)
        w.field("openPrice", openPrice)
        w.field("highPrice", highPrice)
        w.field("lowPrice", lowPrice)
        w.field("volume", volume)
        w.field("quoteVolume", quoteVolume)
    }
}

extension Ticker {
    func writeJSON(into w: inout JSONWriter) {
        w.field("symbol", symbol.uppercased())
        w.field("eventTime", eventTime)
        w.field("priceChange", priceChange)
        w.field("priceChangePercent", priceChangePercent)
        w.field("weightedAveragePrice", weightedAveragePrice)
        w.field("lastPrice", lastPrice)
        w.field("lastQuantity", lastQuantity)
        w.field("openPrice", openPrice)
        w.field("highPrice", highPrice)
        w.field("lowPrice", lowPrice)
        w.field("volume", volume)
        w.field("quoteVolume", quoteVolume)
        w.field("openTime", openTime)
        w.field("closeTime", closeTime)
        w.field("firstTradeId", firstTradeId)
        w.field("lastTradeId", lastTradeId)
        w.field("tradeCount", tradeCount)
    }
}

extension BookTicker {
    func writeJSON(into w: inout JSONWriter) {
        w.field("symbol", symbol.uppercased())
        w.field("eventTime", eventTime)
        w.field("transactionTime", transactionTime)
        w.field("updateId", updateId)
        w.field("bidPrice", bidPrice)
        w.field("bidQuantity", bidQuantity)
        w.field("askPrice", askPrice)
        w.field("askQuantity", askQuantity)
    }
}

extension Liquidation {
    func writeJSON(into w: inout JSONWriter) {
        w.field("symbol", symbol.uppercased())
        w.field("eventTime", eventTime)
        w.field("side", side)
        w.field("orderType", orderType)
        w.field("timeInForce", timeInForce)
        w.field("price", price)
        w.field("quantity", quantity)
        w.field("averagePrice", averagePrice)
        w.field("status", status)
        w.field("lastFilledQuantity", lastFilledQuantity)
        w.field("filledQuantity", filledQuantity)
        w.field("tradeTime", tradeTime)
    }
}

extension DepthUpdate {
    func writeJSON(into w: inout JSONWriter) {
        w.field("symbol", symbol.uppercased())
        w.field("eventTime", eventTime)
        w.field("transactionTime", transactionTime)
        w.field("firstUpdateId", firstUpdateId)
        w.field("finalUpdateId", finalUpdateId)
        w.field("previousFinalUpdateId", previousFinalUpdateId)
        w.field("bids", levels: bids)
        w.field("asks", levels: asks)
    }
}

extension TradePro {
    func writeJSON(into w: inout JSONWriter) {
        w.field("symbol", symbol.uppercased())
        w.field("eventTime", eventTime)
        w.field("transactionTime", transactionTime)
        w.field("tradeId", tradeId)
        w.field("price", price)
        w.field("quantity", quantity)
        w.field("transactionHash", transactionHash)
        w.key("participants")
        w.beginArray()
        participants.forEach { w.string($0) }
        w.endArray()
    }
}
