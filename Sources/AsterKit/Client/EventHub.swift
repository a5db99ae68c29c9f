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
    /// A feed of the elements `pick` takes out of each event: the building block of every
    /// typed feed below.
    func feed<Element: Sendable>(
        bufferLimit: Int?, _ pick: @escaping @Sendable (StreamEvent, (Element) -> Void) -> Void
    ) -> EventFeed<Element>

    /// Every raw text frame as received, with its receive time (for recording).
    func rawFrames(bufferLimit: Int?) -> EventFeed<RawFrame>
}

extension EventFeeds {
    private func leaves<Element: Sendable>(
        _ bufferLimit: Int?, _ pick: @escaping @Sendable (AsterEvent) -> Element?
    ) -> EventFeed<Element> {
        feed(bufferLimit: bufferLimit) { event, sink in
            guard case .message(let m) = event else { return }
            switch m.event {
            case .markPrices, .miniTickers, .tickers, .batch: m.event.elements.forEach { if let e = pick($0) { sink(e) } }
            default: if let e = pick(m.event) { sink(e) }
            }
        }
    }

    /// Everything: messages, decode failures and state changes, in order.
    public func events(bufferLimit: Int? = nil) -> EventFeed<StreamEvent> { feed(bufferLimit: bufferLimit) { $1($0) } }

    /// Every decoded message with its stream name.
    public func messages(bufferLimit: Int? = nil) -> EventFeed<StreamMessage> {
        feed(bufferLimit: bufferLimit) { if case .message(let m) = $0 { $1(m) } }
    }

    /// Connection states, each naming its connection.
    public func states(bufferLimit: Int? = nil) -> EventFeed<ConnectionUpdate> {
        feed(bufferLimit: bufferLimit) { if case .state(let s) = $0 { $1(s) } }
    }

    /// Frames that failed to decode (already counted and logged).
    public func decodeFailures(bufferLimit: Int? = nil) -> EventFeed<DecodingFailure> {
        feed(bufferLimit: bufferLimit) { if case .decodeFailure(let f) = $0 { $1(f) } }
    }

    /// `<symbol>@aggTrade`.
    public func aggregateTrades(bufferLimit: Int? = nil) -> EventFeed<AggregateTrade> {
        leaves(bufferLimit) { if case .aggregateTrade(let e) = $0 { e } else { nil } }
    }

    /// `<symbol>@tradepro`.
    public func trades(bufferLimit: Int? = nil) -> EventFeed<TradePro> {
        leaves(bufferLimit) { if case .tradePro(let e) = $0 { e } else { nil } }
    }

    /// `<symbol>@bookTicker` and `!bookTicker`.
    public func bookTickers(bufferLimit: Int? = nil) -> EventFeed<BookTicker> {
        leaves(bufferLimit) { if case .bookTicker(let e) = $0 { e } else { nil } }
    }

    /// Partial (`@depth<N>`) and diff (`@depth`) depth.
    public func depth(bufferLimit: Int? = nil) -> EventFeed<DepthUpdate> {
        leaves(bufferLimit) { if case .depth(let e) = $0 { e } else { nil } }
    }

    /// `<symbol>@kline_<interval>`.
    public func klines(bufferLimit: Int? = nil) -> EventFeed<KlineEvent> {
        leaves(bufferLimit) { if case .kline(let e) = $0 { e } else { nil } }
    }

    /// `<symbol>@ticker` and every element of `!ticker@arr`.
    public func tickers(bufferLimit: Int? = nil) -> EventFeed<Ticker> {
        leaves(bufferLimit) { if case .ticker(let e) = $0 { e } else { nil } }
    }

    /// `<symbol>@miniTicker` and every element of `!miniTicker@arr`.
    public func miniTickers(bufferLimit: Int? = nil) -> EventFeed<MiniTicker> {
        leaves(bufferLimit) { if case .miniTicker(let e) = $0 { e } else { nil } }
    }

    /// `<symbol>@markPrice[@1s]` and every element of `!markPrice@arr[@1s]`.
    public func markPrices(bufferLimit: Int? = nil) -> EventFeed<MarkPriceUpdate> {
        leaves(bufferLimit) { if case .markPrice(let e) = $0 { e } else { nil } }
    }

    /// `<symbol>@forceOrder` and `!forceOrder@arr`.
    public func liquidations(bufferLimit: Int? = nil) -> EventFeed<Liquidation> {
        leaves(bufferLimit) { if case .liquidation(let e) = $0 { e } else { nil } }
    }

    /// User data events: account and order updates, margin calls, config updates, listen-key
    /// expiry and announcements.
    public func userEvents(bufferLimit: Int? = nil) -> EventFeed<AsterEvent> {
        leaves(bufferLimit) { $0.isUserEvent ? $0 : nil }
    }

    /// `ORDER_TRADE_UPDATE`.
    public func orderUpdates(bufferLimit: Int? = nil) -> EventFeed<OrderTradeUpdate> {
        leaves(bufferLimit) { if case .orderTradeUpdate(let e) = $0 { e } else { nil } }
    }

    /// `ACCOUNT_UPDATE`.
    public func accountUpdates(bufferLimit: Int? = nil) -> EventFeed<AccountUpdate> {
        leaves(bufferLimit) { if case .accountUpdate(let e) = $0 { e } else { nil } }
    }

    /// `MARGIN_CALL`.
    public func marginCalls(bufferLimit: Int? = nil) -> EventFeed<MarginCall> {
        leaves(bufferLimit) { if case .marginCall(let e) = $0 { e } else { nil } }
    }

    /// `ACCOUNT_CONFIG_UPDATE`.
    public func configUpdates(bufferLimit: Int? = nil) -> EventFeed<AccountConfigUpdate> {
        leaves(bufferLimit) { if case .accountConfigUpdate(let e) = $0 { e } else { nil } }
    }

    /// `listenKeyExpired`.
    public func listenKeyExpiries(bufferLimit: Int? = nil) -> EventFeed<ListenKeyExpired> {
        leaves(bufferLimit) { if case .listenKeyExpired(let e) = $0 { e } else { nil } }
    }
}

extension EventHub {
    func makeFeed<Element: Sendable>(
        bufferLimit: Int?, _ pick: @escaping @Sendable (StreamEvent, (Element) -> Void) -> Void
    ) -> EventFeed<Element> {
        fanOut.feed(bufferLimit: bufferLimit ?? defaultBufferLimit, pick)
    }

    func makeRawFeed(bufferLimit: Int?) -> EventFeed<RawFrame> {
        raw.feed(bufferLimit: bufferLimit ?? defaultBufferLimit) { $1($0) }
    }
}
