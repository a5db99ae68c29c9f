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
    /// `u` of the last diff event emitted.
    public private(set) var lastEmittedUpdateId: Int64 = 1_000
    /// Price of the last trade.
    public private(set) var lastPrice: ExactDecimal
    private var firstPendingId: Int64?
    private var pendingBids: [ExactDecimal: ExactDecimal] = [:]
    private var pendingAsks: [ExactDecimal: ExactDecimal] = [:]
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
        firstPendingId = nil
        pendingBids = [:]
        pendingAsks = [:]
        lastEmittedUpdateId = updateId
    }

    private func randomQuantity(_ random: inout SeededGenerator) -> ExactDecimal {
        symbol.lotSize * ExactDecimal(Int.random(in: 1...400, using: &random))
    }

    private mutating func change(bid: Bool, price: ExactDecimal, quantity: ExactDecimal) {
        updateId += 1
        if firstPendingId == nil { firstPendingId = updateId }
        if bid {
            bids.set(price, quantity)
            pendingBids[price] = quantity.isNegative ? .zero : quantity
        } else {
            asks.set(price, quantity)
            pendingAsks[price] = quantity.isNegative ? .zero : quantity
        }
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
        let ticks = ExactDecimal(Int.random(in: 0...25, using: &random))
        let opposite = bid ? asks.best?.price : bids.best?.price
        var price = bid ? reference - symbol.tickSize * ticks : reference + symbol.tickSize * ticks
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

    /// The diff of every change since the last flush, or `nil` when nothing changed.
    public mutating func flushDepth(eventTime: Int64) -> DepthUpdate? {
        guard let first = firstPendingId else { return nil }
        let update = DepthUpdate(
            eventTime: eventTime, transactionTime: eventTime, symbol: symbol.name, firstUpdateId: first,
            finalUpdateId: updateId, previousFinalUpdateId: lastEmittedUpdateId,
            bids: pendingBids.map { PriceLevel(price: $0.key, quantity: $0.value) }.sorted { $0.price > $1.price },
            asks: pendingAsks.map { PriceLevel(price: $0.key, quantity: $0.value) }.sorted { $0.price < $1.price })
        lastEmittedUpdateId = updateId
        firstPendingId = nil
        pendingBids = [:]
        pendingAsks = [:]
        return update
    }

    /// A REST-style snapshot: the book now and the id of the latest change it includes.
    public func snapshot(limit: Int) -> (lastUpdateId: Int64, bids: [PriceLevel], asks: [PriceLevel]) {
        (updateId, Array(bids.top(limit)), Array(asks.top(limit)))
    }
}
