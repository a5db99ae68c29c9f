/// Everything a market or user data stream can deliver, typed.
///
/// Array payloads of one kind (`!ticker@arr`, `!miniTicker@arr`, `!markPrice@arr`) arrive as
/// the plural cases; an array of mixed or unknown payloads as ``batch(_:)``.
public enum AsterEvent: Sendable, Hashable {
    case aggregateTrade(AggregateTrade)
    case markPrice(MarkPriceUpdate)
    case markPrices([MarkPriceUpdate])
    indirect case kline(KlineEvent)
    case miniTicker(MiniTicker)
    case miniTickers([MiniTicker])
    indirect case ticker(Ticker)
    case tickers([Ticker])
    case bookTicker(BookTicker)
    indirect case liquidation(Liquidation)
    case depth(DepthUpdate)
    case tradePro(TradePro)
    case listenKeyExpired(ListenKeyExpired)
    indirect case marginCall(MarginCall)
    case accountUpdate(AccountUpdate)
    indirect case orderTradeUpdate(OrderTradeUpdate)
    indirect case accountConfigUpdate(AccountConfigUpdate)
    indirect case announcement(Announcement)
    /// A reply to a live request: `{"result": …, "id": N}`.
    case subscriptionReply(SubscriptionReply)
    /// An error reply: `{"code": N, "msg": "…"}`.
    case serverError(ServerError)
    /// An array mixing kinds, or an empty array.
    case batch([AsterEvent])
    /// A payload whose event type this version does not know; the raw text is kept.
    case unknown(UnknownEvent)

    /// The payload's `e` value (`aggTrade`, `depthUpdate`, …); `nil` for replies and batches.
    public var eventType: String? {
        switch self {
        case .aggregateTrade: "aggTrade"
        case .markPrice, .markPrices: "markPriceUpdate"
        case .kline: "kline"
        case .miniTicker, .miniTickers: "24hrMiniTicker"
        case .ticker, .tickers: "24hrTicker"
        case .bookTicker: "bookTicker"
        case .liquidation: "forceOrder"
        case .depth: "depthUpdate"
        case .tradePro: "tradepro"
        case .listenKeyExpired: "listenKeyExpired"
        case .marginCall: "MARGIN_CALL"
        case .accountUpdate: "ACCOUNT_UPDATE"
        case .orderTradeUpdate: "ORDER_TRADE_UPDATE"
        case .accountConfigUpdate: "ACCOUNT_CONFIG_UPDATE"
        case .announcement: "announcement"
        case .unknown(let u): u.eventType
        case .subscriptionReply, .serverError, .batch: nil
        }
    }

    /// Single events: arrays are split into one event per element, in order.
    public var elements: [AsterEvent] {
        switch self {
        case .markPrices(let v): v.map(AsterEvent.markPrice)
        case .miniTickers(let v): v.map(AsterEvent.miniTicker)
        case .tickers(let v): v.map(AsterEvent.ticker)
        case .batch(let v): v.flatMap(\.elements)
        default: [self]
        }
    }

    /// `true` for events of the user data stream.
    public var isUserEvent: Bool {
        switch self {
        case .listenKeyExpired, .marginCall, .accountUpdate, .orderTradeUpdate, .accountConfigUpdate, .announcement:
            true
        default: false
        }
    }
}

/// A payload of an event type this version does not model, kept verbatim.
public struct UnknownEvent: Sendable, Hashable {
    /// The `e` value, when the payload has one.
    public var eventType: String?
    /// The raw JSON text of the payload.
    public var raw: String

    /// Creates an unknown event.
    public init(eventType: String?, raw: String) {
        self.eventType = eventType
        self.raw = raw
    }
}

/// A decoded frame: the event and, for combined streams, the stream it came from.
public struct StreamMessage: Sendable, Hashable {
    /// The stream name from a combined-stream wrapper (`btcusdt@aggTrade`); `nil` on raw streams.
    public var stream: String?
    /// The event.
    public var event: AsterEvent
    /// Elements of an array payload that were left out because they did not decode (a missing
    /// required field, a malformed value), with why; the others are in ``event``. Empty for
    /// every other frame. Clients count them in ``StreamStatistics/skippedElements``.
    public var skippedElements: [DecodingFailure]

    /// Creates a message.
    public init(stream: String?, event: AsterEvent, skippedElements: [DecodingFailure] = []) {
        self.stream = stream
        self.event = event
        self.skippedElements = skippedElements
    }
}
