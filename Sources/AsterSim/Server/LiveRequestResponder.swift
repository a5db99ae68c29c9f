import AsterKit
import Foundation

/// Answers Aster live requests exactly as the spec shows, including its error messages, and
/// applies (un)subscriptions and the `combined` property to the connection's state.
public enum LiveRequestResponder {
    /// The reply text to one request frame, after applying it to `state`.
    public static func handle(_ text: String, state: inout SubscriptionState) -> String {
        guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else {
            return #"{"code":3,"msg":"Invalid JSON: expected value at line 1 column 1"}"#
        }
        guard let id = idJSON(object["id"]) else {
            return #"{"code":2,"msg":"Invalid request: request ID must be an unsigned integer, a string or null"}"#
        }
        guard let method = object["method"] as? String else {
            return #"{"code":2,"msg":"Invalid request: missing field `method` at line 1 column 73"}"#
        }
        let params = object["params"] as? [Any] ?? []
        switch method {
        case "SUBSCRIBE", "UNSUBSCRIBE":
            var names: [String] = []
            for p in params {
                guard let text = p as? String, let name = try? StreamName(parsing: text) else {
                    return #"{"code":2,"msg":"Invalid request: invalid stream name \#(p)","id":\#(id)}"#
                }
                names.append(name.name)   // `BTCUSDT@aggTrade` is `btcusdt@aggTrade`, as on Aster
            }
            if method == "UNSUBSCRIBE" {
                state.unsubscribe(names)
            } else if !state.subscribe(names) {
                return #"{"code":2,"msg":"Invalid request: a connection may listen to at most \#(SubscriptionState.maxStreams) streams","id":\#(id)}"#
            }
            return #"{"result":null,"id":\#(id)}"#
        case "LIST_SUBSCRIPTIONS":
            var w = JSONWriter()
            w.beginArray()
            state.streams.forEach { w.string($0) }
            w.endArray()
            return #"{"result":\#(w.text),"id":\#(id)}"#
        case "SET_PROPERTY", "GET_PROPERTY":
            guard let name = params.first as? String else {
                return #"{"code":2,"msg":"Invalid request: property name must be a string","id":\#(id)}"#
            }
            guard name == "combined" else { return #"{"code":0,"msg":"Unknown property","id":\#(id)}"# }
            if method == "GET_PROPERTY" { return #"{"result":\#(state.combined),"id":\#(id)}"# }
            guard params.count == 2, isBoolean(params[1]), let value = params[1] as? Bool else {
                return #"{"code":1,"msg":"Invalid value type: expected Boolean","id":\#(id)}"#
            }
            state.combined = value
            return #"{"result":null,"id":\#(id)}"#
        default:
            return #"{"code":2,"msg":"Invalid request: unknown variant \#(method), expected one of `SUBSCRIBE`, `UNSUBSCRIBE`, `LIST_SUBSCRIPTIONS`, `SET_PROPERTY`, `GET_PROPERTY` at line 1 column 28"}"#
        }
    }

    /// The reply to one request on a connection that keeps no state (the frame server).
    public static func reply(to text: String, subscriptions: [String]) -> String {
        var state = SubscriptionState(streams: subscriptions, combined: true)
        return handle(text, state: &state)
    }

    /// The request's `id` as JSON text to echo: an unsigned integer, a string, or `null` when it
    /// is `null` or absent (as the Binance-family servers accept); `nil` for anything else.
    static func idJSON(_ value: Any?) -> String? {
        switch value {
        case nil, is NSNull: return "null"
        case let text as String:
            var w = JSONWriter()
            w.string(text)
            return w.text
        case let number as NSNumber where !isBoolean(number):
            guard let n = value as? Int, n >= 0, Double(n) == number.doubleValue else { return nil }
            return String(n)
        default: return nil
        }
    }

    private static func isBoolean(_ value: Any) -> Bool {
        if let number = value as? NSNumber { return String(cString: number.objCType) == "c" }
        return value is Bool
    }
}
