/// A live request sent on an open market-stream connection.
///
/// ```swift
/// let request = LiveRequest.subscribe([.aggTrade(symbol: "btcusdt")], id: 1)
/// request.jsonText   // {"method":"SUBSCRIBE","params":["btcusdt@aggTrade"],"id":1}
/// ```
public struct LiveRequest: Sendable, Hashable {
    /// The request method.
    public enum Method: String, Sendable, Hashable, CaseIterable {
        case subscribe = "SUBSCRIBE"
        case unsubscribe = "UNSUBSCRIBE"
        case listSubscriptions = "LIST_SUBSCRIPTIONS"
        case setProperty = "SET_PROPERTY"
        case getProperty = "GET_PROPERTY"
    }

    /// The method.
    public var method: Method
    /// Stream names for (un)subscribe; the property name (and value) for properties.
    public var params: [Param]
    /// The request id; the reply carries the same id.
    public var id: Int64

    /// One request parameter.
    public enum Param: Sendable, Hashable {
        case string(String)
        case bool(Bool)
    }

    /// Creates a request.
    public init(method: Method, params: [Param], id: Int64) {
        self.method = method
        self.params = params
        self.id = id
    }

    /// `SUBSCRIBE` to streams.
    public static func subscribe(_ streams: [StreamName], id: Int64) -> LiveRequest {
        LiveRequest(method: .subscribe, params: streams.map { .string($0.name) }, id: id)
    }

    /// `UNSUBSCRIBE` from streams.
    public static func unsubscribe(_ streams: [StreamName], id: Int64) -> LiveRequest {
        LiveRequest(method: .unsubscribe, params: streams.map { .string($0.name) }, id: id)
    }

    /// `LIST_SUBSCRIPTIONS`.
    public static func listSubscriptions(id: Int64) -> LiveRequest {
        LiveRequest(method: .listSubscriptions, params: [], id: id)
    }

    /// `SET_PROPERTY combined <value>`.
    public static func setCombined(_ value: Bool, id: Int64) -> LiveRequest {
        LiveRequest(method: .setProperty, params: [.string("combined"), .bool(value)], id: id)
    }

    /// `GET_PROPERTY combined`.
    public static func getCombined(id: Int64) -> LiveRequest {
        LiveRequest(method: .getProperty, params: [.string("combined")], id: id)
    }

    /// The JSON text to send.
    public var jsonText: String {
        var w = JSONWriter()
        w.beginObject()
        w.key("method")
        w.string(method.rawValue)
        if method != .listSubscriptions {
            w.key("params")
            w.beginArray()
            for p in params {
                switch p {
                case .string(let s): w.string(s)
                case .bool(let b): w.bool(b)
                }
            }
            w.endArray()
        }
        w.key("id")
        w.int(id)
        w.endObject()
        return w.text
    }
}

/// A successful reply to a ``LiveRequest``: `{"result": …, "id": N}`.
public struct SubscriptionReply: Sendable, Hashable {
    /// The `result` value.
    public enum Result: Sendable, Hashable {
        /// `null`: (un)subscribe and set-property succeeded.
        case null
        /// A boolean: the value of a property.
        case bool(Bool)
        /// A list of stream names: the current subscriptions.
        case streams([String])
        /// Anything else, as raw JSON text.
        case other(String)

        init(reader r: inout JSONReader) throws(DecodingFailure) {
            switch r.peek() {
            case UInt8(ascii: "n"):
                guard r.consumeNull() else { throw r.fail(.invalidValue("bad literal")) }
                self = .null
            case UInt8(ascii: "t"), UInt8(ascii: "f"): self = .bool(try r.readBool())
            case UInt8(ascii: "["):
                let start = r.pos
                let depth = r.depth
                if let names = try? r.readStringArray() {
                    self = .streams(names)
                } else {
                    r.pos = start
                    r.depth = depth
                    try r.skipValue()
                    self = .other(r.text(from: start))
                }
            default:
                let start = r.pos
                try r.skipValue()
                self = .other(r.text(from: start))
            }
        }
    }

    /// The id of the request answered.
    public var id: Int64
    /// The result.
    public var result: Result

    /// Creates a reply.
    public init(id: Int64, result: Result) {
        self.id = id
        self.result = result
    }
}

/// An error reply from the server: `{"code": N, "msg": "…"}` (and the request `id` when given).
public struct ServerError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The error code.
    public var code: Int64
    /// The server's message.
    public var message: String
    /// The id of the request that failed, when the server says.
    public var id: Int64?

    /// Creates an error.
    public init(code: Int64, message: String, id: Int64? = nil) {
        self.code = code
        self.message = message
        self.id = id
    }

    public var description: String { "server error \(code): \(message)" }
}
