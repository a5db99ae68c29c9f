import AsterKit

/// Rolling statistics of one symbol since the simulator started (its "24 h" window).
struct SimStatistics: Sendable {
    var open: ExactDecimal
    var high: ExactDecimal
    var low: ExactDecimal
    var last: ExactDecimal
    var lastQuantity: ExactDecimal = .zero
    var volume: ExactDecimal = .zero
    var quoteVolume: ExactDecimal = .zero
    var firstTradeId: Int64 = -1
    var lastTradeId: Int64 = -1
    var count: Int64 = 0
    var openTime: Int64

    init(price: ExactDecimal, openTime: Int64) {
        open = price
        high = price
        low = price
        last = price
        self.openTime = openTime
    }

    mutating func record(_ t: AggregateTrade) {
        last = t.price
        lastQuantity = t.quantity
        high = max(high, t.price)
        low = min(low, t.price)
        volume += t.quantity
        quoteVolume += (t.price * t.quantity).rounded(scale: 8)
        if firstTradeId < 0 { firstTradeId = t.firstTradeId }
        lastTradeId = t.lastTradeId
        count += 1
    }

    func ticker(symbol: String, time: Int64) -> Ticker {
        let change = last - open
        let percent = (change.divided(by: open, scale: 8) ?? .zero) * 100
        let weighted = volume.isZero ? last : (quoteVolume.divided(by: volume, scale: 8) ?? last)
        return Ticker(
            eventTime: time, symbol: symbol, priceChange: change, priceChangePercent: percent.rounded(scale: 3),
            weightedAveragePrice: weighted, lastPrice: last, lastQuantity: lastQuantity, openPrice: open,
            highPrice: high, lowPrice: low, volume: volume, quoteVolume: quoteVolume, openTime: openTime,
            closeTime: time, firstTradeId: firstTradeId, lastTradeId: lastTradeId, tradeCount: count)
    }

    func miniTicker(symbol: String, time: Int64) -> MiniTicker {
        MiniTicker(eventTime: time, symbol: symbol, lastPrice: last, openPrice: open, highPrice: high, lowPrice: low,
                   volume: volume, quoteVolume: quoteVolume)
    }
}

/// The open candle of one interval, built from trades.
struct SimKline: Sendable {
    let interval: KlineInterval
    var current: Kline?
    /// Closed candles, oldest first (at most 1,500), for `GET /fapi/v1/klines`.
    var history: [Kline] = []

    /// Folds a trade in; returns the candle that closed, if the trade opened a new one.
    mutating func record(_ t: AggregateTrade) -> Kline? {
        let length = interval.milliseconds ?? 60_000
        let openTime = t.tradeTime / length * length
        var closed: Kline?
        if var k = current, k.openTime != openTime {
            k.isClosed = true
            closed = k
            history.append(k)
            if history.count > 1_500 { history.removeFirst(history.count - 1_500) }
            current = nil
        }
        let notional = (t.price * t.quantity).rounded(scale: 8)
        if var k = current {
            k.high = max(k.high, t.price)
            k.low = min(k.low, t.price)
            k.close = t.price
            k.volume += t.quantity
            k.quoteVolume += notional
            if !t.buyerIsMaker {
                k.takerBuyVolume += t.quantity
                k.takerBuyQuoteVolume += notional
            }
            k.trades += 1
            k.lastTradeId = t.lastTradeId
            current = k
        } else {
            current = Kline(
                openTime: openTime, closeTime: openTime + length - 1, symbol: t.symbol, interval: interval,
                firstTradeId: t.firstTradeId, lastTradeId: t.lastTradeId, open: t.price, close: t.price,
                high: t.price, low: t.price, volume: t.quantity, trades: 1, isClosed: false, quoteVolume: notional,
                takerBuyVolume: t.buyerIsMaker ? .zero : t.quantity,
                takerBuyQuoteVolume: t.buyerIsMaker ? .zero : notional)
        }
        return closed
    }
}
