import AsterTestSupport
import AsterSim
import Foundation

@testable import AsterKit

/// Hostile variants of the spec's payload examples: values replaced by extreme numbers,
/// exponent forms, 26-digit numbers, `1e-400`, empty strings, nulls, wrong types, deep nesting,
/// invalid UTF-8 and huge arrays; frames cut short, wrapped in envelopes and arrays.
///
/// Each template is scanned once for the byte ranges of its values (strings that are not keys,
/// numbers, literals), so a mutation is a splice, cheap enough for 100,000 frames in a debug build.
struct HostileFrames {
    struct Template {
        let name: String
        let bytes: [UInt8]
        /// Byte ranges of every scalar value.
        let values: [Range<Int>]
    }

    let templates: [Template]
    var random: SeededGenerator

    /// Values that decode (so they reach arithmetic) but sit at the edges of the range.
    static let inRange: [String] = [
        #""9999999999999999""#, #""-9999999999999999""#, #""9999999999999999.9""#, #""0.000000000000000001""#,
        #""-0.000000000000000001""#, #""0""#, #""-0""#, #""1e15""#, #""-1e15""#, #""999999999999999.999""#,
        #""123456789.123456789""#, "1000000000000000000", "-1000000000000000000", "0", "-1", #""1""#, "9e15",
        #""5e-18""#, #""0.1""#,
    ]

    /// Values that must be refused (a counted decode failure) or are of the wrong type.
    static let outOfRange: [String] = [
        #""1e17""#, #""9e18""#, #""-9e18""#, #""12345678901234567890123456""#, #""1e-400""#, #""1e400""#, #""""#,
        "null", "true", "false", "{}", "[]", #""abc""#, "1e17", "-9223372036854775808", "9223372036854775807",
        "18446744073709551616", #""NaN""#, #""Infinity""#, #""-""#, #"".""#, #""1e""#, #""0x10""#, "1.5", #""\u0000""#,
        #""\ud800""#, #""B\"TC""#, #""WEIRD_ENUM""#, "12345678901234567890123456", "-0.0e-0", #""+1""#, #"" 1""#,
    ]

    init(fixtures: [(name: String, text: String)], seed: UInt64) {
        templates = fixtures.map { Template(name: $0.name, bytes: Array($0.text.utf8), values: Self.valueRanges(Array($0.text.utf8))) }
        random = SeededGenerator(seed: seed)
    }

