import AsterTestSupport
import AsterKit
@testable import AsterSim
import Testing

/// An independent consumer written from the spec's "How to manage a local order book correctly",
/// with plain dictionaries: it checks the simulator's diff chain and snapshot consistency.
struct SpecBookConsumer {
    var bids: [ExactDecimal: ExactDecimal] = [:]
    var asks: [ExactDecimal: ExactDecimal] = [:]
    var lastU: Int64?
    var snapshotId: Int64

    init(snapshotId: Int64, bids: [PriceLevel], asks: [PriceLevel]) {
        self.snapshotId = snapshotId
        for l in bids { self.bids[l.price] = l.quantity }
        for l in asks { self.asks[l.price] = l.quantity }
    }

    /// Applies one event; returns false when the chain is broken (a resync would be needed).
    mutating func apply(_ e: DepthUpdate) -> Bool {
        if lastU == nil {
            if e.finalUpdateId < snapshotId { return true }  // step 4: drop
            guard e.firstUpdateId <= snapshotId && e.finalUpdateId >= snapshotId else { return false }  // step 5
        } else if e.previousFinalUpdateId != lastU {
            return false  // step 6
        }
        for l in e.bids { bids[l.price] = l.quantity.isZero ? nil : l.quantity }
        for l in e.asks { asks[l.price] = l.quantity.isZero ? nil : l.quantity }
        lastU = e.finalUpdateId
        return true
    }
}

@Suite("Simulator market model")
struct SimMarketTests {
    @Test("diffs chain U/u/pu and rebuild the book exactly from a snapshot taken mid-stream")
    func diffChainRebuildsBook() {
        var random = SeededGenerator(seed: 7)
        var market = SimSymbolMarket(symbol: SimSymbol.defaults[0], random: &random)
        var events: [DepthUpdate] = []
        var snapshot: (lastUpdateId: Int64, bids: [PriceLevel], asks: [PriceLevel])?
        var eventsBeforeSnapshot = 0
        for tick in 0..<2_000 {
            _ = market.step(random: &random, now: Int64(tick))
            if tick == 1_000 {
                snapshot = market.snapshot(limit: 10_000)  // taken between flushes, with changes pending
                eventsBeforeSnapshot = events.count
            }
            if tick % 7 == 0, let e = market.flushDepth(eventTime: Int64(tick)) { events.append(e) }
        }
        if let e = market.flushDepth(eventTime: 2_000) { events.append(e) }
        for (a, b) in zip(events, events.dropFirst()) {
            #expect(b.previousFinalUpdateId == a.finalUpdateId && b.firstUpdateId == a.finalUpdateId + 1)
        }
        let snap = try! #require(snapshot)
        var consumer = SpecBookConsumer(snapshotId: snap.lastUpdateId, bids: snap.bids, asks: snap.asks)
        // Events buffered before the snapshot arrive too, as they would on a live socket.
        for e in events {
            let applied = consumer.apply(e)
            #expect(applied)
        }
        #expect(eventsBeforeSnapshot > 0)
        let final = market.snapshot(limit: 10_000)
        #expect(consumer.bids == Dictionary(uniqueKeysWithValues: final.bids.map { ($0.price, $0.quantity) }))
        #expect(consumer.asks == Dictionary(uniqueKeysWithValues: final.asks.map { ($0.price, $0.quantity) }))
        #expect(consumer.lastU == final.lastUpdateId)
    }

    @Test("a dropped diff breaks the chain where the spec says to resync")
    func gapIsDetectable() {
        var random = SeededGenerator(seed: 11)
        var market = SimSymbolMarket(symbol: SimSymbol.defaults[1], random: &random)
        for t in 0..<5 { _ = market.step(random: &random, now: Int64(t)) }
        let snap = market.snapshot(limit: 1_000)  // with changes not yet flushed: the first diff covers it
        var consumer = SpecBookConsumer(snapshotId: snap.lastUpdateId, bids: snap.bids, asks: snap.asks)
        var results: [Bool] = []
        for round in 0..<5 {
            for t in 0..<20 { _ = market.step(random: &random, now: Int64(round * 20 + t)) }
            guard let e = market.flushDepth(eventTime: Int64(round)) else { continue }
            if round == 2 { continue }  // the gap
            results.append(consumer.apply(e))
        }
        #expect(results == [true, true, false, false])
    }

    @Test("books never cross; trades happen at book prices; the same seed gives the same market")
    func sanityAndDeterminism() {
        func run(seed: UInt64) -> [AggregateTrade] {
            var random = SeededGenerator(seed: seed)
            var market = SimSymbolMarket(symbol: SimSymbol.defaults[2], random: &random)
            var trades: [AggregateTrade] = []
            for t in 0..<3_000 {
                let best = (market.bids.best?.price, market.asks.best?.price)
                let new = market.step(random: &random, now: Int64(t))
                for trade in new {
                    #expect(trade.quantity > .zero)
                    if trade.buyerIsMaker { #expect(trade.price <= best.0!) } else { #expect(trade.price >= best.1!) }
                }
                trades += new
                if let b = market.bids.best?.price, let a = market.asks.best?.price { #expect(b < a) }
            }
            return trades
        }
        let first = run(seed: 42)
        #expect(first.count > 100)
        #expect(first == run(seed: 42))
        #expect(first != run(seed: 43))
    }

    @Test("each tick runs the order-flow actions due since the last one: late ticks lose nothing, a stall is made up for at most 100 ms")
    func orderFlowKeepsItsRate() {
        let start = ContinuousClock.now
        var flow = SimOrderFlow(rate: 600_000, start: start)
        var now = start
        var total = 0
        // Ticks that wake 0-15 ms late (a loaded machine): every action due is run.
        for late in [0, 3, 15, 1, 7, 0, 12, 2] {
            now = now + .milliseconds(10 + late)
            total += flow.due(at: now)
        }
        #expect(total == 600 * (80 + 40))
        // Fractions carry over: 7 actions a second, ticked every 10 ms for a second, make 7.
        var slow = SimOrderFlow(rate: 7, start: start)
        #expect((1...100).reduce(0) { sum, i in sum + slow.due(at: start + .milliseconds(10 * i)) } == 7)
        // A 2 s stall is made up for 100 ms' worth only (no burst of 1.2 million actions).
        #expect(flow.due(at: now + .seconds(2)) == 60_000)
    }
}
