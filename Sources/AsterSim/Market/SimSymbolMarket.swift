import AsterKit

/// The order book and trade flow of one simulated symbol, driven by random order flow.
///
/// Every book change gets the next update id; ``flushDepth(eventTime:)`` turns the changes since
/// the last flush into one diff event whose `U`/`u`/`pu` chain exactly as the spec requires, and
/// ``snapshot(limit:)`` is consistent with that chain. Market orders trade through levels and
/// produce aggregate trades at each price they hit.
public struct SimSymbolMarket: Sendable {
    /// The contract.
    public let symbol: SimSymbol
    /// Bids, best first.
    public private(set) var bids = SimBookSide(isBid: true)
    /// Asks, best first.
    public private(set) var asks = SimBookSide(isBid: false)
    /// Id of the latest book change.
    public private(set) var updateId: Int64 = 1_000
    /// Price of the last trade.
    public private(set) var lastPrice: ExactDecimal
    /// One diff chain per depth speed (100 ms, 250 ms, 500 ms): each has its own `U`/`u`/`pu`.
    private var channels = [DiffChannel](repeating: DiffChannel(lastEmitted: 1_000), count: 3)
    private var nextAggregateId: Int64 = 1
    private var nextTradeId: Int64 = 1

    /// Creates a market with `depth` levels a side around the start price.
    public init(symbol: SimSymbol, depth: Int = 60, random: inout SeededGenerator) {
        self.symbol = symbol
        lastPrice = symbol.startPrice
        for i in 1...depth {
            let offset = symbol.tickSize * ExactDecimal(i)
            change(bid: true, price: symbol.startPrice - offset, quantity: randomQuantity(&random))
            change(bid: false, price: symbol.startPrice + offset, quantity: randomQuantity(&random))
        }
        channels = [DiffChannel](repeating: DiffChannel(lastEmitted: updateId), count: 3)
    }

    private func randomQuantity(_ random: inout SeededGenerator) -> ExactDecimal {
        symbol.lotSize * ExactDecimal(Int.random(in: 1...400, using: &random))
    }

    private mutating func change(bid: Bool, price: ExactDecimal, quantity: ExactDecimal) {
        updateId += 1
        let q = quantity.isNegative ? ExactDecimal.zero : quantity
        if bid { bids.set(price, q) } else { asks.set(price, q) }
        for i in channels.indices { channels[i].record(id: updateId, bid: bid, price: price, quantity: q) }
    }

    /// One random action: add liquidity, cancel some, or send a market order that trades.
    ///
    /// - Returns: the aggregate trades the action caused (empty unless it traded).
    public mutating func step(random: inout SeededGenerator, now: Int64) -> [AggregateTrade] {
        let roll = Int.random(in: 0..<100, using: &random)
        let bid = Bool.random(using: &random)
        if roll < 55 || (bid ? bids.levels.count : asks.levels.count) < 20 {
            addLiquidity(bid: bid, random: &random)
            return []
        } else if roll < 85 {
            cancel(bid: bid, random: &random)
            return []
        }
        return marketOrder(buy: bid, random: &random, now: now)
    }

    private mutating func addLiquidity(bid: Bool, random: inout SeededGenerator) {
        let reference = (bid ? bids.best?.price : asks.best?.price) ?? lastPrice
        let opposite = bid ? asks.best?.price : bids.best?.price
        // Makers mostly join or improve the best price, so spreads stay a few ticks wide.
        let offset = Int.random(in: 0..<100, using: &random) < 35
            ? -Int.random(in: 1...6, using: &random) : Int.random(in: 0...25, using: &random)
        var price = bid ? reference - symbol.tickSize * ExactDecimal(offset) : reference + symbol.tickSize * ExactDecimal(offset)
        if let opposite, bid ? price >= opposite : price <= opposite {
            price = bid ? opposite - symbol.tickSize : opposite + symbol.tickSize
        }
        guard !price.isNegative, !price.isZero else { return }
        let side = bid ? bids : asks
        change(bid: bid, price: price, quantity: side.quantity(at: price) + randomQuantity(&random))
    }

