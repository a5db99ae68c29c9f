/// A forward-only, allocation-free JSON reader over UTF-8 bytes.
///
/// It is the engine under ``EventDecoder``: models pull typed values straight from the bytes
/// (decimals into ``ExactDecimal`` without an intermediate `Double` or `String`), and skip what
/// they do not know. Every failure is a ``DecodingFailure`` carrying the byte offset.
struct JSONReader {
    let base: UnsafePointer<UInt8>
    let end: Int
    var pos: Int
    var depth: Int = 0
    /// `true` right after `{`, where the first key may not be preceded by a comma.
    var atObjectStart = false
    /// Where the text of the last key read starts and ends, to name the field in a range failure.
    var keyStart = 0
    var keyEnd = 0

    static let maxDepth = 64

    init(_ buffer: UnsafeBufferPointer<UInt8>) {
        self.base = buffer.baseAddress ?? UnsafePointer(bitPattern: 1)!
        self.end = buffer.count
        self.pos = 0
    }

    func fail(_ reason: DecodingFailure.Reason) -> DecodingFailure {
        DecodingFailure(reason, offset: pos)
    }

    mutating func skipWhitespace() {
        while pos < end {
            let c = base[pos]
            guard c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 else { return }
            pos += 1
        }
    }

    /// The next non-space byte, without consuming it (0 at end of input).
    mutating func peek() -> UInt8 {
        skipWhitespace()
        return pos < end ? base[pos] : 0
    }

    mutating func expect(_ byte: UInt8) throws(DecodingFailure) {
        skipWhitespace()
        guard pos < end, base[pos] == byte else {
            throw fail(pos < end ? .unexpected(expected: byte, found: base[pos]) : .truncated)
        }
        pos += 1
    }

    /// `true` when only white space is left.
    mutating func atEnd() -> Bool {
        skipWhitespace()
        return pos >= end
    }

    // MARK: Objects and arrays

    /// Enters an object; then call ``nextKey()`` until it returns `nil`.
    mutating func beginObject() throws(DecodingFailure) {
        try expect(UInt8(ascii: "{"))
        depth += 1
        guard depth <= Self.maxDepth else { throw fail(.tooDeep) }
        atObjectStart = true
    }

    /// The next key of the current object, its `:` consumed; `nil` after the closing brace.
    mutating func nextKey() throws(DecodingFailure) -> JSONKey? {
        skipWhitespace()
        guard pos < end else { throw fail(.truncated) }
        var c = base[pos]
        let first = atObjectStart
        atObjectStart = false
        if c == UInt8(ascii: "}") {
            pos += 1
            depth -= 1
            return nil
        }
        if !first {
            guard c == UInt8(ascii: ",") else { throw fail(.unexpected(expected: UInt8(ascii: ","), found: c)) }
            pos += 1
            skipWhitespace()
            guard pos < end else { throw fail(.truncated) }
            c = base[pos]
        }
        guard c == UInt8(ascii: "\"") else { throw fail(.unexpected(expected: UInt8(ascii: "\""), found: c)) }
        let key = try readKeyBody()
        try expect(UInt8(ascii: ":"))
        return key
    }

    mutating func readKeyBody() throws(DecodingFailure) -> JSONKey {
        pos += 1
        let start = pos
        while pos < end {
            let c = base[pos]
            if c == UInt8(ascii: "\"") {
                let key = JSONKey(UnsafeBufferPointer(start: base + start, count: pos - start))
                keyStart = start
                keyEnd = pos
                pos += 1
                return key
            }
            if c == UInt8(ascii: "\\") {
                pos = start - 1
                var utf8 = Array(try readString().utf8)
                keyStart = start
                keyEnd = pos - 1
                return utf8.withUnsafeMutableBufferPointer { JSONKey(UnsafeBufferPointer($0)) }
            }
            pos += 1
        }
        throw fail(.truncated)
    }

    /// Enters an array; then call ``nextElement()`` until it returns `false`.
    mutating func beginArray() throws(DecodingFailure) {
        try expect(UInt8(ascii: "["))
        depth += 1
        guard depth <= Self.maxDepth else { throw fail(.tooDeep) }
    }

    /// Moves to the next array element; `false` after the closing bracket.
    mutating func nextElement(first: Bool) throws(DecodingFailure) -> Bool {
        skipWhitespace()
        guard pos < end else { throw fail(.truncated) }
        let c = base[pos]
        if c == UInt8(ascii: "]") {
            pos += 1
            depth -= 1
            return false
        }
        if !first {
            guard c == UInt8(ascii: ",") else { throw fail(.unexpected(expected: UInt8(ascii: ","), found: c)) }
            pos += 1
        }
        return true
    }

    // MARK: Scalars

    /// Consumes `null` if it is next.
    mutating func consumeNull() -> Bool {
        skipWhitespace()
        if pos + 4 <= end && base[pos] == UInt8(ascii: "n") && base[pos + 1] == UInt8(ascii: "u")
            && base[pos + 2] == UInt8(ascii: "l") && base[pos + 3] == UInt8(ascii: "l")
        {
            pos += 4
            return true
        }
        return false
    }

