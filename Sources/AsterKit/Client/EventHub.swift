import Synchronization

/// Where a client's events go: the consumers' feeds, the counters and the latest state. One
/// copy of this mechanism serves ``StreamClient`` and ``UserDataStream``.
final class EventHub: Sendable {
    let fanOut = FanOut<StreamEvent>()
    let raw = FanOut<RawFrame>()
    let counters = StreamCounters()
    let meter = RateMeter()
    let defaultBufferLimit: Int
    private let latest = Locked<ConnectionUpdate?>(nil)

    init(defaultBufferLimit: Int) { self.defaultBufferLimit = defaultBufferLimit }

    /// Hands a batch of events to every consumer (states go through ``state(_:)``).
    func deliver(_ events: [StreamEvent]) { fanOut.deliver(events) }

    /// Hands a state change to every consumer, noting it as the latest.
    func state(_ update: ConnectionUpdate) {
        latest.value = update
        fanOut.deliver([.state(update)])
    }

    /// Whether anyone reads raw frames (so connections keep the text).
    var wantsRaw: Bool { raw.count > 0 }

    var state: ConnectionUpdate? { latest.value }

    /// Counters with every feed's drops.
    var statistics: StreamStatistics {
        var total = counters.snapshot
        total.dropped += fanOut.totalDropped.load(ordering: .relaxed) + raw.totalDropped.load(ordering: .relaxed)
        return total
    }

    /// Ends every feed.
    func finish() {
        fanOut.finish()
        raw.finish()
    }
}

/// The typed feeds every client offers: any number of consumers, each with its own bounded
/// buffer (see ``EventFeed``).
public protocol EventFeeds: Sendable {
    /// A feed of the elements `collect` takes out of each batch of events (everything a socket
    /// read produced, in order): the building block of every typed feed below. `collect` runs on
    /// the connection's event loop, with no lock held (it may call back into the client), but it
    /// delays the connection's next read: keep it short and non-blocking.
    ///
    /// ```swift
    /// let large = client.feed(bufferLimit: nil) { (batch: [StreamEvent], sink: inout FeedSink<AggregateTrade>) in
    ///     for case .message(let m) in batch { if case .aggregateTrade(let t) = m.event, t.quantity > 10 { sink.append(t) } }
    /// }
    /// ```
    func feed<Element: Sendable>(
        bufferLimit: Int?, collecting collect: @escaping @Sendable ([StreamEvent], inout FeedSink<Element>) -> Void
    ) -> EventFeed<Element>

    /// Every raw text frame as received, with its receive time (for recording).
    func rawFrames(bufferLimit: Int?) -> EventFeed<RawFrame>
}

extension EventFeeds {
    /// A feed of the elements `pick` takes out of each event (none, one or several per event).
    public func feed<Element: Sendable>(
        bufferLimit: Int?, _ pick: @escaping @Sendable (StreamEvent, (Element) -> Void) -> Void
    ) -> EventFeed<Element> {
        feed(bufferLimit: bufferLimit) { (batch: [StreamEvent], sink: inout FeedSink<Element>) in
            for event in batch { pick(event) { sink.append($0) } }
        }
    }

    /// Everything: messages, decode failures and state changes, in order.
    public func events(bufferLimit: Int? = nil) -> EventFeed<StreamEvent> {
        feed(bufferLimit: bufferLimit, collecting: FeedCollectors.events)
    }

    /// Every decoded message with its stream name.
    public func messages(bufferLimit: Int? = nil) -> EventFeed<StreamMessage> {
        feed(bufferLimit: bufferLimit, collecting: FeedCollectors.messages)
    }

    /// Connection states, each naming its connection.
    public func states(bufferLimit: Int? = nil) -> EventFeed<ConnectionUpdate> {
        feed(bufferLimit: bufferLimit, collecting: FeedCollectors.states)
    }

    /// Frames that failed to decode (already counted and logged).
    public func decodeFailures(bufferLimit: Int? = nil) -> EventFeed<DecodingFailure> {
        feed(bufferLimit: bufferLimit, collecting: FeedCollectors.decodeFailures)
    }

    /// `<symbol>@aggTrade`.
    public func aggregateTrades(bufferLimit: Int? = nil) -> EventFeed<AggregateTrade> {
        feed(bufferLimit: bufferLimit,
             collecting: FeedCollectors.leaves { if case .aggregateTrade(let e) = $0 { e } else { nil } })
    }

    /// `<symbol>@tradepro`.
    public func trades(bufferLimit: Int? = nil) -> EventFeed<TradePro> {
        feed(bufferLimit: bufferLimit,
             collecting: FeedCollectors.leaves { if case .tradePro(let e) = $0 { e } else { nil } })
    }

    /// `<symbol>@bookTicker` and `!bookTicker`.
    public func bookTickers(bufferLimit: Int? = nil) -> EventFeed<BookTicker> {
        feed(bufferLimit: bufferLimit,
             collecting: FeedCollectors.leaves { if case .bookTicker(let e) = $0 { e } else { nil } })
    }

    /// Partial (`@depth<N>`) and diff (`@depth`) depth.
    public func depth(bufferLimit: Int? = nil) -> EventFeed<DepthUpdate> {
        feed(bufferLimit: bufferLimit,
             collecting: FeedCollectors.leaves { if case .depth(let e) = $0 { e } else { nil } })
    }

    /// `<symbol>@kline_<interval>`.
    public func klines(bufferLimit: Int? = nil) -> EventFeed<KlineEvent> {
        feed(bufferLimit: bufferLimit,
             collecting: FeedCollectors.leaves { if case .kline(let e) = $0 { e } else { nil } })
    }

