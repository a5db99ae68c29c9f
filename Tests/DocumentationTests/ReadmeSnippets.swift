// The README's Swift examples, each verbatim inside a function (with what it needs from the
// surrounding prose as parameters), so the suite compiles them. `ReadmeTests` checks that every
// ```swift block of the README stands here verbatim: an example that stops compiling, or a README
// edit not copied here, fails the tests. These functions are compiled, never run (they would
// connect to the real exchange).
import AsterKit
import ServiceLifecycle

// swiftlint:disable all

/// The README's first library example: one client, several consumers, live changes.
func readmeStreamClient() async throws {
    let client = StreamClient(base: AsterEndpoint.productionWebSocket,
                              streams: [.aggTrade(symbol: "btcusdt"), .bookTicker(symbol: "btcusdt"), .allMarkPrices(everySecond: true)])
    let trades = client.aggregateTrades()            // one consumer…
    let tops = client.bookTickers(bufferLimit: 1)    // …another, keeping only the newest
    let marks = client.markPrices()                  // `!markPrice@arr` split into single updates
    let states = client.states()                     // ConnectionUpdate: which connection (#shard.generation), its state, its streams

    // In a server: ServiceGroup(services: [client], gracefulShutdownSignals: [.sigterm], logger: logger).run()
    try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await client.run() }
        group.addTask { for await s in states { print(s) } }   // #0.1 connecting, #0.1 connected, #0.1 subscribed to 3 streams …
        for await t in trades { print(t.price, t.quantity) }
    }
    try await client.subscribe([.diffDepth(symbol: "ethusdt")])   // live, matched to its reply by id; kept across reconnects
    client.statistics     // frames, bytes, decode errors, skipped array elements, drops, reconnects, rollovers, stale disconnects, last-frame age, round trip
    client.rates()        // frames/s and bytes/s over the last second
}

/// Local order books fed by the client.
func readmeOrderBooks(group: inout ThrowingTaskGroup<Void, any Error>) async throws {
    let rest = RESTClient(baseURL: AsterEndpoint.productionREST)
    let books = OrderBookManager(symbols: ["BTCUSDT", "ETHUSDT"], rest: rest)
    let client = StreamClient(base: AsterEndpoint.productionWebSocket,
                              streams: OrderBookManager.streams(symbols: ["BTCUSDT", "ETHUSDT"]))
    let events = client.events()
    group.addTask { try await client.run() }
    group.addTask { await books.run(events) }        // ends with the client
    let book = await books.book("BTCUSDT")          // .bestBid, .spread, .mid, .imbalance(), .snapshot(levels: 20)
    let status = await books.status("BTCUSDT")      // .state, .resyncs, .updatesApplied
}

/// Typed REST market data.
func readmeREST(rest: RESTClient) async throws {
    let info = try await rest.exchangeInfo()                      // .symbol("BTCUSDT")?.filters.minNotional
    let hour = try await rest.klines(symbol: "BTCUSDT", interval: .oneMinute, limit: 60, version: .v3)
    let tops = try await rest.bookTickers()                       // every symbol's best bid and ask
}

/// Every event of one client, in order.
func readmeEvents() async throws {
    // Typed stream names build and check the wire names.
    let streams: [StreamName] = [.aggTrade(symbol: "BTCUSDT"), .partialDepth(symbol: "ethusdt", levels: .twenty, speed: .ms100),
                                 .allTickers, .kline(symbol: "btcusdt", interval: .oneMinute)]

    // One client: messages, decode failures (counted, never fatal) and state changes, in order.
    let client = StreamClient(base: AsterEndpoint.productionWebSocket, streams: streams)
    let events = client.events()
    try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await client.run() }          // until the group is cancelled
        for await event in events {
            switch event {
            case .message(let message):
                switch message.event {
                case .aggregateTrade(let t): print(t.symbol, t.takerSide, t.quantity, "@", t.price)
                case .depth(let d): print(d.symbol, "best bid", d.bids.first?.price ?? .zero)
                case .tickers(let all): print(all.count, "tickers")
                case .kline(let k): print(k.kline.interval, k.kline.close)
                default: break
                }
            case .decodeFailure(let failure): print("bad frame:", failure)
            case .state(let update): print("connection:", update)   // #0.1 connecting, #0.1 connected, … reconnecting #n
            }
        }
    }
}

/// Live requests and sharding.
func readmeLiveRequests(client: StreamClient, fourHundredStreams: [StreamName]) async throws {
    try await client.subscribe([.bookTicker(symbol: "ethusdt")])      // waits for {"result":null,"id":…}
    try await client.listSubscriptions()                                // ["btcusdt@aggTrade", …, "ethusdt@bookTicker"]
    let many = StreamClient(base: AsterEndpoint.productionWebSocket, streams: fourHundredStreams)   // 2 connections
}

/// The decoder on its own.
func readmeDecoder(text: String) throws {
    let message = try EventDecoder().decode(text)   // raw payload, {"stream","data"} wrapper, or an array
    message.stream                                  // "btcusdt@depth20@100ms" for combined streams
    message.event                                   // .aggregateTrade, .depth, .tickers, .orderTradeUpdate, …, .unknown(raw)
}

/// Trading with the safety rules.
func readmeTrading(user: String, signer: String, key: String) async throws {
    let account = AccountClient(rest: RESTClient(baseURL: AsterEndpoint.productionREST),
                                credentials: .agent(user: user, signer: signer, privateKey: Secret(key)))   // V3, or .hmac (V1)
    let trading = TradingClient(account: account)
    let order = NewOrder.limit("ETHUSDT", .buy, quantity: ExactDecimal("0.5")!, price: ExactDecimal("3300")!)
    print(order)                                   // BUY LIMIT 0.5 ETHUSDT @ 3300 GTC (id ak-…): a value to inspect or log
    let placed = try await trading.place(order)    // checked, sent once, the order as the exchange reports it
    let same = try await trading.order(symbol: "ETHUSDT", clientOrderId: order.clientOrderId)
    _ = try await trading.cancel(symbol: "ETHUSDT", clientOrderId: order.clientOrderId)
    let results = try await trading.place(batch: [order, order])   // up to 5, one result per order
    _ = try await trading.setLeverage(symbol: "ETHUSDT", 10)
    try await trading.countdownCancelAll(symbol: "ETHUSDT", countdown: .seconds(120))   // a dead man's switch
    let closing = try await trading.closePosition(symbol: "ETHUSDT")
}

/// Replay as time travel: a consumer of one's own and the player.
actor LastBook: ReplayConsumer {
    var bids: [PriceLevel] = []
    func replay(_ events: [(event: StreamEvent, receivedAt: Int64)]) {
        for (event, _) in events {
            if case .message(let m) = event, case .depth(let d) = m.event { bids = d.bids }
        }
    }
    func keyframe() -> [PriceLevel] { bids }
    func restore(_ keyframe: [PriceLevel]?) { bids = keyframe ?? [] }
}

func travel() async throws {
    let (index, note) = try ReplayIndex.open(for: "btc.rec")   // FILE.idx, built on first open
    if let note { print(note) }                                 // why it was rebuilt
    let book = LastBook()
    let player = ReplayPlayer(path: "btc.rec", index: index, consumer: book, speed: 4)
    await withTaskGroup(of: Void.self) { group in
        group.addTask { await player.run() }
        await player.perform(.seekTo(index.lastTime ?? 0))   // the book at the end
        await player.perform(.seek(by: -60_000))             // a minute before
        await player.perform(.step)                          // paused, the next frame
        print(await player.status().time, await book.bids.first?.price as Any)
        group.cancelAll()
    }
}