    private mutating func cancel(bid: Bool, random: inout SeededGenerator) {
        let side = bid ? bids : asks
        guard !side.levels.isEmpty else { return }
        let level = side.levels[Int.random(in: 0..<min(side.levels.count, 40), using: &random)]
        let remove = Bool.random(using: &random)
        let remaining = remove ? ExactDecimal.zero : (level.quantity * ExactDecimal(mantissa: 5, scale: 1))
            .rounded(toMultipleOf: symbol.lotSize, rule: .down)
        change(bid: bid, price: level.price, quantity: remaining)
    }

    private mutating func marketOrder(buy: Bool, random: inout SeededGenerator, now: Int64) -> [AggregateTrade] {
        var remaining = randomQuantity(&random)
        var trades: [AggregateTrade] = []
        while !remaining.isZero, let best = buy ? asks.best : bids.best {
            let fill = min(remaining, best.quantity)
            remaining -= fill
            change(bid: !buy, price: best.price, quantity: best.quantity - fill)
            trades.append(AggregateTrade(
                eventTime: now, symbol: symbol.name, aggregateTradeId: nextAggregateId, price: best.price,
                quantity: fill, firstTradeId: nextTradeId, lastTradeId: nextTradeId, tradeTime: now,
                buyerIsMaker: !buy))
            nextAggregateId += 1
            nextTradeId += 1
            lastPrice = best.price
        }
        return trades
    }

    /// The diff of every change since the last flush of `channel`, or `nil` when nothing changed.
    ///
    /// - Parameters:
    ///   - channel: 0, 1 or 2 for the 100 ms, 250 ms and 500 ms streams; each chains on its own.
    ///   - eventTime: the event time to stamp.
    public mutating func flushDepth(channel: Int = 1, eventTime: Int64) -> DepthUpdate? {
        channels[channel].flush(symbol: symbol.name, lastId: updateId, eventTime: eventTime)
    }

    /// `u` of the last diff emitted on `channel`.
    public func lastEmittedUpdateId(channel: Int = 1) -> Int64 { channels[channel].lastEmitted }

    /// A REST-style snapshot: the book now and the id of the latest change it includes.
    public func snapshot(limit: Int) -> (lastUpdateId: Int64, bids: [PriceLevel], asks: [PriceLevel]) {
        (updateId, Array(bids.top(limit)), Array(asks.top(limit)))
    }
}

/// The changes one diff stream has not sent yet.
struct DiffChannel: Sendable {
    var lastEmitted: Int64
    var firstPending: Int64?
    var bids: [ExactDecimal: ExactDecimal] = [:]
    var asks: [ExactDecimal: ExactDecimal] = [:]

    init(lastEmitted: Int64) { self.lastEmitted = lastEmitted }

    mutating func record(id: Int64, bid: Bool, price: ExactDecimal, quantity: ExactDecimal) {
        if firstPending == nil { firstPending = id }
        if bid { bids[price] = quantity } else { asks[price] = quantity }
    }

    mutating func flush(symbol: String, lastId: Int64, eventTime: Int64) -> DepthUpdate? {
        guard let first = firstPending else { return nil }
        let update = DepthUpdate(
            eventTime: eventTime, transactionTime: eventTime, symbol: symbol, firstUpdateId: first,
            finalUpdateId: lastId, previousFinalUpdateId: lastEmitted,
            bids: bids.map { PriceLevel(price: $0.key, quantity: $0.value) }.sorted { $0.price > $1.price },
            asks: asks.map { PriceLevel(price: $0.key, quantity: $0.value) }.sorted { $0.price < $1.price })
        lastEmitted = lastId
        firstPending = nil
        bids = [:]
        asks = [:]
        return update
    }
}
