/// Removes secrets from text before it is stored or shown.
///
/// The values of the JSON keys in ``secretKeys`` become `"<redacted>"`. Works on bytes in one pass:
/// a frame without a `"` followed by one of the keys' first letters costs one scan and a copy.
///
/// ```swift
/// Redaction.redact(#"{"e":"listenKeyExpired","listenKey":"pqia91ma"}"#)
/// // {"e":"listenKeyExpired","listenKey":"<redacted>"}
/// ```
public enum Redaction {
    /// JSON keys whose string values are secrets.
    public static let secretKeys = ["listenKey", "signature", "apiKey", "secret", "privateKey", "signerKey"]

    private static let keyBytes: [[UInt8]] = secretKeys.map { Array($0.utf8) }
    private static let placeholder: [UInt8] = Array("<redacted>".utf8)

    /// `text` with the values of secret keys replaced by `"<redacted>"`.
    public static func redact(_ text: String) -> String {
        var text = text
        var out: [UInt8] = []
        text.withUTF8 { appendRedacted($0, to: &out, newlines: false) }
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends a recording line, `<ms>\t<frame>\n`, to `out`: the frame redacted, its newlines as spaces.
    static func appendLine(time ms: Int64, frame: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        appendDecimal(ms, to: &out)
        out.append(UInt8(ascii: "\t"))
        appendRedacted(frame, to: &out, newlines: true)
        out.append(UInt8(ascii: "\n"))
    }

    private static func appendDecimal(_ value: Int64, to out: inout [UInt8]) {
        if value < 0 { out.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        let start = out.count
        repeat {
            out.append(UInt8(ascii: "0") + UInt8(magnitude % 10))
            magnitude /= 10
        } while magnitude > 0
        out[start...].reverse()
    }

    /// Copies `bytes` to `out`, replacing the string values of secret keys (and, with `newlines`,
    /// line feeds by spaces).
    static func appendRedacted(_ bytes: UnsafeBufferPointer<UInt8>, to out: inout [UInt8], newlines: Bool) {
        let quote = UInt8(ascii: "\"")
        let newline = UInt8(ascii: "\n")
        var copied = 0  // bytes[..<copied] are in `out`
        var i = 0
        let n = bytes.count
        while i < n {
            let b = bytes[i]
            if b == newline && newlines {
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[copied..<i]))
                out.append(UInt8(ascii: " "))
                i += 1
                copied = i
                continue
            }
            guard b == quote, let value = secretValue(bytes, keyStart: i + 1) else {
                i += 1
                continue
            }
            // bytes[value] is the secret, between its quotes.
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[copied..<value.lowerBound]))
            out.append(contentsOf: placeholder)
            copied = value.upperBound
            i = value.upperBound
        }
        out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[copied..<n]))
    }

    /// When `bytes[keyStart...]` is a secret key, its closing quote, a colon and an opening quote,
    /// the range of the string value (without quotes).
    private static func secretValue(_ bytes: UnsafeBufferPointer<UInt8>, keyStart: Int) -> Range<Int>? {
        guard keyStart < bytes.count else { return nil }
        let first = bytes[keyStart]
        // l(istenKey) s(ignature, ecret, ignerKey) a(piKey) p(rivateKey)
        guard first == UInt8(ascii: "l") || first == UInt8(ascii: "s") || first == UInt8(ascii: "a")
            || first == UInt8(ascii: "p")
        else { return nil }
        for key in keyBytes where key[0] == first {
            let end = keyStart + key.count
            guard end < bytes.count, bytes[end] == UInt8(ascii: "\"") else { continue }
            var matches = true
            for k in 1..<key.count where bytes[keyStart + k] != key[k] {
                matches = false
                break
            }
            guard matches else { continue }
            var j = skipSpaces(bytes, from: end + 1)
            guard j < bytes.count, bytes[j] == UInt8(ascii: ":") else { return nil }
            j = skipSpaces(bytes, from: j + 1)
            guard j < bytes.count, bytes[j] == UInt8(ascii: "\"") else { return nil }
            var close = j + 1
            while close < bytes.count, bytes[close] != UInt8(ascii: "\"") { close += 1 }
            guard close < bytes.count else { return nil }
            return (j + 1)..<close
        }
        return nil
    }

    private static func skipSpaces(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        var j = start
        while j < bytes.count, bytes[j] == 0x20 || bytes[j] == 0x09 || bytes[j] == 0x0a || bytes[j] == 0x0d { j += 1 }
        return j
    }
}
