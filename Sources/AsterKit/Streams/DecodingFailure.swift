/// Why a frame could not be decoded. Counted and logged by the client; never fatal.
///
/// ```swift
/// do { _ = try EventDecoder().decode(text) }
/// catch { print(error) }   // "aggTrade: missing field \"p\" (at byte 120)"
/// ```
public struct DecodingFailure: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong.
    public enum Reason: Sendable, Hashable {
        /// The text ended in the middle of a value.
        case truncated
        /// A different character was expected.
        case unexpected(expected: UInt8, found: UInt8)
        /// A value has the wrong form (bad number, bad boolean, bad escape, …).
        case invalidValue(String)
        /// A required field is absent.
        case missingField(String)
        /// Nesting deeper than 64 levels.
        case tooDeep
        /// The frame is not a JSON object or array of objects.
        case notAnEvent
        /// Bytes after the end of the JSON value.
        case trailingData
        /// The frame is binary, not text.
        case binaryFrame
        /// The frame is empty.
        case emptyFrame
        /// A number outside ``WireLimits`` (the field's key is named).
        case outOfRange(field: String)
    }

    /// What went wrong.
    public let reason: Reason
    /// Byte offset in the frame where it was noticed.
    public let offset: Int
    /// The event type being decoded, when known.
    public var eventType: String?

    /// Creates a failure.
    public init(_ reason: Reason, offset: Int, eventType: String? = nil) {
        self.reason = reason
        self.offset = offset
        self.eventType = eventType
    }

    public var description: String {
        let what: String
        switch reason {
        case .truncated: what = "truncated JSON"
        case .unexpected(let expected, let found):
            what = "expected '\(Character(Unicode.Scalar(expected)))' but found '\(Character(Unicode.Scalar(found)))'"
        case .invalidValue(let why): what = why
        case .missingField(let key): what = "missing field \"\(key)\""
        case .tooDeep: what = "JSON nested too deeply"
        case .notAnEvent: what = "not a JSON object"
        case .trailingData: what = "unexpected data after the JSON value"
        case .binaryFrame: what = "binary frame (Aster sends text)"
        case .emptyFrame: what = "empty frame"
        case .outOfRange(let field):
            what = "field \"\(field)\" out of range (decimals below 1e16, whole numbers within ±1e18)"
        }
        let prefix = eventType.map { "\($0): " } ?? ""
        return "\(prefix)\(what) (at byte \(offset))"
    }
}

extension DecodingFailure {
    /// The same failure with a missing field named from its parent object (`t` → `en.t`).
    func nested(in parent: String) -> DecodingFailure {
        guard case .missingField(let key) = reason else { return self }
        return DecodingFailure(.missingField("\(parent).\(key)"), offset: offset, eventType: eventType)
    }
}

/// Unwraps a required field or throws ``DecodingFailure/Reason/missingField(_:)``.
func required<T>(_ value: T?, _ key: StaticString, _ reader: JSONReader) throws(DecodingFailure) -> T {
    guard let value else { throw reader.fail(.missingField(key.description)) }
    return value
}
