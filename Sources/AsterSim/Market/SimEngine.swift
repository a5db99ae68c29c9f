import AsterKit

/// One outgoing payload: the stream it belongs to and its JSON text.
public struct SimOutgoing: Sendable, Hashable {
    /// Stream name (`btcusdt@aggTrade`, `!ticker@arr`).
    public var stream: String
    /// Raw payload text, as sent on `/ws/<stream>`.
    public var payload: String
}

/// The whole simulated market: every symbol's book and flow, and every stream derived from it.
///
/// Deterministic for a seed and a sequence of ``advance(to:steps:isWanted:)`` calls; the server
/// drives it from a clock. Streams nobody listens to are not encoded (`isWanted`).
public struct SimEngine: Sendable {
    /// The markets, in listing order.
    public private(set) var markets: [SimSymbolMarket]
    private var random: SeededGenerator
    private var stats: [SimStatistics]
    private var klines: [[SimKline]]
    private var lastTop: [(bid: PriceLevel?, ask: PriceLevel?)]
    private var indexDrift: [ExactDecimal]
    private var lastEmit: [String: Int64] = [:]
    /// Milliseconds of simulated time.
    public private(set) var now: Int64

    /// Creates the market at time `now` (ms) from a seed.
    ///
    /// - Parameters:
    ///   - warmUpMinutes: simulated trading before `now`, so klines have history from the start.
    public init(symbols: [SimSymbol] = SimSymbol.defaults, seed: UInt64, now: Int64, warmUpMinutes: Int = 0) {
        var random = SeededGenerator(seed: seed)
        markets = symbols.map { SimSymbolMarket(symbol: $0, random: &random) }
        self.random = random
        let start = now - Int64(warmUpMinutes) * 60_000
        self.now = start
        stats = symbols.map { SimStatistics(price: $0.startPrice, openTime: now - 86_400_000) }
        klines = symbols.map { _ in KlineInterval.allCases.map { SimKline(interval: $0, current: nil) } }
        lastTop = symbols.map { _ in (nil, nil) }
        indexDrift = symbols.map { _ in .zero }
        // Warm up a second at a time, with nobody listening: the book, stats and klines get a past.
        var t = start
        while t < now {
            t += 1_000
            _ = advance(to: t, steps: 5 * symbols.count, isWanted: { _ in false })
        }
    }

    /// Closed klines of `symbol` and `interval` (plus the open one), oldest first.
    public func klineHistory(symbol: String, interval: KlineInterval, limit: Int) -> [Kline] {
        guard let i = markets.firstIndex(where: { $0.symbol.name == symbol.uppercased() }),
              let k = klines[i].first(where: { $0.interval == interval }) else { return [] }
        return Array((k.history + (k.current.map { [$0] } ?? [])).suffix(limit))
    }

    /// Every symbol's top of book and mark price, for the demo account.
    public func quotes() -> [SimQuote] {
        markets.indices.compactMap { i in
            let m = markets[i]
            guard let bid = m.bids.best?.price, let ask = m.asks.best?.price else { return nil }
            return SimQuote(symbol: m.symbol.name, bid: bid, ask: ask, mark: markPrice(i).markPrice,
                            tickSize: m.symbol.tickSize, lotSize: m.symbol.lotSize)
        }
    }

    /// The market of `symbol` (upper case), if listed.
    public func market(_ symbol: String) -> SimSymbolMarket? {
        markets.first { $0.symbol.name == symbol.uppercased() }
    }

    /// The 24 h ticker of every symbol now.
    public func tickers() -> [Ticker] {
        markets.indices.map { stats[$0].ticker(symbol: markets[$0].symbol.name, time: now) }
    }

    /// Mark price, index and funding of every symbol now.
    public func markPrices() -> [MarkPriceUpdate] {
        markets.indices.map { markPrice($0) }
    }

