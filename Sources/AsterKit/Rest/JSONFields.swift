import Foundation

/// Reads typed fields out of one `JSONSerialization` object of a REST answer, decimals exactly
/// from their strings (or numbers).
///
/// The decoding policy: a field the spec always sends is read with a throwing accessor, and its
/// absence or a malformed value is a ``RESTError`` of kind `.invalidResponse` naming the endpoint
/// and the field; a field the spec marks optional is read with an `optional…` accessor, which
/// gives `nil` when absent (`null` counts as absent) but still throws when present and malformed.
/// Nothing is ever silently turned into zero.
struct JSONFields {
    let object: [String: Any]
    let path: String
    /// Where this object sits in the answer (`symbols[BTCUSDT].`), put before field names in errors.
    var context = ""
    /// List elements of this answer left out because they failed to decode (shared by nested objects).
    let skipped: SkippedElements

    init(object: [String: Any], path: String, skipped: SkippedElements = SkippedElements()) {
        self.object = object
        self.path = path
        self.skipped = skipped
    }

    /// Reads `value` as an object of `path`'s answer, or throws naming `what`.
    init(_ value: Any, path: String, what: String = "object") throws(RESTError) {
        guard let o = value as? [String: Any] else {
            throw RESTError(kind: .invalidResponse("expected \(what) to be a JSON object"), path: path)
        }
        self.init(object: o, path: path)
    }

    private func present(_ key: String) -> Any? {
        guard let v = object[key], !(v is NSNull) else { return nil }
        return v
    }

    func string(_ key: String) throws(RESTError) -> String {
        guard let v = try optionalString(key) else { throw missing(key) }
        return v
    }

    func optionalString(_ key: String) throws(RESTError) -> String? {
        guard let v = present(key) else { return nil }
        guard let s = v as? String else { throw malformed(key) }
        return s
    }

    func decimal(_ key: String) throws(RESTError) -> ExactDecimal {
        guard let v = try optionalDecimal(key) else { throw missing(key) }
        return v
    }

    func optionalDecimal(_ key: String) throws(RESTError) -> ExactDecimal? {
        guard let v = present(key) else { return nil }
        guard let d = Self.decimal(from: v) else { throw malformed(key) }
        guard WireLimits.accepts(d) else { throw outOfRange(key) }
        return d
    }

    func int(_ key: String) throws(RESTError) -> Int64 {
        guard let v = try optionalInt(key) else { throw missing(key) }
        return v
    }

    func optionalInt(_ key: String) throws(RESTError) -> Int64? {
        guard let v = present(key) else { return nil }
        guard let i = Self.int(from: v) else { throw malformed(key) }
        guard WireLimits.accepts(i) else { throw outOfRange(key) }
        return i
    }

    func bool(_ key: String) throws(RESTError) -> Bool {
        guard let v = try optionalBool(key) else { throw missing(key) }
        return v
    }

    func optionalBool(_ key: String) throws(RESTError) -> Bool? {
        guard let v = present(key) else { return nil }
        if let n = v as? NSNumber, Self.isBool(n) { return n.boolValue }
        if let s = v as? String, s == "true" || s == "false" { return s == "true" }
        throw malformed(key)
    }

    /// A nested array of objects (required).
    func objects(_ key: String) throws(RESTError) -> [[String: Any]] {
        guard let v = present(key) else { throw missing(key) }
        guard let list = v as? [[String: Any]] else { throw malformed(key) }
        return list
    }

    /// JSON `true`/`false` (an NSNumber of type char), not a number.
    static func isBool(_ n: NSNumber) -> Bool { String(cString: n.objCType) == "c" }

    func missing(_ key: String) -> RESTError {
        RESTError(kind: .invalidResponse("missing field \"\(context)\(key)\""), path: path)
    }

    func outOfRange(_ key: String) -> RESTError {
        RESTError(kind: .invalidResponse("field \"\(context)\(key)\" out of range"), path: path)
    }

    func malformed(_ key: String) -> RESTError {
        RESTError(kind: .invalidResponse("malformed field \"\(context)\(key)\""), path: path)
    }
}