    /// `<symbol>@ticker` and every element of `!ticker@arr`.
    public func tickers(bufferLimit: Int? = nil) -> EventFeed<Ticker> {
        feed(bufferLimit: bufferLimit,
             collecting: FeedCollectors.leaves { if case .ticker(let e) = $0 { e } else { nil } })
    }

    /// `<symbol>@miniTicker` and every element of `!miniTicker@arr`.
    public func miniTickers(bufferLimit: Int? = nil) -> EventFeed<MiniTicker> {
        feed(bufferLimit: bufferLimit,
             collecting: FeedCollectors.leaves { if case .miniTicker(let e) = $0 { e } else { nil } })
    }

    /// `<symbol>@markPrice[@1s]` and every element of `!markPrice@arr[@1s]`.
    public func markPrices(bufferLimit: Int? = nil) -> EventFeed<MarkPriceUpdate> {
        feed(bufferLimit: bufferLimit,
             collecting: FeedCollectors.leaves { if case .markPrice(let e) = $0 { e } else { nil } })
    }

    /// `<symbol>@forceOrder` and `!forceOrder@arr`.
    public func liquidations(bufferLimit: Int? = nil) -> EventFeed<Liquidation> {
        feed(bufferLimit: bufferLimit,
             collecting: FeedCollectors.leaves { if case .liquidation(let e) = $0 { e } else { nil } })
    }

    /// User data events: account and order updates, margin calls, config updates, listen-key
    /// expiry and announcements.
    public func userEvents(bufferLimit: Int? = nil) -> EventFeed<AsterEvent> {
        feed(bufferLimit: bufferLimit,
             collecting: FeedCollectors.leaves { $0.isUserEvent ? $0 : nil })
    }

    /// `ORDER_TRADE_UPDATE`.
    public func orderUpdates(bufferLimit: Int? = nil) -> EventFeed<OrderTradeUpdate> {
        feed(bufferLimit: bufferLimit,
             collecting: FeedCollectors.leaves { if case .orderTradeUpdate(let e) = $0 { e } else { nil } })
    }

    /// `ACCOUNT_UPDATE`.
    public func accountUpdates(bufferLimit: Int? = nil) -> EventFeed<AccountUpdate> {
        feed(bufferLimit: bufferLimit,
             collecting: FeedCollectors.leaves { if case .accountUpdate(let e) = $0 { e } else { nil } })
    }

    /// `MARGIN_CALL`.
    public func marginCalls(bufferLimit: Int? = nil) -> EventFeed<MarginCall> {
        feed(bufferLimit: bufferLimit,
             collecting: FeedCollectors.leaves { if case .marginCall(let e) = $0 { e } else { nil } })
    }

    /// `ACCOUNT_CONFIG_UPDATE`.
    public func configUpdates(bufferLimit: Int? = nil) -> EventFeed<AccountConfigUpdate> {
        feed(bufferLimit: bufferLimit,
             collecting: FeedCollectors.leaves { if case .accountConfigUpdate(let e) = $0 { e } else { nil } })
    }

    /// `listenKeyExpired`.
    public func listenKeyExpiries(bufferLimit: Int? = nil) -> EventFeed<ListenKeyExpired> {
        feed(bufferLimit: bufferLimit,
             collecting: FeedCollectors.leaves { if case .listenKeyExpired(let e) = $0 { e } else { nil } })
    }
}

/// The collectors of the typed feeds. They live outside the generic `EventFeeds` extension so
/// that each is compiled for its concrete element type (no generic dispatch per element).
enum FeedCollectors {
    typealias Collector<Element: Sendable> = @Sendable ([StreamEvent], inout FeedSink<Element>) -> Void

    static let events: Collector<StreamEvent> = { batch, sink in sink.append(contentsOf: batch) }

    static let messages: Collector<StreamMessage> = { batch, sink in
        for case .message(let m) in batch { sink.append(m) }
    }

    static let states: Collector<ConnectionUpdate> = { batch, sink in
        for case .state(let s) in batch { sink.append(s) }
    }

    static let decodeFailures: Collector<DecodingFailure> = { batch, sink in
        for case .decodeFailure(let f) in batch { sink.append(f) }
    }

    /// The leaves of every message (each element of the all-market arrays) that `pick` keeps.
    static func leaves<Element: Sendable>(_ pick: @escaping @Sendable (AsterEvent) -> Element?) -> Collector<Element> {
        { batch, sink in
            for case .message(let m) in batch {
                switch m.event {
                case .markPrices, .miniTickers, .tickers, .batch:
                    for leaf in m.event.elements { if let e = pick(leaf) { sink.append(e) } }
                default:
                    if let e = pick(m.event) { sink.append(e) }
                }
            }
        }
    }
}

extension EventHub {
    func makeFeed<Element: Sendable>(
        bufferLimit: Int?, _ collect: @escaping @Sendable ([StreamEvent], inout FeedSink<Element>) -> Void
    ) -> EventFeed<Element> {
        fanOut.feed(bufferLimit: bufferLimit ?? defaultBufferLimit, collect)
    }

    func makeRawFeed(bufferLimit: Int?) -> EventFeed<RawFrame> {
        raw.feed(bufferLimit: bufferLimit ?? defaultBufferLimit) { (batch: [RawFrame], sink: inout FeedSink<RawFrame>) in
            sink.append(contentsOf: batch)
        }
    }
}