    private func markPrice(_ i: Int) -> MarkPriceUpdate {
        let m = markets[i]
        let mid: ExactDecimal
        if let b = m.bids.best?.price, let a = m.asks.best?.price {
            mid = ((b + a) * ExactDecimal(mantissa: 5, scale: 1)).rounded(scale: Int(m.symbol.tickSize.scale) + 1)
        } else {
            mid = m.lastPrice
        }
        let index = (mid * (1 + indexDrift[i])).rounded(scale: 8)
        let premium = (mid - index).divided(by: index, scale: 8) ?? .zero
        let rate = min(max(ExactDecimal(mantissa: 1, scale: 4) + premium, ExactDecimal(mantissa: -75, scale: 4)),
                       ExactDecimal(mantissa: 75, scale: 4)).rounded(scale: 8)
        let period: Int64 = 8 * 3_600_000
        return MarkPriceUpdate(eventTime: now, symbol: m.symbol.name, markPrice: mid, indexPrice: index,
                               estimatedSettlePrice: index, fundingRate: rate,
                               nextFundingTime: (now / period + 1) * period)
    }

    /// `true` once per `period` ms for each `purpose`.
    private mutating func due(_ period: Int64, _ purpose: String) -> Bool {
        let slot = now / period
        guard lastEmit[purpose] != slot else { return false }
        lastEmit[purpose] = slot
        return true
    }

    /// Moves time to `time` (ms), runs `steps` random order-flow actions, and returns every
    /// payload due, in order.
    ///
    /// - Parameters:
    ///   - time: the new simulated time in milliseconds.
    ///   - steps: order-flow actions (adds, cancels, market orders) to run, spread over symbols.
    ///   - isWanted: whether anyone listens to a stream; unwanted streams are not encoded.
    public mutating func advance(to time: Int64, steps: Int, isWanted: (String) -> Bool) -> [SimOutgoing] {
        now = max(now, time)
        var out: [SimOutgoing] = []
        for _ in 0..<steps {
            let i = Int.random(in: 0..<markets.count, using: &random)
            let trades = markets[i].step(random: &random, now: now)
            guard !trades.isEmpty else { continue }
            let lower = markets[i].symbol.name.lowercased()
            for t in trades {
                stats[i].record(t)
                for k in klines[i].indices {
                    if let closed = klines[i][k].record(t), isWanted("\(lower)@kline_\(closed.interval.wireValue)") {
                        let e = KlineEvent(eventTime: now, symbol: closed.symbol, kline: closed)
                        out.append(SimOutgoing(stream: "\(lower)@kline_\(closed.interval.wireValue)", payload: SimPayload.kline(e)))
                    }
                }
                if isWanted("\(lower)@aggTrade") {
                    out.append(SimOutgoing(stream: "\(lower)@aggTrade", payload: SimPayload.aggTrade(t)))
                }
            }
        }
        emitBookTickers(into: &out, isWanted)
        emitDepth(into: &out, isWanted)
        emitPeriodic(into: &out, isWanted)
        return out
    }

    private mutating func emitBookTickers(into out: inout [SimOutgoing], _ isWanted: (String) -> Bool) {
        let all = isWanted("!bookTicker")
        for i in markets.indices {
            let top = (markets[i].bids.best, markets[i].asks.best)
            guard top.0 != lastTop[i].bid || top.1 != lastTop[i].ask, let bid = top.0, let ask = top.1 else { continue }
            lastTop[i] = top
            let stream = "\(markets[i].symbol.name.lowercased())@bookTicker"
            let one = isWanted(stream)
            guard one || all else { continue }
            let payload = SimPayload.bookTicker(symbol: markets[i].symbol.name, updateId: markets[i].updateId,
                                                time: now, bid: bid, ask: ask)
            if one { out.append(SimOutgoing(stream: stream, payload: payload)) }
            if all { out.append(SimOutgoing(stream: "!bookTicker", payload: payload)) }
        }
    }

    private mutating func emitDepth(into out: inout [SimOutgoing], _ isWanted: (String) -> Bool) {
        for (channel, period, suffix) in [(0, Int64(100), "@100ms"), (1, Int64(250), ""), (2, Int64(500), "@500ms")]
        where due(period, "depth\(channel)") {
            for i in markets.indices {
                guard let diff = markets[i].flushDepth(channel: channel, eventTime: now) else { continue }
                let lower = markets[i].symbol.name.lowercased()
                if isWanted("\(lower)@depth\(suffix)") {
                    out.append(SimOutgoing(stream: "\(lower)@depth\(suffix)", payload: SimPayload.depth(diff)))
                }
                for levels in [5, 10, 20] where isWanted("\(lower)@depth\(levels)\(suffix)") {
                    let payload = SimPayload.depth(diff, bids: Array(markets[i].bids.top(levels)),
                                                   asks: Array(markets[i].asks.top(levels)))
                    out.append(SimOutgoing(stream: "\(lower)@depth\(levels)\(suffix)", payload: payload))
                }
            }
        }
    }

