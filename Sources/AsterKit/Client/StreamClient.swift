import Logging
import Synchronization

/// The high-level client: an actor owning the connections (sharded past 200 streams, each with
/// reconnects, a stale watchdog and rollover) or a replay, and handing out typed
/// `AsyncSequence`s per event kind that any number of consumers iterate independently.
///
/// ```swift
/// let client = StreamClient(base: AsterEndpoint.productionWebSocket,
///                           streams: [.aggTrade(symbol: "btcusdt"), .bookTicker(symbol: "btcusdt")])
/// let trades = client.aggregateTrades()          // one consumer …
/// let tops = client.bookTickers(bufferLimit: 1)  // … and another, keeping only the newest
/// Task { for await state in client.states() { print("connection:", state) } }
/// await client.start()
/// for await trade in trades { print(trade.price, trade.quantity) }
/// ```
///
/// Each feed has its own bounded buffer (see ``EventFeed``): a slow consumer loses its own
/// oldest elements, counted in ``EventFeed/dropped`` and ``statistics``, and never delays the
/// socket reader or the other consumers. Nothing connects until ``start()``: feeds made before it
/// see every event; a feed made later joins the flow from that moment.
public actor StreamClient {
    /// Where events come from.
    public enum Source: Sendable {
        /// Live combined-stream connections, sharded past 200 streams.
        case live(ShardedMarketStream)
        /// One connection to a fixed URL (a raw `/ws/<name>` endpoint, or a listen key's).
        case url(MarketStream)
        /// Recorded frames, through the same decoder.
        case replay(ReplaySource)
    }

    /// The source of events.
    public nonisolated let source: Source
    /// The buffer size of feeds made without one.
    public nonisolated let defaultBufferLimit: Int
    private nonisolated let fanOut = FanOut()
    private nonisolated let lastState = LatestState()
    private nonisolated let meter = RateMeter()
    private var pump: Task<Void, Never>?
    private var started = false
    private var stopped = false

    /// A live client on `base` (e.g. ``AsterEndpoint/productionWebSocket``) carrying `streams`.
    public init(base: String, streams: [StreamName], configuration: StreamConfiguration = .init(),
                maxStreamsPerConnection: Int = 200, logger: Logger = Logger(label: "AsterKit.StreamClient")) {
        self.source = .live(ShardedMarketStream(base: base, streams: streams, maxStreamsPerConnection: maxStreamsPerConnection,
                                                configuration: configuration, logger: logger))
        self.defaultBufferLimit = configuration.bufferLimit
    }

    /// A client on one fixed websocket URL, e.g. `wss://fstream.asterdex.com/ws/btcusdt@aggTrade`.
    public init(url: String, configuration: StreamConfiguration = .init(),
                logger: Logger = Logger(label: "AsterKit.StreamClient")) {
        self.source = .url(MarketStream(url: url, configuration: configuration, logger: logger))
        self.defaultBufferLimit = configuration.bufferLimit
    }

    /// A client replaying recorded frames: the same feeds, decoded the same way.
    public init(replay: ReplaySource, bufferLimit: Int = 10_000) {
        self.source = .replay(replay)
        self.defaultBufferLimit = bufferLimit
    }

    // MARK: Life

    /// Starts delivering (idempotent). A replay ends every feed when its files are done.
    public func start() {
        guard !started, !stopped else { return }
        started = true
        let fanOut = self.fanOut
        let lastState = self.lastState
        // Events go straight from each socket reader to the feeds: no queue in between.
        let deliver: @Sendable (StreamEvent) -> Void = { event in
            if case .state(let s) = event { lastState.set(s) }
            fanOut.deliver(event)
        }
        switch source {
        case .live(let stream):
            // The shards run on tasks of their own until stop().
            stream.start(emit: deliver)
        case .url(let stream):
            pump = Task {
                await stream.run(emit: deliver)
                fanOut.finish()
            }
        case .replay(let replay):
            let events = replay.events()
            pump = Task {
                for await event in events { deliver(event) }
                fanOut.finish()
            }
        }
    }

    /// Closes every connection and ends every feed; the client does not start again.
    public func stop() {
        stopped = true
        if case .live(let stream) = source { stream.stop() }
        pump?.cancel()
        pump = nil
        fanOut.deliver(.state(.stopped))
        lastState.set(.stopped)
        fanOut.finish()
    }

    /// Number of feeds being iterated or waiting to be.
    public nonisolated var consumerCount: Int { fanOut.count }

    /// The latest connection state, if any yet.
    public nonisolated var state: ConnectionState? { lastState.value }

    /// Counters summed over every connection, with every feed's drops.
    public nonisolated var statistics: StreamStatistics {
        var total: StreamStatistics
        switch source {
        case .live(let stream): total = StreamStatistics(combining: stream.counters)
        case .url(let stream): total = stream.counters.snapshot
        case .replay(let replay): total = replay.counters.snapshot
        }
        total.dropped += fanOut.totalDropped.load(ordering: .relaxed)
        return total
    }

    /// Frames and bytes per second over the last second or so (each call is a reading).
    public nonisolated func rates() -> StreamRates { meter.rates(statistics) }

    // MARK: Live subscriptions

    /// Adds streams (`SUBSCRIBE`, sharded past 200 per connection); kept across reconnects.
    public func subscribe(_ streams: [StreamName]) async throws {
        switch source {
        case .live(let stream): try await stream.subscribe(streams)
        case .url(let stream): try await stream.subscribe(streams)
        case .replay: throw LiveRequestError.notConnected
        }
    }

    /// Removes streams (`UNSUBSCRIBE`).
    public func unsubscribe(_ streams: [StreamName]) async throws {
        switch source {
        case .live(let stream): try await stream.unsubscribe(streams)
        case .url(let stream): try await stream.unsubscribe(streams)
        case .replay: throw LiveRequestError.notConnected
        }
    }

    /// `LIST_SUBSCRIPTIONS` on every connection, merged.
    public func listSubscriptions() async throws -> [String] {
        switch source {
        case .live(let stream): return try await stream.listSubscriptions()
        case .url(let stream): return try await stream.listSubscriptions()
        case .replay: throw LiveRequestError.notConnected
        }
    }

    // MARK: Feeds

    private nonisolated func feed<Element: Sendable>(
        _ bufferLimit: Int?, _ pick: @escaping @Sendable (StreamEvent, (Element) -> Void) -> Void
    ) -> EventFeed<Element> {
        fanOut.feed(bufferLimit: bufferLimit ?? defaultBufferLimit, pick)
    }

    private nonisolated func leaves<Element: Sendable>(
        _ bufferLimit: Int?, _ pick: @escaping @Sendable (AsterEvent) -> Element?
    ) -> EventFeed<Element> {
        feed(bufferLimit) { event, sink in
            guard case .message(let m) = event else { return }
            switch m.event {
            case .markPrices, .miniTickers, .tickers, .batch: m.event.elements.forEach { if let e = pick($0) { sink(e) } }
            default: if let e = pick(m.event) { sink(e) }
            }
        }
    }

    /// Everything: messages, decode failures and state changes, in order.
    public nonisolated func events(bufferLimit: Int? = nil) -> EventFeed<StreamEvent> { feed(bufferLimit) { $1($0) } }

    /// Every decoded message with its stream name.
    public nonisolated func messages(bufferLimit: Int? = nil) -> EventFeed<StreamMessage> {
        feed(bufferLimit) { if case .message(let m) = $0 { $1(m) } }
    }

    /// Connection states: connecting, connected, subscribed, stale, disconnected(reason),
    /// reconnecting(attempt, delay), stopped.
    public nonisolated func states(bufferLimit: Int? = nil) -> EventFeed<ConnectionState> {
        feed(bufferLimit) { if case .state(let s) = $0 { $1(s) } }
    }

    /// Frames that failed to decode (already counted and logged).
    public nonisolated func decodeFailures(bufferLimit: Int? = nil) -> EventFeed<DecodingFailure> {
        feed(bufferLimit) { if case .decodeFailure(let f) = $0 { $1(f) } }
    }

    /// `<symbol>@aggTrade`.
    public nonisolated func aggregateTrades(bufferLimit: Int? = nil) -> EventFeed<AggregateTrade> {
        leaves(bufferLimit) { if case .aggregateTrade(let e) = $0 { e } else { nil } }
    }

    /// `<symbol>@tradepro`.
    public nonisolated func trades(bufferLimit: Int? = nil) -> EventFeed<TradePro> {
        leaves(bufferLimit) { if case .tradePro(let e) = $0 { e } else { nil } }
    }

    /// `<symbol>@bookTicker` and `!bookTicker`.
    public nonisolated func bookTickers(bufferLimit: Int? = nil) -> EventFeed<BookTicker> {
        leaves(bufferLimit) { if case .bookTicker(let e) = $0 { e } else { nil } }
    }

    /// Partial (`@depth<N>`) and diff (`@depth`) depth.
    public nonisolated func depth(bufferLimit: Int? = nil) -> EventFeed<DepthUpdate> {
        leaves(bufferLimit) { if case .depth(let e) = $0 { e } else { nil } }
    }

    /// `<symbol>@kline_<interval>`.
    public nonisolated func klines(bufferLimit: Int? = nil) -> EventFeed<KlineEvent> {
        leaves(bufferLimit) { if case .kline(let e) = $0 { e } else { nil } }
    }

    /// `<symbol>@ticker` and every element of `!ticker@arr`.
    public nonisolated func tickers(bufferLimit: Int? = nil) -> EventFeed<Ticker> {
        leaves(bufferLimit) { if case .ticker(let e) = $0 { e } else { nil } }
    }

    /// `<symbol>@miniTicker` and every element of `!miniTicker@arr`.
    public nonisolated func miniTickers(bufferLimit: Int? = nil) -> EventFeed<MiniTicker> {
        leaves(bufferLimit) { if case .miniTicker(let e) = $0 { e } else { nil } }
    }

    /// `<symbol>@markPrice[@1s]` and every element of `!markPrice@arr[@1s]`.
    public nonisolated func markPrices(bufferLimit: Int? = nil) -> EventFeed<MarkPriceUpdate> {
        leaves(bufferLimit) { if case .markPrice(let e) = $0 { e } else { nil } }
    }

    /// `<symbol>@forceOrder` and `!forceOrder@arr`.
    public nonisolated func liquidations(bufferLimit: Int? = nil) -> EventFeed<Liquidation> {
        leaves(bufferLimit) { if case .liquidation(let e) = $0 { e } else { nil } }
    }

    /// User data events: account and order updates, margin calls, config updates, listen-key
    /// expiry and announcements.
    public nonisolated func userEvents(bufferLimit: Int? = nil) -> EventFeed<AsterEvent> {
        leaves(bufferLimit) { $0.isUserEvent ? $0 : nil }
    }
}

extension StreamStatistics {
    /// The sum of several connections' counters; the last frame is the latest of any, the round
    /// trip the last known of any.
    public init(combining parts: [StreamStatistics]) {
        self.init()
        for p in parts {
            frames += p.frames
            bytes += p.bytes
            decodeErrors += p.decodeErrors
            dropped += p.dropped
            reconnects += p.reconnects
            if let t = p.lastFrameAt, lastFrameAt.map({ t > $0 }) ?? true { lastFrameAt = t }
            if let r = p.roundTrip { roundTrip = r }
        }
    }
}

/// The latest connection state, readable from any thread.
final class LatestState: Sendable {
    private let state = Mutex<ConnectionState?>(nil)
    var value: ConnectionState? { state.withLock { $0 } }
    func set(_ value: ConnectionState) { state.withLock { $0 = value } }
}