    /// The raw bytes of a string value without escapes (`nil` if it has escapes: use ``readString()``).
    mutating func readStringBytes() throws(DecodingFailure) -> UnsafeBufferPointer<UInt8> {
        try expect(UInt8(ascii: "\""))
        let start = pos
        while pos < end {
            let c = base[pos]
            if c == UInt8(ascii: "\"") {
                pos += 1
                return UnsafeBufferPointer(start: base + start, count: pos - 1 - start)
            }
            if c == UInt8(ascii: "\\") { throw fail(.invalidValue("escaped text where plain text is expected")) }
            if c < 0x20 { throw fail(.invalidValue("control character in string")) }
            pos += 1
        }
        throw fail(.truncated)
    }

    /// A string value, escapes decoded.
    mutating func readString() throws(DecodingFailure) -> String {
        try expect(UInt8(ascii: "\""))
        let start = pos
        while pos < end {
            let c = base[pos]
            if c == UInt8(ascii: "\"") {
                pos += 1
                return String(decoding: UnsafeBufferPointer(start: base + start, count: pos - 1 - start), as: UTF8.self)
            }
            if c == UInt8(ascii: "\\") { return try readEscapedString(from: start) }
            if c < 0x20 { throw fail(.invalidValue("control character in string")) }
            pos += 1
        }
        throw fail(.truncated)
    }

    mutating func readEscapedString(from start: Int) throws(DecodingFailure) -> String {
        var out = [UInt8](UnsafeBufferPointer(start: base + start, count: pos - start))
        while pos < end {
            let c = base[pos]
            pos += 1
            switch c {
            case UInt8(ascii: "\""):
                return String(decoding: out, as: UTF8.self)
            case UInt8(ascii: "\\"):
                guard pos < end else { throw fail(.truncated) }
                let e = base[pos]
                pos += 1
                switch e {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(e)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"):
                    var scalar = try readHex4()
                    if (0xD800..<0xDC00).contains(scalar), pos + 6 <= end, base[pos] == UInt8(ascii: "\\"),
                        base[pos + 1] == UInt8(ascii: "u")
                    {
                        pos += 2
                        let low = try readHex4()
                        if (0xDC00..<0xE000).contains(low) {
                            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                        }
                    }
                    let s = Unicode.Scalar(scalar) ?? "\u{FFFD}"
                    out.append(contentsOf: String(Character(s)).utf8)
                default:
                    throw fail(.invalidValue("bad escape"))
                }
            default:
                guard c >= 0x20 else { throw fail(.invalidValue("control character in string")) }
                out.append(c)
            }
        }
        throw fail(.truncated)
    }