    private mutating func emitPeriodic(into out: inout [SimOutgoing], _ isWanted: (String) -> Bool) {
        if due(250, "kline") {
            for i in markets.indices {
                let lower = markets[i].symbol.name.lowercased()
                for k in klines[i] {
                    guard let kline = k.current, isWanted("\(lower)@kline_\(k.interval.wireValue)") else { continue }
                    let e = KlineEvent(eventTime: now, symbol: kline.symbol, kline: kline)
                    out.append(SimOutgoing(stream: "\(lower)@kline_\(k.interval.wireValue)", payload: SimPayload.kline(e)))
                }
            }
        }
        if due(500, "ticker") {
            for i in markets.indices {
                let lower = markets[i].symbol.name.lowercased()
                if isWanted("\(lower)@miniTicker") {
                    let t = stats[i].miniTicker(symbol: markets[i].symbol.name, time: now)
                    out.append(SimOutgoing(stream: "\(lower)@miniTicker", payload: SimPayload.miniTicker(t)))
                }
                if isWanted("\(lower)@ticker") {
                    let t = stats[i].ticker(symbol: markets[i].symbol.name, time: now)
                    out.append(SimOutgoing(stream: "\(lower)@ticker", payload: SimPayload.ticker(t)))
                }
            }
        }
        if due(1_000, "second") {
            if isWanted("!miniTicker@arr") {
                let all = markets.indices.map { SimPayload.miniTicker(stats[$0].miniTicker(symbol: markets[$0].symbol.name, time: now)) }
                out.append(SimOutgoing(stream: "!miniTicker@arr", payload: SimPayload.array(all)))
            }
            if isWanted("!ticker@arr") {
                out.append(SimOutgoing(stream: "!ticker@arr", payload: SimPayload.array(tickers().map(SimPayload.ticker))))
            }
            for i in indexDrift.indices {
                let step = ExactDecimal(mantissa: Int64.random(in: -2...2, using: &random), scale: 5)
                indexDrift[i] = min(max(indexDrift[i] + step, ExactDecimal(mantissa: -2, scale: 3)),
                                    ExactDecimal(mantissa: 2, scale: 3))
            }
            emitMarkPrices(into: &out, isWanted, suffix: "@1s")
            emitLiquidations(into: &out, isWanted)
        }
        if due(3_000, "markPrice") { emitMarkPrices(into: &out, isWanted, suffix: "") }
    }

    private func emitMarkPrices(into out: inout [SimOutgoing], _ isWanted: (String) -> Bool, suffix: String) {
        let all = isWanted("!markPrice@arr\(suffix)")
        var payloads: [String] = []
        for i in markets.indices {
            let stream = "\(markets[i].symbol.name.lowercased())@markPrice\(suffix)"
            let one = isWanted(stream)
            guard one || all else { continue }
            let payload = SimPayload.markPrice(markPrice(i))
            if one { out.append(SimOutgoing(stream: stream, payload: payload)) }
            payloads.append(payload)
        }
        if all { out.append(SimOutgoing(stream: "!markPrice@arr\(suffix)", payload: SimPayload.array(payloads))) }
    }

    private mutating func emitLiquidations(into out: inout [SimOutgoing], _ isWanted: (String) -> Bool) {
        for i in markets.indices where Int.random(in: 0..<3, using: &random) == 0 {
            let m = markets[i]
            let sell = Bool.random(using: &random)
            guard let level = sell ? m.bids.best : m.asks.best else { continue }
            let qty = m.symbol.lotSize * ExactDecimal(Int.random(in: 10...2_000, using: &random))
            let l = Liquidation(eventTime: now, symbol: m.symbol.name, side: sell ? .sell : .buy, orderType: .limit,
                                timeInForce: .ioc, quantity: qty, price: level.price, averagePrice: level.price,
                                status: .filled, lastFilledQuantity: qty, filledQuantity: qty, tradeTime: now)
            let payload = SimPayload.forceOrder(l)
            let stream = "\(m.symbol.name.lowercased())@forceOrder"
            if isWanted(stream) { out.append(SimOutgoing(stream: stream, payload: payload)) }
            if isWanted("!forceOrder@arr") { out.append(SimOutgoing(stream: "!forceOrder@arr", payload: payload)) }
        }
    }
}
