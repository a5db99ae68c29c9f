import AsterKit
import Foundation

/// The order book and trade flow of one simulated symbol, driven by random order flow around a
/// fair price that follows a random walk with the symbol's volatility.
///
/// Every book change gets the next update id; ``flushDepth(eventTime:)`` turns the changes since
/// the last flush into one diff event whose `U`/`u`/`pu` chain exactly as the spec requires, and
/// ``snapshot(limit:)`` is consistent with that chain. Makers quote around the fair price; when it
/// moves, new quotes cross the stale side and trade through it (so the last price follows the fair
/// one), and takers send market orders that trade through levels. Each aggregate trade is one
/// trade id; the last ``tradeMemory`` are kept for `trades`, `historicalTrades` and `aggTrades`.
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
    /// The fair (spot) price in ticks: a geometric random walk with the symbol's volatility.
    public private(set) var fairTicks: Double
    /// Recent trades, oldest first (at most `2 * tradeMemory`, at least `tradeMemory` once full).
    public private(set) var recentTrades: [AggregateTrade] = []
    /// One diff chain per depth speed (100 ms, 250 ms, 500 ms): each has its own `U`/`u`/`pu`.
    private var channels = [DiffChannel](repeating: DiffChannel(lastEmitted: 1_000), count: 3)
    /// Which diff chains record book changes (all by default; see ``setDiffChannels(recording:)``).
    private var recording = [true, true, true]
    private var nextAggregateId: Int64 = 1
    private var nextTradeId: Int64 = 1
    private var fairTime: Int64?
    /// Volatility multiplier of the current regime (quiet spell, normal, burst) and its end.
    private var regime = 1.0
    private var regimeUntil: Int64 = 0
    /// How far from the fair price makers quote, in ticks (about three one-second moves).
    private let makerWidth: Double
    /// The queues of the levels that hold client orders (see ``SimLevelQueue``).
    private(set) var bidQueues: [ExactDecimal: SimLevelQueue] = [:]
    private(set) var askQueues: [ExactDecimal: SimLevelQueue] = [:]
    /// Fills of client orders resting here, since the last ``drainMakerFills()``.
    public private(set) var makerFills: [SimMakerFill] = []

    /// Trades kept for the REST trade lists.
    public static let tradeMemory = 1_000
    static let millisecondsPerYear = 31_536_000_000.0

    /// Creates a market with `depth` levels a side around the start price.
    public init(symbol: SimSymbol, depth: Int = 60, random: inout SeededGenerator) {
        self.symbol = symbol
        lastPrice = symbol.startPrice
        fairTicks = symbol.startPrice.doubleValue / symbol.tickSize.doubleValue
        let perSecond = symbol.annualVolatility * (1_000 / Self.millisecondsPerYear).squareRoot() * fairTicks
        makerWidth = max(20, 3 * perSecond)
        for i in 1...depth {
            let offset = symbol.tickSize * ExactDecimal(i)
            change(bid: true, price: symbol.startPrice - offset, quantity: randomQuantity(&random))
            change(bid: false, price: symbol.startPrice + offset, quantity: randomQuantity(&random))
        }
        channels = [DiffChannel](repeating: DiffChannel(lastEmitted: updateId), count: 3)
    }

    /// The fair price to 8 decimals (the index price follows it).
    public var fairPrice: ExactDecimal {
        ExactDecimal(mantissa: Int64((fairTicks * symbol.tickSize.doubleValue * 1e8).rounded()), scale: 8)
    }

    private func randomQuantity(_ random: inout SeededGenerator) -> ExactDecimal {
        symbol.lotSize * ExactDecimal(Int.random(in: 1...400, using: &random))
    }

    private mutating func change(bid: Bool, price: ExactDecimal, quantity: ExactDecimal) {
        updateId += 1
        let q = quantity.isNegative ? ExactDecimal.zero : quantity
        if bid { bids.set(price, q) } else { asks.set(price, q) }
        for i in channels.indices where recording[i] {
            channels[i].record(id: updateId, bid: bid, price: price, quantity: q)
        }
    }

    /// Says which diff chains (100 ms, 250 ms, 500 ms) someone listens to. A chain nobody
    /// listens to records nothing (the book's changes cost one diff per listened speed, not
    /// three); when it is listened to again it starts afresh at the current update id, so its
    /// first diff's `pu` is the id the chain restarted at and every later one chains on exactly.
    public mutating func setDiffChannels(recording wanted: [Bool]) {
        for i in channels.indices {
            let now = i < wanted.count ? wanted[i] : false
            if now && !recording[i] { channels[i] = DiffChannel(lastEmitted: updateId) }
            recording[i] = now
        }
    }

    /// Moves the fair price on to `now`: one log-normal step for the time passed, with a
    /// volatility regime that changes every 20 s to 5 min (quiet spells and bursts).
    public mutating func moveFair(to now: Int64, random: inout SeededGenerator) {
        defer { fairTime = now }
        guard let last = fairTime, now > last else { return }
        if now >= regimeUntil {
            let roll = Int.random(in: 0..<10, using: &random)
            regime = roll < 3 ? 0.45 : roll < 8 ? 1.0 : 1.8
            regimeUntil = now + Int64.random(in: 20_000...300_000, using: &random)
        }
        let sigma = symbol.annualVolatility * regime * (Double(now - last) / Self.millisecondsPerYear).squareRoot()
        let u1 = Double.random(in: Double.ulpOfOne..<1, using: &random)
        let u2 = Double.random(in: 0..<1, using: &random)
        let z = (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
        fairTicks *= exp(sigma * z - sigma * sigma / 2)
        fairTicks = max(fairTicks, 10)
    }

    /// One random action: add liquidity (which trades when it crosses the stale side), cancel
    /// some, or send a market order.
    ///
    /// - Returns: the aggregate trades the action caused (empty unless it traded).
    public mutating func step(random: inout SeededGenerator, now: Int64) -> [AggregateTrade] {
        let roll = Int.random(in: 0..<100, using: &random)
        let bid = Bool.random(using: &random)
        if roll < 55 || (bid ? bids.levels.count : asks.levels.count) < 20 {
            return addLiquidity(bid: bid, random: &random, now: now)
        } else if roll < 85 {
            cancel(bid: bid, random: &random)
            return []
        }
        var quantity = randomQuantity(&random)
        if Int.random(in: 0..<20, using: &random) == 0 { quantity = quantity * 8 }   // now and then a large one
        return take(buy: bid, limit: nil, quantity: quantity, now: now).trades
    }

    private mutating func addLiquidity(bid: Bool, random: inout SeededGenerator, now: Int64) -> [AggregateTrade] {
        // Makers quote around the fair price, most of them close to it.
        let u = Double.random(in: 0..<1, using: &random)
        let offset = Int64(makerWidth * u * u * u)
        let floorTick = Int64(fairTicks.rounded(.down))
        let tick = bid ? floorTick - offset : max(Int64(fairTicks.rounded(.up)), floorTick + 1) + offset
        guard tick > 0 else { return [] }
        return limit(buy: bid, price: symbol.tickSize * ExactDecimal(Int(tick)), quantity: randomQuantity(&random), now: now,
                     random: &random)
    }

    /// Market makers refresh a stale top of book: a side whose best price has fallen more than a
    /// few ticks behind the fair price gets a quote near it (trading through whatever is in the way).
    ///
    /// - Returns: the trades the refresh caused.
    public mutating func requote(random: inout SeededGenerator, now: Int64) -> [AggregateTrade] {
        let slack = 2 + makerWidth / 10
        var trades: [AggregateTrade] = []
        let bidTick = bids.best.map { $0.price.doubleValue / symbol.tickSize.doubleValue } ?? 0
        if fairTicks - bidTick > slack {
            let tick = Int64(fairTicks.rounded(.down)) - Int64.random(in: 0...2, using: &random)
            if tick > 0 {
                trades += limit(buy: true, price: symbol.tickSize * ExactDecimal(Int(tick)), quantity: randomQuantity(&random),
                                now: now, random: &random)
            }
        }
        let askTick = asks.best.map { $0.price.doubleValue / symbol.tickSize.doubleValue } ?? .infinity
        if askTick - fairTicks > slack {
            let tick = Int64(fairTicks.rounded(.up)) + Int64.random(in: 0...2, using: &random)
            trades += limit(buy: false, price: symbol.tickSize * ExactDecimal(Int(tick)), quantity: randomQuantity(&random),
                            now: now, random: &random)
        }
        return trades
    }

    /// A limit order from the flow: rests at `price`. Stale quotes on the other side that it would
    /// cross are mostly pulled by their makers first (as real makers cancel when the price moves);
    /// one time in four the order trades through them instead.
    private mutating func limit(buy: Bool, price: ExactDecimal, quantity: ExactDecimal, now: Int64,
                                random: inout SeededGenerator) -> [AggregateTrade] {
        if Int.random(in: 0..<4, using: &random) != 0 {
            // Client orders are not pulled: the new order trades with them.
            while let best = buy ? asks.best : bids.best, buy ? best.price <= price : best.price >= price,
                  pullFlow(bid: !buy, price: best.price) {}
        }
        let (trades, remaining) = take(buy: buy, limit: price, quantity: quantity, now: now)
        if !remaining.isZero { addFlow(bid: buy, price: price, quantity: remaining) }
        return trades
    }

    private mutating func cancel(bid: Bool, random: inout SeededGenerator) {
        let side = bid ? bids : asks
        guard !side.levels.isEmpty else { return }
        if side.levels.count > 300, let far = side.levels.last, pullFlow(bid: bid, price: far.price) {
            return   // stale quotes far from the market go
        }
        let level = side.levels[Int.random(in: 0..<min(side.levels.count, 40), using: &random)]
        let remove = Bool.random(using: &random)
        let flow = level.quantity - ((bid ? bidQueues : askQueues)[level.price]?.clientQuantity ?? .zero)
        let remaining = remove ? ExactDecimal.zero : (flow * ExactDecimal(mantissa: 5, scale: 1))
            .rounded(toMultipleOf: symbol.lotSize, rule: .down)
        removeFlow(bid: bid, price: level.price, quantity: flow - remaining)
    }

    /// Takes liquidity: buys from the asks (sells to the bids) at prices no worse than `limit`
    /// (any price when `nil`) until `quantity` is filled or the book runs out.
    ///
    /// - Returns: one aggregate trade per price level hit, and the quantity left unfilled.
    public mutating func take(buy: Bool, limit: ExactDecimal?, quantity: ExactDecimal,
                              now: Int64) -> (trades: [AggregateTrade], remaining: ExactDecimal) {
        var remaining = quantity
        var trades: [AggregateTrade] = []
        while !remaining.isZero, let best = buy ? asks.best : bids.best {
            if let limit, buy ? best.price > limit : best.price < limit { break }
            var fill = min(remaining, best.quantity)
            if var queue = (buy ? askQueues : bidQueues)[best.price] {
                // Price-time priority: the level's queue fills front to back.
                let taken = queue.take(fill)
                fill = taken.filled
                for (order, quantity) in taken.clients {
                    makerFills.append(SimMakerFill(account: order.account, orderId: order.orderId, symbol: symbol.name,
                                                   price: best.price, quantity: quantity))
                }
                setQueue(bid: !buy, price: best.price, queue)
            }
            guard fill > .zero else { break }
            remaining -= fill
            change(bid: !buy, price: best.price, quantity: best.quantity - fill)
            let trade = AggregateTrade(
                eventTime: now, symbol: symbol.name, aggregateTradeId: nextAggregateId, price: best.price,
                quantity: fill, firstTradeId: nextTradeId, lastTradeId: nextTradeId, tradeTime: now,
                buyerIsMaker: !buy)
            trades.append(trade)
            recentTrades.append(trade)
            nextAggregateId += 1
            nextTradeId += 1
            lastPrice = best.price
        }
        if recentTrades.count >= 2 * Self.tradeMemory { recentTrades.removeFirst(Self.tradeMemory) }
        return (trades, remaining)
    }

    // MARK: Client orders in the book

    private mutating func setQueue(bid: Bool, price: ExactDecimal, _ queue: SimLevelQueue?) {
        let kept = queue?.hasClients == true ? queue : nil
        if bid { bidQueues[price] = kept } else { askQueues[price] = kept }
    }

    /// Adds flow liquidity at the back of the level at `price`.
    private mutating func addFlow(bid: Bool, price: ExactDecimal, quantity: ExactDecimal) {
        if var queue = (bid ? bidQueues : askQueues)[price] {
            queue.addFlow(quantity)
            setQueue(bid: bid, price: price, queue)
        }
        change(bid: bid, price: price, quantity: (bid ? bids : asks).quantity(at: price) + quantity)
    }

    /// Takes up to `quantity` of the flow's liquidity off the level at `price`, from the back.
    private mutating func removeFlow(bid: Bool, price: ExactDecimal, quantity: ExactDecimal) {
        let total = (bid ? bids : asks).quantity(at: price)
        var removed = min(quantity, total)
        if var queue = (bid ? bidQueues : askQueues)[price] {
            removed = queue.removeFlow(quantity)
            setQueue(bid: bid, price: price, queue)
        }
        if removed > .zero { change(bid: bid, price: price, quantity: total - removed) }
    }

    /// Pulls all of the flow's liquidity at `price`; `true` when the level is gone (no client order holds it).
    private mutating func pullFlow(bid: Bool, price: ExactDecimal) -> Bool {
        let clients = (bid ? bidQueues : askQueues)[price]?.clientQuantity ?? .zero
        removeFlow(bid: bid, price: price, quantity: (bid ? bids : asks).quantity(at: price) - clients)
        return clients.isZero
    }

    /// Rests a client order at the back of the level at `price` (it must not cross the book).
    public mutating func rest(_ order: SimRestingOrder, buy: Bool, price: ExactDecimal) {
        let total = (buy ? bids : asks).quantity(at: price)
        var queue = (buy ? bidQueues : askQueues)[price] ?? SimLevelQueue(flow: total)
        queue.append(order)
        setQueue(bid: buy, price: price, queue)
        change(bid: buy, price: price, quantity: total + order.quantity)
    }

    /// Takes client order `orderId` out of the level at `price`; the quantity it had resting, or `nil`.
    @discardableResult
    public mutating func removeResting(orderId: Int64, buy: Bool, price: ExactDecimal) -> ExactDecimal? {
        guard var queue = (buy ? bidQueues : askQueues)[price], let quantity = queue.remove(orderId: orderId) else { return nil }
        setQueue(bid: buy, price: price, queue)
        change(bid: buy, price: price, quantity: (buy ? bids : asks).quantity(at: price) - quantity)
        return quantity
    }

    /// Changes a resting client order's quantity in place, keeping its place in the queue (`PUT
    /// order` that only lowers the quantity); `false` when it is not resting at `price`.
    public mutating func resizeResting(orderId: Int64, buy: Bool, price: ExactDecimal, to quantity: ExactDecimal) -> Bool {
        guard var queue = (buy ? bidQueues : askQueues)[price], let old = queue.resize(orderId: orderId, to: quantity) else { return false }
        setQueue(bid: buy, price: price, queue)
        change(bid: buy, price: price, quantity: (buy ? bids : asks).quantity(at: price) - old + quantity)
        return true
    }

    /// The quantity ahead of a resting client order in its level's queue (`nil` when it is not resting).
    public func queuePosition(orderId: Int64, buy: Bool, price: ExactDecimal) -> ExactDecimal? {
        (buy ? bidQueues : askQueues)[price]?.ahead(of: orderId)
    }

    /// The fills of client orders since the last call.
    public mutating func drainMakerFills() -> [SimMakerFill] {
        defer { makerFills = [] }
        return makerFills
    }

    /// The diff of every change since the last flush of `channel`, or `nil` when nothing changed.
    ///
    /// - Parameters:
    ///   - channel: 0, 1 or 2 for the 100 ms, 250 ms and 500 ms streams; each chains on its own.
    ///   - eventTime: the event time to stamp.
    public mutating func flushDepth(channel: Int = 1, eventTime: Int64) -> DepthUpdate? {
        guard recording[channel] else { return nil }
        return channels[channel].flush(symbol: symbol.name, lastId: updateId, eventTime: eventTime)
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