    mutating func readHex4() throws(DecodingFailure) -> UInt32 {
        guard pos + 4 <= end else { throw fail(.truncated) }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let c = base[pos]
            let d: UInt32
            switch c {
            case 0x30...0x39: d = UInt32(c - 0x30)
            case 0x41...0x46: d = UInt32(c - 0x41 + 10)
            case 0x61...0x66: d = UInt32(c - 0x61 + 10)
            default: throw fail(.invalidValue("bad \\u escape"))
            }
            v = v << 4 | d
            pos += 1
        }
        return v
    }

    /// The bytes of a bare number token.
    mutating func readNumberBytes() throws(DecodingFailure) -> UnsafeBufferPointer<UInt8> {
        skipWhitespace()
        let start = pos
        while pos < end {
            let c = base[pos]
            guard (c >= 0x30 && c <= 0x39) || c == UInt8(ascii: "-") || c == UInt8(ascii: "+")
                || c == UInt8(ascii: ".") || c == UInt8(ascii: "e") || c == UInt8(ascii: "E")
            else { break }
            pos += 1
        }
        guard pos > start else {
            throw fail(pos < end ? .invalidValue("expected a number") : .truncated)
        }
        return UnsafeBufferPointer(start: base + start, count: pos - start)
    }

    /// A decimal from a JSON string (`"0.001"`, Aster's form) or a bare JSON number, within
    /// ``WireLimits/decimalMagnitude`` (past it: a failure naming the field).
    mutating func readDecimal() throws(DecodingFailure) -> ExactDecimal {
        let bytes = peek() == UInt8(ascii: "\"") ? try readStringBytes() : try readNumberBytes()
        let value: ExactDecimal
        do {
            value = try ExactDecimal.parse(bytes)
        } catch {
            throw fail(.invalidValue(error.description))
        }
        guard WireLimits.accepts(value) else { throw fail(.outOfRange(field: lastKey)) }
        return value
    }

    /// A whole number from a bare JSON number or a numeric string, within
    /// ±``WireLimits/integerMagnitude`` (past it: a failure naming the field).
    mutating func readInt64() throws(DecodingFailure) -> Int64 {
        let quoted = peek() == UInt8(ascii: "\"")
        let bytes = quoted ? try readStringBytes() : try readNumberBytes()
        var i = 0
        var negative = false
        if bytes.count > 0 && bytes[0] == UInt8(ascii: "-") {
            negative = true
            i = 1
        }
        guard i < bytes.count else { throw fail(.invalidValue("expected an integer")) }
        var v: Int64 = 0
        while i < bytes.count {
            let d = bytes[i] &- 48
            guard d < 10 else { throw fail(.invalidValue("expected an integer")) }
            let (m, o1) = v.multipliedReportingOverflow(by: 10)
            let (a, o2) = m.addingReportingOverflow(Int64(d))
            guard !o1 && !o2 && a <= WireLimits.integerMagnitude else { throw fail(.outOfRange(field: lastKey)) }
            v = a
            i += 1
        }
        return negative ? -v : v
    }

    /// The text of the last key read (for error messages only).
    var lastKey: String {
        guard keyEnd > keyStart, keyEnd <= end else { return "?" }
        return String(decoding: UnsafeBufferPointer(start: base + keyStart, count: keyEnd - keyStart), as: UTF8.self)
    }

    /// `true`/`false` (also accepted as the strings `"true"`/`"false"`).
    mutating func readBool() throws(DecodingFailure) -> Bool {
        skipWhitespace()
        guard pos < end else { throw fail(.truncated) }
        if base[pos] == UInt8(ascii: "\"") {
            let s = try readStringBytes()
            if s.elementsEqual("true".utf8) { return true }
            if s.elementsEqual("false".utf8) { return false }
            throw fail(.invalidValue("expected a boolean"))
        }
        if pos + 4 <= end && base[pos] == UInt8(ascii: "t") && base[pos + 1] == UInt8(ascii: "r")
            && base[pos + 2] == UInt8(ascii: "u") && base[pos + 3] == UInt8(ascii: "e")
        {
            pos += 4
            return true
        }
        if pos + 5 <= end && base[pos] == UInt8(ascii: "f") && base[pos + 1] == UInt8(ascii: "a")
            && base[pos + 2] == UInt8(ascii: "l") && base[pos + 3] == UInt8(ascii: "s")
            && base[pos + 4] == UInt8(ascii: "e")
        {
            pos += 5
            return false
        }
        throw fail(.invalidValue("expected a boolean"))
    }

    /// Skips one complete value of any kind, checking its structure.
    mutating func skipValue() throws(DecodingFailure) {
        switch peek() {
        case UInt8(ascii: "\""):
            _ = try readStringSkippingEscapes()
        case UInt8(ascii: "{"):
            try beginObject()
            while try nextKey() != nil { try skipValue() }
        case UInt8(ascii: "["):
            try beginArray()
            var first = true
            while try nextElement(first: first) {
                first = false
                try skipValue()
            }
        case UInt8(ascii: "t"), UInt8(ascii: "f"):
            _ = try readBool()
        case UInt8(ascii: "n"):
            guard consumeNull() else { throw fail(.invalidValue("bad literal")) }
        case 0:
            throw fail(.truncated)
        default:
            _ = try readNumberBytes()
        }
    }

    mutating func readStringSkippingEscapes() throws(DecodingFailure) {
        try expect(UInt8(ascii: "\""))
        while pos < end {
            let c = base[pos]
            pos += 1
            if c == UInt8(ascii: "\"") { return }
            if c == UInt8(ascii: "\\") { pos += 1 }
            if c < 0x20 { throw fail(.invalidValue("control character in string")) }
        }
        throw fail(.truncated)
    }

    /// Reads the string value of an `e` key as a packed key, keeping its text for messages.
    mutating func readEventTypeKey() throws(DecodingFailure) -> EventTypeName {
        let save = pos
        if let bytes = try? readStringBytes() { return EventTypeName(bytes) }
        pos = save
        let text = try readString()
        var copy = text
        return EventTypeName(key: copy.withUTF8 { JSONKey($0) }, text: text)
    }

    /// The packed `e` of the object at the current position, without moving; `nil` if it has none.
    mutating func peekEventType() throws(DecodingFailure) -> JSONKey? {
        let start = pos
        let startDepth = depth
        defer {
            pos = start
            depth = startDepth
        }
        try beginObject()
        while let key = try nextKey() {
            if key == .e {
                guard peek() == UInt8(ascii: "\"") else { return nil }
                return try readEventTypeKey().key
            }
            try skipValue()
        }
        return nil
    }
}

/// An event type (`e`) as a packed key, with its text made only when needed.
struct EventTypeName {
    let key: JSONKey
    private let storedText: String?
    private let bytes: UnsafeBufferPointer<UInt8>?

    init(_ bytes: UnsafeBufferPointer<UInt8>) {
        key = JSONKey(bytes)
        self.bytes = bytes
        storedText = nil
    }

    init(key: JSONKey, text: String) {
        self.key = key
        storedText = text
        bytes = nil
    }

    /// The type's text (valid while the frame is being decoded).
    var text: String {
        storedText ?? bytes.map { String(decoding: $0, as: UTF8.self) } ?? ""
    }
}
