/// Decodes one websocket text frame into a typed ``StreamMessage``.
///
/// Accepts every form Aster sends: a raw payload, a combined-stream wrapper
/// `{"stream": …, "data": …}`, an array payload (`!ticker@arr`), a reply to a live request
/// `{"result": …, "id": …}` and an error `{"code": …, "msg": …}`. Unknown event types become
/// ``AsterEvent/unknown(_:)`` with the raw text; malformed text throws ``DecodingFailure``.
///
/// The decoding policy follows the spec field by field: a field the spec always sends is
/// required, and a payload without it throws a ``DecodingFailure`` naming it (`o.f` for a field
/// of a nested object); a field the spec marks optional ("only pushed with …", "will not push
/// if …") is an `Optional` and `nil` when absent. Inside an array payload (`!ticker@arr`,
/// `!miniTicker@arr`, `!markPrice@arr`, any batch) an element that is well-formed JSON but does
/// not decode is skipped and reported in ``StreamMessage/skippedElements``; the other elements
/// are delivered. Only JSON that cannot be read past (truncated, broken syntax) fails a whole frame.
///
/// ```swift
/// let decoder = EventDecoder()
/// let message = try decoder.decode(#"{"stream":"btcusdt@aggTrade","data":{"e":"aggTrade",…}}"#)
/// if case .aggregateTrade(let trade) = message.event { print(trade.price) }
/// ```
public struct EventDecoder: Sendable {
    /// Creates a decoder.
    public init() {}

