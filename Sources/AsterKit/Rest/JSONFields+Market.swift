import Foundation

extension JSONFields {
    /// Parses a REST body, or throws naming `path`.
    static func parse(_ body: [UInt8], path: String) throws(RESTError) -> Any {
        guard let value = try? JSONSerialization.jsonObject(with: Data(body), options: [.fragmentsAllowed]) else {
            throw RESTError(kind: .invalidResponse("not JSON"), path: path)
        }
        return value
    }

    /// `value` as the fields of an object nested under this one at `name` (errors read `context.name.field`).
    func nested(_ value: Any, _ name: String) throws(RESTError) -> JSONFields {
        guard let o = value as? [String: Any] else { throw malformed(name) }
        var fields = JSONFields(object: o, path: path, skipped: skipped)
        fields.context = context + name + "."
        return fields
    }

    /// A required array of objects, each decoded by `make`; an element that fails to decode is
    /// left out and recorded in ``skipped`` (its error names it `key[i].field`), the rest delivered.
    func each<T>(_ key: String, _ make: (JSONFields) throws(RESTError) -> T) throws(RESTError) -> [T] {
        guard let v = object[key], !(v is NSNull) else { throw missing(key) }
        guard let list = v as? [Any] else { throw malformed(key) }
        var out: [T] = []
        out.reserveCapacity(list.count)
        for (i, element) in list.enumerated() {
            do {
                out.append(try make(try nested(element, "\(key)[\(i)]")))
            } catch {
                skipped.record(error)
            }
        }
        return out
    }

    /// A required array of objects, each as fields named `key[i].field` in errors.
    func elements(_ key: String) throws(RESTError) -> [JSONFields] {
        let list = try objects(key)
        var out: [JSONFields] = []
        out.reserveCapacity(list.count)
        for (i, o) in list.enumerated() { out.append(try nested(o, "\(key)[\(i)]")) }
        return out
    }

    /// A required array of strings.
    func strings(_ key: String) throws(RESTError) -> [String] {
        guard let v = object[key], !(v is NSNull) else { throw missing(key) }
        guard let list = v as? [String] else { throw malformed(key) }
        return list
    }

    /// A required string as a ``WireEnum`` (unknown text is kept as `.unknown`).
    func wire<E: WireEnum>(_ key: String, as type: E.Type = E.self) throws(RESTError) -> E {
        E(wire: try string(key))
    }

    /// A required whole number that fits an `Int`.
    func smallInt(_ key: String) throws(RESTError) -> Int {
        let v = try int(key)
        guard let i = Int(exactly: v) else { throw malformed(key) }
        return i
    }

    /// The answer of an endpoint that sends one object, or an array of them (the same kind for
    /// every symbol when no symbol is given), decoded element by element; elements are named
    /// `[i].field` in errors. An element of an array that fails to decode is left out and
    /// recorded in `skipped`, the rest delivered; a single object that fails throws.
    static func list<T>(_ value: Any, path: String, skipped: SkippedElements,
                        _ make: (JSONFields) throws(RESTError) -> T) throws(RESTError) -> [T] {
        if let one = value as? [String: Any] { return [try make(JSONFields(object: one, path: path, skipped: skipped))] }
        guard let array = value as? [Any] else {
            throw RESTError(kind: .invalidResponse("expected a JSON object or array"), path: path)
        }
        var out: [T] = []
        out.reserveCapacity(array.count)
        for (i, element) in array.enumerated() {
            guard let o = element as? [String: Any] else {
                skipped.record(RESTError(kind: .invalidResponse("expected element [\(i)] to be a JSON object"), path: path))
                continue
            }
            var fields = JSONFields(object: o, path: path, skipped: skipped)
            fields.context = "[\(i)]."
            do {
                out.append(try make(fields))
            } catch {
                skipped.record(error)
            }
        }
        return out
    }

    /// A decimal from a JSON string or number (not a boolean), or `nil`.
    static func decimal(from v: Any) -> ExactDecimal? {
        if let text = v as? String { return ExactDecimal(text) }
        if let n = v as? NSNumber, !isBool(n) { return ExactDecimal(n.stringValue) }
        return nil
    }

    /// A whole number from a JSON number or numeric string, or `nil`.
    static func int(from v: Any) -> Int64? {
        if let n = v as? NSNumber, !isBool(n) {
            // A fractional or huge number (a Double) is no whole number; only then is int64Value exact.
            let d = n.doubleValue
            guard d.isFinite, d >= -9.2e18, d <= 9.2e18 else { return nil }
            let i = n.int64Value
            return NSNumber(value: i) == n ? i : nil
        }
        if let text = v as? String { return Int64(text) }
        return nil
    }
}

/// Reads typed columns out of one row of an array-of-arrays REST answer (`klines`), naming the
/// row and the column in errors the way ``JSONFields`` names fields.
struct JSONRow {
    let values: [Any]
    let path: String
    /// The row's name in errors (`[3]`).
    let context: String

    /// Reads `value` as row `index` of `path`'s answer.
    init(_ value: Any, index: Int, path: String) throws(RESTError) {
        guard let values = value as? [Any] else {
            throw RESTError(kind: .invalidResponse("expected row [\(index)] to be a JSON array"), path: path)
        }
        self.values = values
        self.path = path
        self.context = "[\(index)]"
    }

    private func present(_ column: Int) -> Any? {
        guard column < values.count, !(values[column] is NSNull) else { return nil }
        return values[column]
    }

    /// The decimal at `column` (named `name` in errors).
    func decimal(_ column: Int, _ name: String) throws(RESTError) -> ExactDecimal {
        guard let v = present(column) else { throw missing(column, name) }
        guard let d = JSONFields.decimal(from: v), WireLimits.accepts(d) else { throw malformed(column, name) }
        return d
    }

    /// The whole number at `column` (named `name` in errors).
    func int(_ column: Int, _ name: String) throws(RESTError) -> Int64 {
        guard let v = present(column) else { throw missing(column, name) }
        guard let i = JSONFields.int(from: v), WireLimits.accepts(i) else { throw malformed(column, name) }
        return i
    }

    func missing(_ column: Int, _ name: String) -> RESTError {
        RESTError(kind: .invalidResponse("missing field \"\(context)[\(column)] \(name)\""), path: path)
    }

    func malformed(_ column: Int, _ name: String) -> RESTError {
        RESTError(kind: .invalidResponse("malformed field \"\(context)[\(column)] \(name)\""), path: path)
    }

    /// Every row of an array-of-arrays answer, decoded by `make`; a row that fails to decode is
    /// left out and recorded in `skipped`, the rest delivered.
    static func rows<T>(_ value: Any, path: String, skipped: SkippedElements,
                        _ make: (JSONRow) throws(RESTError) -> T) throws(RESTError) -> [T] {
        guard let array = value as? [Any] else {
            throw RESTError(kind: .invalidResponse("expected a JSON array"), path: path)
        }
        var out: [T] = []
        out.reserveCapacity(array.count)
        for (i, element) in array.enumerated() {
            do {
                out.append(try make(try JSONRow(element, index: i, path: path)))
            } catch {
                skipped.record(error)
            }
        }
        return out
    }
}
