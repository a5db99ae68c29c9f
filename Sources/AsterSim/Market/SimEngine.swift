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
    private var funding: [SimFunding]
    /// Each market's per-trade stream names, built once (not per trade).
    private let tradeStreams: [(aggTrade: String, tradePro: String)]
    /// Each market's diff depth streams per speed (100 ms, 250 ms, 500 ms): the diff stream,
    /// then the partial depths of 5, 10 and 20 levels.
    private let depthStreams: [[[String]]]
    /// Each market's fair price a second ago (for liquidations).
    private var lastFair: [Double]
    private var lastEmit: [String: Int64] = [:]
    /// Trades of client orders, streamed at the next ``advance(to:steps:isWanted:)``.
    private var pendingTrades: [(market: Int, trade: AggregateTrade)] = []
    /// Fills of client orders the flow reached, until ``drainMakerFills()``.
    private var pendingMakerFills: [SimMakerFill] = []
    /// Funding settlements since the last ``drainSettlements()``.
    private var settlements: [SimFundingSettlement] = []
    /// Milliseconds of simulated time.
    public private(set) var now: Int64

    /// Creates the market at time `now` (ms) from a seed.
    ///
    /// - Parameters:
    ///   - warmUpMinutes: simulated trading before `now`, so klines have history from the start.
    ///   - fundingPeriod: milliseconds between funding settlements of every symbol, instead of
    ///     each symbol's `fundingIntervalHours`.
    public init(symbols: [SimSymbol] = SimSymbol.defaults, seed: UInt64, now: Int64, warmUpMinutes: Int = 0,
                fundingPeriod: Int64? = nil) {
        var random = SeededGenerator(seed: seed)
        markets = symbols.map { SimSymbolMarket(symbol: $0, random: &random) }
        self.random = random
        let start = now - Int64(warmUpMinutes) * 60_000
        self.now = start
        stats = symbols.map { SimStatistics(price: $0.startPrice, openTime: now - 86_400_000) }
        klines = symbols.map { _ in KlineInterval.allCases.map { SimKline(interval: $0) } }
        lastTop = symbols.map { _ in (nil, nil) }
        funding = symbols.map { SimFunding(symbol: $0, period: fundingPeriod) }
        lastFair = symbols.map { _ in 0 }
        tradeStreams = symbols.map { ($0.name.lowercased() + "@aggTrade", $0.name.lowercased() + "@tradepro") }
        depthStreams = symbols.map { symbol in
            Self.depthSpeeds.map { speed in
                let lower = symbol.name.lowercased()
                return ["\(lower)@depth\(speed.suffix)"] + [5, 10, 20].map { "\(lower)@depth\($0)\(speed.suffix)" }
            }
        }
        for i in funding.indices {
            // A settled past: thirty intervals of funding near the interest rate.
            let period = funding[i].period
            for k in (1...30).reversed() {
                let noise = Int.random(in: 0..<4, using: &self.random) == 0 ? Int64.random(in: -30...60, using: &self.random) : 0
                funding[i].history.append(SimFundingRecord(
                    symbol: symbols[i].name, rate: funding[i].interest + ExactDecimal(mantissa: noise, scale: 7),
                    time: (start / period - Int64(k) + 1) * period))
            }
        }
        // Warm up a second at a time, with nobody listening: the book, stats and klines get a past.
        var t = start
        while t < now {
            t += 1_000
            _ = advance(to: t, steps: 5 * symbols.count, isWanted: { _ in false })
        }
        settlements = []   // settled before any account existed

    }

    /// Closed klines of `symbol` and `interval` (plus the open one), oldest first.
    public func klineHistory(symbol: String, interval: KlineInterval, limit: Int) -> [Kline] {
        guard let i = markets.firstIndex(where: { $0.symbol.name == symbol.uppercased() }),
              let k = klines[i].first(where: { $0.interval == interval }) else { return [] }
        return Array((k.history + (k.current.map { [$0] } ?? [])).suffix(limit))
    }

    /// Mark (or index) price candles of `symbol` of `interval`, oldest first.
    public func priceKlines(symbol: String, interval: KlineInterval, index: Bool) -> [SimPriceCandle] {
        guard let i = markets.firstIndex(where: { $0.symbol.name == symbol.uppercased() }) else { return [] }
        let series = index ? funding[i].indexSeries : funding[i].mark
        return series.candles(length: interval.milliseconds ?? 60_000)
    }

    /// Every kline of `symbol` and `interval` kept (closed ones and the open one), oldest first.
    public func klines(symbol: String, interval: KlineInterval) -> [Kline] {
        klineHistory(symbol: symbol, interval: interval, limit: Int.max)
    }

    /// Each symbol's funding configuration: interest per interval, interval hours and the
    /// rate's cap (the floor is its negative).
    public func fundingConfigs() -> [(symbol: String, interest: ExactDecimal, hours: Int, cap: ExactDecimal)] {
        markets.indices.map { (markets[$0].symbol.name, funding[$0].interest, markets[$0].symbol.fundingIntervalHours, funding[$0].cap) }
    }

    /// Settled funding rates of every symbol, oldest first.
    public func fundingHistory() -> [SimFundingRecord] {
        funding.flatMap(\.history).sorted { ($0.time, $0.symbol) < ($1.time, $1.symbol) }
    }

    /// Recent trades of `symbol`, oldest first.
    public func recentTrades(symbol: String) -> [AggregateTrade] {
        market(symbol)?.recentTrades ?? []
    }

    /// Takes liquidity for a client order: buys from the asks (sells to the bids) at prices no
    /// worse than `limit` until `quantity` is filled, client orders in the book included, in
    /// queue order. The trades are streamed at the next advance.
    ///
    /// - Returns: the trades, the quantity left, and the fills of the client orders it reached.
    public mutating func takeLiquidity(symbol: String, buy: Bool, limit: ExactDecimal?, quantity: ExactDecimal)
        -> (trades: [AggregateTrade], remaining: ExactDecimal, makerFills: [SimMakerFill]) {
        guard let i = markets.firstIndex(where: { $0.symbol.name == symbol }) else { return ([], quantity, []) }
        let before = markets[i].drainMakerFills()
        let result = markets[i].take(buy: buy, limit: limit, quantity: quantity, now: now)
        pendingTrades += result.trades.map { (i, $0) }
        pendingMakerFills += before
        return (result.trades, result.remaining, markets[i].drainMakerFills())
    }

    /// Rests a client limit order of `account` in `symbol`'s book at `price`, behind what is there.
    public mutating func rest(symbol: String, account: Int, orderId: Int64, buy: Bool, price: ExactDecimal, quantity: ExactDecimal) {
        guard let i = markets.firstIndex(where: { $0.symbol.name == symbol }), quantity > .zero else { return }
        markets[i].rest(SimRestingOrder(account: account, orderId: orderId, quantity: quantity), buy: buy, price: price)
    }

    /// Takes a resting client order out of the book; the quantity it had resting, or `nil`.
    @discardableResult
    public mutating func removeResting(symbol: String, orderId: Int64, buy: Bool, price: ExactDecimal) -> ExactDecimal? {
        guard let i = markets.firstIndex(where: { $0.symbol.name == symbol }) else { return nil }
        return markets[i].removeResting(orderId: orderId, buy: buy, price: price)
    }

    /// Changes a resting client order's quantity where it stands in the queue; `false` when it is not resting.
    public mutating func resizeResting(symbol: String, orderId: Int64, buy: Bool, price: ExactDecimal, to quantity: ExactDecimal) -> Bool {
        guard let i = markets.firstIndex(where: { $0.symbol.name == symbol }) else { return false }
        return markets[i].resizeResting(orderId: orderId, buy: buy, price: price, to: quantity)
    }

    /// Funding settlements since the last call, in time order.
    public mutating func drainSettlements() -> [SimFundingSettlement] {
        defer { settlements = [] }
        return settlements
    }

    /// Fills of resting client orders by the market's takers since the last call, in order.
    public mutating func drainMakerFills() -> [SimMakerFill] {
        for i in markets.indices { pendingMakerFills += markets[i].drainMakerFills() }
        defer { pendingMakerFills = [] }
        return pendingMakerFills
    }

    /// The quantity resting on the opposite side at prices no worse than `limit`.
    public func available(symbol: String, buy: Bool, limit: ExactDecimal?) -> ExactDecimal {
        guard let m = market(symbol) else { return .zero }
        return (buy ? m.asks : m.bids).levels.lazy
            .prefix { limit == nil || (buy ? $0.price <= limit! : $0.price >= limit!) }
            .reduce(ExactDecimal.zero) { $0 + $1.quantity }
    }

    /// Every symbol's top of book and mark price, for the demo account.
    public func quotes() -> [SimQuote] {
        markets.indices.compactMap { i in
            let m = markets[i]
            guard let bid = m.bids.best?.price, let ask = m.asks.best?.price else { return nil }
            return SimQuote(symbol: m.symbol.name, bid: bid, ask: ask, mark: markPrice(i).markPrice,
                            tickSize: m.symbol.tickSize, lotSize: m.symbol.lotSize, last: m.lastPrice)
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

    private func mid(_ i: Int) -> ExactDecimal {
        let m = markets[i]
        if let b = m.bids.best?.price, let a = m.asks.best?.price {
            return ((b + a) * ExactDecimal(mantissa: 5, scale: 1)).rounded(scale: Int(m.symbol.tickSize.scale) + 1)
        }
        return m.lastPrice
    }

    private func markPrice(_ i: Int) -> MarkPriceUpdate {
        let f = funding[i]
        let index = f.index.isZero ? markets[i].fairPrice : f.index
        let mark = f.markPrice.isZero ? mid(i) : f.markPrice
        return MarkPriceUpdate(eventTime: now, symbol: markets[i].symbol.name, markPrice: mark, indexPrice: index,
                               estimatedSettlePrice: index, fundingRate: f.estimatedRate,
                               nextFundingTime: f.nextFundingTime(now))
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
        for i in funding.indices {
            // At the scheduled time, at the rate published for the interval (before this tick's sample).
            if let settled = funding[i].settle(now: now, mark: markPrice(i).markPrice) { settlements.append(settled) }
        }
        for i in markets.indices {
            // Book changes are kept only for the depth speeds someone listens to.
            markets[i].setDiffChannels(recording: depthStreams[i].map { $0.contains(where: isWanted) })
            markets[i].moveFair(to: now, random: &random)
            // A paused market (no steps) keeps its book still.
            if steps > 0 { pendingTrades += markets[i].requote(random: &random, now: now).map { (i, $0) } }
        }
        let pending = pendingTrades
        pendingTrades = []
        for s in 0..<(steps + pending.count) {
            let i: Int
            let trades: [AggregateTrade]
            if s < pending.count {
                (i, trades) = (pending[s].market, [pending[s].trade])
            } else {
                i = Int.random(in: 0..<markets.count, using: &random)
                trades = markets[i].step(random: &random, now: now)
            }
            guard !trades.isEmpty else { continue }
            let lower = markets[i].symbol.name.lowercased()
            for t in trades {
                let notional = (t.price * t.quantity).rounded(scale: 8)
                stats[i].record(t, notional: notional)
                for k in klines[i].indices {
                    if let closed = klines[i][k].record(t, notional: notional),
                       isWanted("\(lower)@kline_\(closed.interval.wireValue)") {
                        let e = KlineEvent(eventTime: now, symbol: closed.symbol, kline: closed)
                        out.append(SimOutgoing(stream: "\(lower)@kline_\(closed.interval.wireValue)", payload: SimPayload.kline(e)))
                    }
                }
                if isWanted(tradeStreams[i].aggTrade) {
                    out.append(SimOutgoing(stream: tradeStreams[i].aggTrade, payload: SimPayload.aggTrade(t)))
                }
                if isWanted(tradeStreams[i].tradePro) {
                    out.append(SimOutgoing(stream: tradeStreams[i].tradePro, payload: SimPayload.tradePro(t)))
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

    /// The diff depth speeds: channel, period (ms) and stream-name suffix.
    private static let depthSpeeds: [(channel: Int, period: Int64, suffix: String)] = [
        (0, 100, "@100ms"), (1, 250, ""), (2, 500, "@500ms"),
    ]

    private mutating func emitDepth(into out: inout [SimOutgoing], _ isWanted: (String) -> Bool) {
        for (channel, period, _) in Self.depthSpeeds where due(period, "depth\(channel)") {
            for i in markets.indices {
                guard let diff = markets[i].flushDepth(channel: channel, eventTime: now) else { continue }
                let names = depthStreams[i][channel]
                if isWanted(names[0]) {
                    out.append(SimOutgoing(stream: names[0], payload: SimPayload.depth(diff)))
                }
                for (levels, name) in zip([5, 10, 20], names.dropFirst()) where isWanted(name) {
                    let payload = SimPayload.depth(diff, bids: Array(markets[i].bids.top(levels)),
                                                   asks: Array(markets[i].asks.top(levels)))
                    out.append(SimOutgoing(stream: name, payload: payload))
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
            for i in funding.indices {
                funding[i].sample(now: now, fair: markets[i].fairPrice, mid: mid(i),
                                  basisStep: Int64.random(in: -2...2, using: &random))
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
        for i in markets.indices {
            // Liquidations follow moves: a fall of the fair price over the last second liquidates
            // longs (sell orders), a rise shorts; the bigger the move, the likelier and larger.
            let fair = markets[i].fairTicks
            let move = lastFair[i] > 0 ? (fair - lastFair[i]) / lastFair[i] : 0
            lastFair[i] = fair
            let strength = min(abs(move) * 10_000 / 5, 1)   // 5 bp in a second: certain
            guard Double.random(in: 0..<1, using: &random) < 0.03 + strength else { continue }
            let m = markets[i]
            let sell = move == 0 ? Bool.random(using: &random) : move < 0
            guard let level = sell ? m.bids.best : m.asks.best else { continue }
            let size = Int(Double(Int.random(in: 10...500, using: &random)) * (1 + 8 * strength))
            let qty = m.symbol.lotSize * ExactDecimal(size)
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