    /// Decodes a text frame.
    ///
    /// - Parameter text: the frame's text.
    /// - Throws: ``DecodingFailure`` when the text is not a well-formed Aster message.
    public func decode(_ text: String) throws(DecodingFailure) -> StreamMessage {
        var copy = text
        let result = copy.withUTF8 { bytes -> Result<StreamMessage, DecodingFailure> in
            do throws(DecodingFailure) {
                return .success(try decode(bytes: bytes))
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    /// Decodes a frame given as UTF-8 bytes.
    ///
    /// - Parameter bytes: the frame's UTF-8 bytes; only read during the call.
    public func decode(bytes: UnsafeBufferPointer<UInt8>) throws(DecodingFailure) -> StreamMessage {
        var reader = JSONReader(bytes)
        var skipped: [DecodingFailure] = []
        var message: StreamMessage
        switch reader.peek() {
        case UInt8(ascii: "{"):
            message = try Self.decodeObject(&reader, allowWrapper: true, skipped: &skipped)
        case UInt8(ascii: "["):
            message = StreamMessage(stream: nil, event: try Self.decodeArray(&reader, skipped: &skipped))
        case 0:
            throw DecodingFailure(.emptyFrame, offset: 0)
        default:
            throw reader.fail(.notAnEvent)
        }
        guard reader.atEnd() else { throw reader.fail(.trailingData) }
        if !skipped.isEmpty { message.skippedElements = skipped }
        return message
    }

    static func decodeValue(_ r: inout JSONReader, skipped: inout [DecodingFailure]) throws(DecodingFailure) -> AsterEvent {
        switch r.peek() {
        case UInt8(ascii: "{"): return try decodeObject(&r, allowWrapper: false, skipped: &skipped).event
        case UInt8(ascii: "["): return try decodeArray(&r, skipped: &skipped)
        default: throw r.fail(.notAnEvent)
        }
    }

    static func decodeObject(_ r: inout JSONReader, allowWrapper: Bool,
                             skipped: inout [DecodingFailure]) throws(DecodingFailure) -> StreamMessage {
        let start = r.pos
        let depth = r.depth
        var stream: String?
        var data: AsterEvent?
        var result: SubscriptionReply.Result?
        var id: Int64?
        var code: Int64?
        var message: String?
        try r.beginObject()
        while let key = try r.nextKey() {
            switch key {
            case .e:
                guard r.peek() == UInt8(ascii: "\"") else {
                    try r.skipValue()
                    continue
                }
                let type = try r.readEventTypeKey()
                r.pos = start
                r.depth = depth
                return StreamMessage(stream: nil, event: try decodePayload(type: type, &r))
            case .stream where allowWrapper: stream = try r.readString()
            case .data where allowWrapper: data = try decodeValue(&r, skipped: &skipped)
            case .result: result = try SubscriptionReply.Result(reader: &r)
            case .id: id = r.consumeNull() ? nil : try r.readInt64()
            case .code: code = try r.readInt64()
            case .msg: message = try r.readString()
            default: try r.skipValue()
            }
        }
        if let data { return StreamMessage(stream: stream, event: data) }
        if let code {
            return StreamMessage(stream: stream, event: .serverError(ServerError(code: code, message: message ?? "", id: id)))
        }
        if let id, stream == nil {
            return StreamMessage(stream: nil, event: .subscriptionReply(SubscriptionReply(id: id, result: result ?? .null)))
        }
        return StreamMessage(stream: stream, event: .unknown(UnknownEvent(eventType: nil, raw: r.text(from: start))))
    }

    static func decodePayload(type: EventTypeName, _ r: inout JSONReader) throws(DecodingFailure) -> AsterEvent {
        let start = r.pos
        do {
            switch type.key {
            case EventTypeKey.aggTrade: return .aggregateTrade(try AggregateTrade(reader: &r))
            case EventTypeKey.depthUpdate: return .depth(try DepthUpdate(reader: &r))
            case EventTypeKey.bookTicker: return .bookTicker(try BookTicker(reader: &r))
            case EventTypeKey.markPriceUpdate: return .markPrice(try MarkPriceUpdate(reader: &r))
            case EventTypeKey.ticker: return .ticker(try Ticker(reader: &r))
            case EventTypeKey.miniTicker: return .miniTicker(try MiniTicker(reader: &r))
            case EventTypeKey.kline: return .kline(try KlineEvent(reader: &r))
            case EventTypeKey.forceOrder: return .liquidation(try Liquidation(reader: &r))
            case EventTypeKey.tradePro: return .tradePro(try TradePro(reader: &r))
            case EventTypeKey.orderTradeUpdate: return .orderTradeUpdate(try OrderTradeUpdate(reader: &r))
            case EventTypeKey.accountUpdate: return .accountUpdate(try AccountUpdate(reader: &r))
            case EventTypeKey.marginCall: return .marginCall(try MarginCall(reader: &r))
            case EventTypeKey.accountConfigUpdate: return .accountConfigUpdate(try AccountConfigUpdate(reader: &r))
            case EventTypeKey.listenKeyExpired: return .listenKeyExpired(try ListenKeyExpired(reader: &r))
            case EventTypeKey.announcement: return .announcement(try Announcement(reader: &r))
            default:
                try r.skipValue()
                return .unknown(UnknownEvent(eventType: type.text, raw: r.text(from: start)))
            }
        } catch {
            var failure = error
            failure.eventType = type.text
            throw failure
        }
    }

    /// Decodes an array payload; an element that does not decode but can be skipped as JSON is
    /// left out and its failure appended to `skipped`.
    static func decodeArray(_ r: inout JSONReader, skipped: inout [DecodingFailure]) throws(DecodingFailure) -> AsterEvent {
        var batch = BatchAccumulator.empty
        try r.beginArray()
        var first = true
        while try r.nextElement(first: first) {
            first = false
            let start = r.pos
            let depth = r.depth
            do {
                try decodeElement(&r, into: &batch, skipped: &skipped)
            } catch {
                // Back to the element's start: skip it whole (this throws if it is not even JSON).
                r.pos = start
                r.depth = depth
                try r.skipValue()
                skipped.append(error)
            }
        }
        return batch.event
    }

    static func decodeElement(_ r: inout JSONReader, into batch: inout BatchAccumulator,
                              skipped: inout [DecodingFailure]) throws(DecodingFailure) {
        // The all-market arrays are homogeneous: decode their elements straight into typed arrays.
        if r.peek() == UInt8(ascii: "{"), let type = try r.peekEventType() {
            do throws(DecodingFailure) {
                switch type {
                case EventTypeKey.ticker: return batch.append(ticker: try Ticker(reader: &r))
                case EventTypeKey.miniTicker: return batch.append(miniTicker: try MiniTicker(reader: &r))
                case EventTypeKey.markPriceUpdate: return batch.append(markPrice: try MarkPriceUpdate(reader: &r))
                default: break
                }
            } catch {
                var failure = error
                failure.eventType = type == EventTypeKey.ticker ? "24hrTicker"
                    : type == EventTypeKey.miniTicker ? "24hrMiniTicker" : "markPriceUpdate"
                throw failure
            }
        }
        batch.append(try decodeValue(&r, skipped: &skipped))
    }
}

/// Collects array elements into the typed plural case when they are all of one kind.
enum BatchAccumulator {
    case empty
    case tickers([Ticker])
    case miniTickers([MiniTicker])
    case markPrices([MarkPriceUpdate])
    case mixed([AsterEvent])

    mutating func append(ticker: Ticker) {
        if case .tickers(var v) = self {
            self = .empty
            v.append(ticker)
            self = .tickers(v)
        } else if case .empty = self {
            var v = [ticker]
            v.reserveCapacity(256)
            self = .tickers(v)
        } else {
            append(.ticker(ticker))
        }
    }

    mutating func append(miniTicker: MiniTicker) {
        if case .miniTickers(var v) = self {
            self = .empty
            v.append(miniTicker)
            self = .miniTickers(v)
        } else if case .empty = self {
            var v = [miniTicker]
            v.reserveCapacity(256)
            self = .miniTickers(v)
        } else {
            append(.miniTicker(miniTicker))
        }
    }

    mutating func append(markPrice: MarkPriceUpdate) {
        if case .markPrices(var v) = self {
            self = .empty
            v.append(markPrice)
            self = .markPrices(v)
        } else if case .empty = self {
            var v = [markPrice]
            v.reserveCapacity(256)
            self = .markPrices(v)
        } else {
            append(.markPrice(markPrice))
        }
    }

    /// Appends any event; a kind that differs from the collected one turns the batch mixed.
    mutating func append(_ event: AsterEvent) {
        if case .mixed(var v) = self {
            self = .empty
            v.append(event)
            self = .mixed(v)
        } else if case .empty = self {
            self = .mixed([event])
        } else {
            var v = self.event.elements
            v.append(event)
            self = .mixed(v)
        }
    }

    var event: AsterEvent {
        switch self {
        case .empty: .batch([])
        case .tickers(let v): .tickers(v)
        case .miniTickers(let v): .miniTickers(v)
        case .markPrices(let v): .markPrices(v)
        case .mixed(let v): .batch(v)
        }
    }
}

extension JSONReader {
    /// The input text from `start` to the current position.
    func text(from start: Int) -> String {
        String(decoding: UnsafeBufferPointer(start: base + start, count: pos - start), as: UTF8.self)
    }
}
