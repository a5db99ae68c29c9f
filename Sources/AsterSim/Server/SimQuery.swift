import AsterKit
import Foundation

/// The parameters of one REST request (query string and form body), validated with the spec's
/// error codes and messages.
struct SimQuery: Sendable {
    let values: [String: String]

    init(_ values: [String: String]) { self.values = values }

    /// `a=1&b=x%20y` (form encoding: `+` is a space), values percent-decoded; a value whose
    /// percent-encoding is broken (`%zz`, a lone `%`, bytes that are not UTF-8) is kept as sent
    /// (`+` still a space). Names are taken as sent. Parsed over the bytes: every signed request
    /// is parsed by the rate limiter and by its handler.
    init(parsing text: String) {
        var out: [String: String] = [:]
        var text = text
        text.withUTF8 { bytes in
            var start = 0
            while start < bytes.count {
                var end = start
                while end < bytes.count, bytes[end] != UInt8(ascii: "&") { end += 1 }
                if end > start {
                    var equals = start
                    while equals < end, bytes[equals] != UInt8(ascii: "=") { equals += 1 }
                    let name = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<equals]), as: UTF8.self)
                    out[name] = equals < end ? Self.formDecoded(UnsafeBufferPointer(rebasing: bytes[(equals + 1)..<end])) : ""
                }
                start = end + 1
            }
        }
        values = out
    }

    /// One form-encoded value: `+` a space, `%XX` a byte; broken encoding leaves the value as sent.
    static func formDecoded(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        guard bytes.contains(where: { $0 == UInt8(ascii: "%") || $0 == UInt8(ascii: "+") }) else {
            return String(decoding: bytes, as: UTF8.self)
        }
        let spaced = bytes.map { $0 == UInt8(ascii: "+") ? UInt8(ascii: " ") : $0 }
        var decoded: [UInt8] = []
        decoded.reserveCapacity(spaced.count)
        var i = 0
        while i < spaced.count {
            guard spaced[i] == UInt8(ascii: "%") else {
                decoded.append(spaced[i])
                i += 1
                continue
            }
            guard i + 2 < spaced.count, let high = hexValue(spaced[i + 1]), let low = hexValue(spaced[i + 2]) else {
                return String(decoding: spaced, as: UTF8.self)
            }
            decoded.append(high << 4 | low)
            i += 3
        }
        return String(validating: decoded, as: UTF8.self) ?? String(decoding: spaced, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    subscript(_ name: String) -> String? { values[name].flatMap { $0.isEmpty ? nil : $0 } }

    static func missing(_ name: String) -> SimHTTPError {
        SimHTTPError(-1102, "Mandatory parameter '\(name)' was not sent, was empty/null, or malformed.")
    }

    static func invalid(_ name: String) -> SimHTTPError {
        SimHTTPError(-1130, "Data sent for parameter '\(name)' is not valid.")
    }

    func required(_ name: String) throws -> String {
        guard let v = self[name] else { throw Self.missing(name) }
        return v
    }

    /// A whole-number parameter; `-1100` for characters that are not digits.
    func long(_ name: String) throws -> Int64? {
        guard let text = self[name] else { return nil }
        guard let v = Int64(text) else {
            throw SimHTTPError(-1100, "Illegal characters found in parameter '\(name)'; legal range is '^-?[0-9]{1,20}$'.")
        }
        return v
    }

    /// `limit` (or another count) with its default and allowed range (`-1130` outside it).
    func limit(_ name: String = "limit", default value: Int, max: Int) throws -> Int {
        guard let v = try long(name) else { return value }
        guard v >= 1, v <= Int64(max) else { throw Self.invalid(name) }
        return Int(v)
    }

    /// `startTime` and `endTime`, `-1023` when the start is after the end.
    func timeRange() throws -> (start: Int64?, end: Int64?) {
        let start = try long("startTime")
        let end = try long("endTime")
        if let start, let end, start > end { throw SimHTTPError(-1023, "Start time is greater than end time.") }
        return (start, end)
    }

    /// The kline `interval`: `-1102` when missing, `-1120` when not one of the spec's.
    func interval() throws -> KlineInterval {
        guard let text = self["interval"] else { throw Self.missing("interval") }
        guard let interval = KlineInterval(validating: text) else { throw SimHTTPError(-1120, "Invalid interval.") }
        return interval
    }

    /// `"true"`/`"false"` (any case); `-1130` otherwise.
    func bool(_ name: String) throws -> Bool? {
        guard let text = self[name] else { return nil }
        switch text.lowercased() {
        case "true": return true
        case "false": return false
        default: throw Self.invalid(name)
        }
    }

    /// A decimal parameter; `-1100` when it is not a number.
    func decimal(_ name: String) throws -> ExactDecimal? {
        guard let text = self[name] else { return nil }
        guard let v = try? ExactDecimal(parsing: text) else {
            throw SimHTTPError(-1100, "Illegal characters found in parameter '\(name)'; legal range is '^([0-9]{1,20})(\\.[0-9]{1,20})?$'.")
        }
        return v
    }
}

extension Array {
    /// The elements in the window the spec's list endpoints describe: from `start` onwards when a
    /// start is given (`limit` of them), otherwise the last `limit` up to `end`.
    func window(time: (Element) -> Int64, start: Int64?, end: Int64?, limit: Int) -> [Element] {
        let inRange = filter { e in
            let t = time(e)
            return (start.map { t >= $0 } ?? true) && (end.map { t <= $0 } ?? true)
        }
        return start != nil ? Array(inRange.prefix(limit)) : Array(inRange.suffix(limit))
    }
}