    /// The byte ranges of the scalar values of a JSON text (not keys).
    static func valueRanges(_ b: [UInt8]) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        var i = 0
        while i < b.count {
            let c = b[i]
            if c == UInt8(ascii: "\"") {
                var j = i + 1
                while j < b.count && b[j] != UInt8(ascii: "\"") { j += b[j] == UInt8(ascii: "\\") ? 2 : 1 }
                var k = j + 1
                while k < b.count && (b[k] == 32 || b[k] == 10 || b[k] == 13 || b[k] == 9) { k += 1 }
                if k >= b.count || b[k] != UInt8(ascii: ":") { ranges.append(i..<min(j + 1, b.count)) }
                i = j + 1
            } else if c == UInt8(ascii: "-") || (c >= 48 && c <= 57) || c == UInt8(ascii: "t") || c == UInt8(ascii: "f")
                        || c == UInt8(ascii: "n") {
                var j = i
                while j < b.count, !",]} \n\r\t".utf8.contains(b[j]) { j += 1 }
                ranges.append(i..<j)
                i = j
            } else {
                i += 1
            }
        }
        return ranges
    }

    mutating func pick<T>(_ list: [T]) -> T { list[Int(random.next() % UInt64(list.count))] }

    mutating func chance(_ percent: UInt64) -> Bool { random.next() % 100 < percent }

    /// One hostile value: mostly edge values that decode, often ones that must not.
    mutating func hostileValue() -> [UInt8] {
        switch random.next() % 100 {
        case 0..<45: return Array(pick(Self.inRange).utf8)
        case 45..<90: return Array(pick(Self.outOfRange).utf8)
        case 90..<93: return [UInt8(ascii: "\"")] + [0xFF, 0xFE, 0xC3, 0x28] + [UInt8(ascii: "\"")]  // invalid UTF-8
        case 93..<96:
            let depth = 40 + Int(random.next() % 60)
            return Array((String(repeating: "[", count: depth) + String(repeating: "]", count: depth)).utf8)
        case 96..<98: return Array(("\"" + String(repeating: "A", count: 4_000) + "\"").utf8)
        default:
            // A huge array of numbers.
            return Array(("[" + Array(repeating: #""1e15""#, count: 3_000).joined(separator: ",") + "]").utf8)
        }
    }

    /// A depth-style level list of `count` levels with random prices (a huge but valid-looking array).
    mutating func hugeLevels(_ count: Int) -> [UInt8] {
        var text = "["
        for i in 0..<count {
            if i > 0 { text += "," }
            text += "[\"\(random.next() % 1_000_000).\(random.next() % 100)\",\"\(random.next() % 10_000)\"]"
        }
        return Array((text + "]").utf8)
    }

    /// The next hostile frame, with the name of the template it came from.
    mutating func next() -> (template: String, bytes: [UInt8]) {
        let t = templates[Int(random.next() % UInt64(templates.count))]
        var out = t.bytes
        // Replace 1 to 4 values (from the last, so earlier ranges stay valid).
        let count = 1 + Int(random.next() % 4)
        var chosen = Set<Int>()
        for _ in 0..<count where !t.values.isEmpty { chosen.insert(Int(random.next() % UInt64(t.values.count))) }
        for index in chosen.sorted(by: >) {
            let range = t.values[index]
            out.replaceSubrange(range, with: hostileValue())
        }
        switch random.next() % 100 {
        case 0..<8:
            out = Array(out.prefix(Int(random.next() % UInt64(max(1, out.count)))))  // cut short
        case 8..<12:
            let at = Int(random.next() % UInt64(out.count + 1))
            out.insert(contentsOf: pick([[0xFF], [0xC3], [0xE2, 0x82], [0x00], [0x22], [0x7B], [0x5D]] as [[UInt8]]), at: at)
        case 12..<18:
            out = Array(#"{"stream":"btcusdt@x","data":"#.utf8) + out + [UInt8(ascii: "}")]
        case 18..<22:
            out = [UInt8(ascii: "[")] + out + [UInt8(ascii: ",")] + out + [UInt8(ascii: "]")]
        case 22..<24:
            // A huge level list where the template has one (depth "b"/"a").
            if let key = firstRange(of: #""b":"#, in: out) {
                let start = key.upperBound
                if let end = matchingBracket(out, from: start) { out.replaceSubrange(start..<end, with: hugeLevels(2_000)) }
            }
        case 24..<26:
            let depth = 100 + Int(random.next() % 100)
            out = Array(String(repeating: #"{"a":"#, count: depth).utf8) + out + Array(String(repeating: "}", count: depth).utf8)
        default: break
        }
        return (t.name, out)
    }

    func firstRange(of text: String, in bytes: [UInt8]) -> Range<Int>? {
        let needle = Array(text.utf8)
        guard bytes.count >= needle.count else { return nil }
        for i in 0...(bytes.count - needle.count) where bytes[i..<(i + needle.count)].elementsEqual(needle) {
            return i..<(i + needle.count)
        }
        return nil
    }

    /// The end (exclusive) of the array starting at `start` (skipping spaces), or `nil`.
    func matchingBracket(_ b: [UInt8], from start: Int) -> Int? {
        var i = start
        while i < b.count && b[i] == 32 { i += 1 }
        guard i < b.count, b[i] == UInt8(ascii: "[") else { return nil }
        var depth = 0
        var inString = false
        while i < b.count {
            let c = b[i]
            if inString {
                if c == UInt8(ascii: "\\") { i += 1 } else if c == UInt8(ascii: "\"") { inString = false }
            } else if c == UInt8(ascii: "\"") {
                inString = true
            } else if c == UInt8(ascii: "[") {
                depth += 1
            } else if c == UInt8(ascii: "]") {
                depth -= 1
                if depth == 0 { return i + 1 }
            }
            i += 1
        }
        return nil
    }
}
