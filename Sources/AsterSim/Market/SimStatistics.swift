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

    /// Folds a trade in (`notional`: its price times quantity to 8 decimals).
    mutating func record(_ t: AggregateTrade, notional: ExactDecimal) {
        last = t.price
        lastQuantity = t.quantity
        high = max(high, t.price)
        low = min(low, t.price)
        volume += t.quantity
        quoteVolume += notional
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
    /// The open candle's fields, updated in place per trade (meaningful while `isOpen`).
    private var candle: Kline
    private var isOpen = false
    /// Closed candles, oldest first (at most 1,500), for `GET /fapi/v1/klines`.
    var history: [Kline] = []

    init(interval: KlineInterval) {
        self.interval = interval
        candle = Kline(openTime: 0, closeTime: 0, symbol: "", interval: interval, firstTradeId: 0, lastTradeId: 0,
                       open: .zero, close: .zero, high: .zero, low: .zero, volume: .zero, trades: 0, isClosed: false,
                       quoteVolume: .zero, takerBuyVolume: .zero, takerBuyQuoteVolume: .zero)
    }

    /// The open candle, if any trade opened one.
    var current: Kline? { isOpen ? candle : nil }

    /// Folds a trade in (`notional`: its price times quantity to 8 decimals, computed once per
    /// trade for every interval); returns the candle that closed, if the trade opened a new one.
    mutating func record(_ t: AggregateTrade, notional: ExactDecimal) -> Kline? {
        let length = interval.milliseconds ?? 60_000
        let openTime = t.tradeTime / length * length
        if isOpen && candle.openTime == openTime {
            if t.price > candle.high { candle.high = t.price }
            if t.price < candle.low { candle.low = t.price }
            candle.close = t.price
            candle.volume += t.quantity
            candle.quoteVolume += notional
            if !t.buyerIsMaker {
                candle.takerBuyVolume += t.quantity
                candle.takerBuyQuoteVolume += notional
            }
            candle.trades += 1
            candle.lastTradeId = t.lastTradeId
            return nil
        }
        var closed: Kline?
        if isOpen {
            candle.isClosed = true
            closed = candle
            history.append(candle)
            if history.count > 1_500 { history.removeFirst(history.count - 1_500) }
        }
        isOpen = true
        candle = Kline(
            openTime: openTime, closeTime: openTime + length - 1, symbol: t.symbol, interval: interval,
            firstTradeId: t.firstTradeId, lastTradeId: t.lastTradeId, open: t.price, close: t.price,
            high: t.price, low: t.price, volume: t.quantity, trades: 1, isClosed: false, quoteVolume: notional,
            takerBuyVolume: t.buyerIsMaker ? .zero : t.quantity,
            takerBuyQuoteVolume: t.buyerIsMaker ? .zero : notional)
        return closed
    }
}
