extension ExactDecimal {
    /// Parses ASCII decimal bytes without allocating: `[-+]digits[.digits][(e|E)[-+]digits]`.
    ///
    /// - Parameter bytes: the text's UTF-8 bytes (no quotes, no surrounding space).
    public static func parse(_ bytes: UnsafeBufferPointer<UInt8>) throws(ExactDecimalError) -> ExactDecimal {
        let n = bytes.count
        guard n > 0 else { throw .empty }
        var i = 0
        var negative = false
        if bytes[0] == UInt8(ascii: "-") {
            negative = true
            i = 1
        } else if bytes[0] == UInt8(ascii: "+") {
            i = 1
        }
        var m: Int64 = 0
        var significant = 0
        var scale = 0
        var sawDigit = false
        while i < n {
            let d = bytes[i] &- 48
            guard d < 10 else { break }
            sawDigit = true
            if m != 0 || d != 0 {
                significant += 1
                guard significant <= 18 else { throw .tooPrecise }
                m = m &* 10 &+ Int64(d)
            }
            i += 1
        }
        if i < n && bytes[i] == UInt8(ascii: ".") {
            i += 1
            var pendingZeros = 0
            var sawFraction = false
            while i < n {
                let d = bytes[i] &- 48
                guard d < 10 else { break }
                sawFraction = true
                if d == 0 {
                    pendingZeros += 1
                } else {
                    let shift = pendingZeros + 1
                    if m != 0 { significant += shift } else { significant = 1 }
                    scale += shift
                    guard significant <= 18, scale <= 18 else { throw .tooPrecise }
                    m = m &* pow10(shift) &+ Int64(d)
                    pendingZeros = 0
                }
                i += 1
            }
            guard sawDigit || sawFraction else { throw .syntax }
        } else {
            guard sawDigit else { throw .syntax }
        }
        if i < n && (bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E")) {
            return try parseExponent(bytes, from: i + 1, mantissa: negative ? -m : m, scale: scale)
        }
        guard i == n else { throw .syntax }
        return ExactDecimal(normalizedMantissa: negative ? -m : m, scale: UInt8(truncatingIfNeeded: scale))
    }

    static func parseExponent(
        _ bytes: UnsafeBufferPointer<UInt8>, from start: Int, mantissa: Int64, scale: Int
    ) throws(ExactDecimalError) -> ExactDecimal {
        var i = start
        let n = bytes.count
        var negative = false
        if i < n && (bytes[i] == UInt8(ascii: "-") || bytes[i] == UInt8(ascii: "+")) {
            negative = bytes[i] == UInt8(ascii: "-")
            i += 1
        }
        var exponent = 0
        var sawDigit = false
        while i < n {
            let d = bytes[i] &- 48
            guard d < 10 else { throw .syntax }
            sawDigit = true
            exponent = exponent * 10 + Int(d)
            guard exponent < 100 else { throw .tooPrecise }
            i += 1
        }
        guard sawDigit else { throw .syntax }
        var m = Int128(mantissa)
        var s = scale + (negative ? exponent : -exponent)
        if mantissa == 0 { return .zero }
        if s < 0 {
            guard -s <= 18 else { throw .tooPrecise }
            m *= Int128(pow10(-s))
            s = 0
        }
        while s > 0 && m % 10 == 0 {
            m /= 10
            s -= 1
        }
        guard s <= 18, m < 1_000_000_000_000_000_000, m > -1_000_000_000_000_000_000 else { throw .tooPrecise }
        return ExactDecimal(normalizedMantissa: Int64(m), scale: UInt8(s))
    }
}
