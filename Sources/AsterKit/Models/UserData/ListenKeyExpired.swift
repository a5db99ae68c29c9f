/// The listen key of a user data stream expired (`listenKeyExpired`); no more user events
/// arrive until a new key is used.
public struct ListenKeyExpired: Sendable, Hashable {
    /// Event time (ms).
    public var eventTime: Int64

    /// Creates the event.
    public init(eventTime: Int64) { self.eventTime = eventTime }

    init(reader r: inout JSONReader) throws(DecodingFailure) {
        var E: Int64?
        try r.beginObject()
        while let key = try r.nextKey() {
            switch key {
            case .E_: E = try r.readInt64()
            default: try r.skipValue()  // includes the listen key itself, which is never kept
            }
        }
        self.init(eventTime: try required(E, "E", r))
    }
}
