/// A minimal streaming JSON text writer (correct escaping, no intermediate dictionaries).
public struct JSONWriter: Sendable {
    /// The text written so far.
    public private(set) var bytes: [UInt8] = []
    private var needsComma = false

    /// Creates an empty writer.
    public init() { bytes.reserveCapacity(256) }

    /// Empties the writer, keeping its storage (one writer for many lines).
    public mutating func reset() {
        bytes.removeAll(keepingCapacity: true)
        needsComma = false
    }

    /// The text written so far.
    public var text: String { String(decoding: bytes, as: UTF8.self) }

    private mutating func separator() {
        if needsComma { bytes.append(UInt8(ascii: ",")) }
        needsComma = true
    }

    /// `{`
    public mutating func beginObject() {
        separator()
        bytes.append(UInt8(ascii: "{"))
        needsComma = false
    }

    /// `}`
    public mutating func endObject() {
        bytes.append(UInt8(ascii: "}"))
        needsComma = true
    }

    /// `[`
    public mutating func beginArray() {
        separator()
        bytes.append(UInt8(ascii: "["))
        needsComma = false
    }

    /// `]`
    public mutating func endArray() {
        bytes.append(UInt8(ascii: "]"))
        needsComma = true
    }

    /// An object key followed by `:`.
    public mutating func key(_ name: String) {
        string(name)
        bytes.append(UInt8(ascii: ":"))
        needsComma = false
    }

    /// A string value, escaped.
    public mutating func string(_ value: String) {
        separator()
        bytes.append(UInt8(ascii: "\""))
        for b in value.utf8 {
            switch b {
            case UInt8(ascii: "\""): bytes.append(contentsOf: [0x5C, 0x22])
            case UInt8(ascii: "\\"): bytes.append(contentsOf: [0x5C, 0x5C])
            case 0x0A: bytes.append(contentsOf: [0x5C, UInt8(ascii: "n")])
            case 0x0D: bytes.append(contentsOf: [0x5C, UInt8(ascii: "r")])
            case 0x09: bytes.append(contentsOf: [0x5C, UInt8(ascii: "t")])
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                bytes.append(contentsOf: [0x5C, UInt8(ascii: "u"), 0x30, 0x30, hex[Int(b >> 4)], hex[Int(b & 15)]])
            default: bytes.append(b)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// An integer value.
    public mutating func int(_ value: Int64) {
        separator()
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        digits(value.magnitude)
    }

    /// A boolean value.
    public mutating func bool(_ value: Bool) {
        separator()
        bytes.append(contentsOf: (value ? "true" : "false").utf8)
    }

    /// `null`.
    public mutating func null() {
        separator()
        bytes.append(contentsOf: "null".utf8)
    }

    /// A decimal, as a JSON string in canonical form (exact; never a JSON number).
    public mutating func decimal(_ value: ExactDecimal) {
        // Written digit by digit, exactly as `value.description` (no string built per number).
        separator()
        bytes.append(UInt8(ascii: "\""))
        if value.mantissa < 0 { bytes.append(UInt8(ascii: "-")) }
        let magnitude = value.mantissa.magnitude
        let scale = Int(value.scale)
        if scale == 0 {
            digits(magnitude)
        } else {
            let unit = UInt64(ExactDecimal.pow10(scale))
            digits(magnitude / unit)
            bytes.append(UInt8(ascii: "."))
            digits(magnitude % unit, width: scale)
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// Appends the decimal digits of `value`, left-padded with zeros to `width`.
    private mutating func digits(_ value: UInt64, width: Int = 1) {
        var count = 1
        var rest = value / 10
        while rest > 0 {
            count += 1
            rest /= 10
        }
        count = max(count, width)
        let end = bytes.count + count
        bytes.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: count))
        bytes.withUnsafeMutableBufferPointer { out in
            var v = value
            var i = end - 1
            while v > 0 {
                out[i] = UInt8(ascii: "0") + UInt8(v % 10)
                v /= 10
                i -= 1
            }
        }
    }

    /// Raw, already valid JSON.
    public mutating func raw(_ json: String) {
        separator()
        bytes.append(contentsOf: json.utf8)
    }

    // Key-value helpers.

    /// `"key": "text"`.
    public mutating func field(_ k: String, _ v: String) { key(k); string(v) }
    /// `"key": 123`.
    public mutating func field(_ k: String, _ v: Int64) { key(k); int(v) }
    /// `"key": true`.
    public mutating func field(_ k: String, _ v: Bool) { key(k); bool(v) }
    /// `"key": "1.5"`.
    public mutating func field(_ k: String, _ v: ExactDecimal) { key(k); decimal(v) }
    /// Optional values are written only when present.
    public mutating func field(_ k: String, _ v: ExactDecimal?) { if let v { field(k, v) } }
    /// Optional values are written only when present.
    public mutating func field(_ k: String, _ v: Int64?) { if let v { field(k, v) } }
    /// Optional values are written only when present.
    public mutating func field(_ k: String, _ v: String?) { if let v { field(k, v) } }
    /// Optional values are written only when present.
    public mutating func field(_ k: String, _ v: Bool?) { if let v { field(k, v) } }
    /// `"key": "WIRE_VALUE"`.
    public mutating func field<E: WireEnum>(_ k: String, _ v: E) { field(k, v.wireValue) }
    /// Optional enums are written only when present.
    public mutating func field<E: WireEnum>(_ k: String, _ v: E?) { if let v { field(k, v.wireValue) } }
    /// `"key": [["price","qty"], …]`.
    public mutating func field(_ k: String, levels: [PriceLevel]) {
        key(k)
        beginArray()
        for level in levels {
            beginArray()
            decimal(level.price)
            decimal(level.quantity)
            endArray()
        }
        endArray()
    }
}
