/// The ranges a number read from outside (a frame, a REST body, a recording) must fall in.
///
/// Anything past them is a decoding failure naming the field, counted like any malformed frame,
/// never a value: a price of `1e17` or a timestamp of `-9223372036854775808` is not data any
/// exchange sends, and letting it through would make later arithmetic overflow. The limits leave
/// ample room for real values (a meme coin's daily volume in base units is below 10^15; a
/// millisecond timestamp is about 1.7 × 10^12), and keep a sum or difference of two decoded whole
/// numbers inside `Int64`. Products of decimals can still pass ``ExactDecimal``'s range: the
/// arithmetic saturates and ``ExactDecimal/multipliedReportingOverflow(by:)`` tells.
///
/// ```swift
/// WireLimits.accepts(try ExactDecimal(parsing: "1e17"))   // false
/// ```
public enum WireLimits {
    /// Decimals must be smaller than this in magnitude: 10^16.
    public static let decimalMagnitude = ExactDecimal(mantissa: 1, scale: -16)

    /// Whole numbers (times, ids, counts) must be within ± this: 10^18.
    public static let integerMagnitude: Int64 = 1_000_000_000_000_000_000

    /// `true` when `value` is within ``decimalMagnitude``.
    @inline(__always)
    public static func accepts(_ value: ExactDecimal) -> Bool {
        // |mantissa| < 2^63 < 10^19: from scale 3 on every mantissa is below 10^16 × 10^scale.
        value.scale >= 3 || value.mantissa.magnitude < 10_000_000_000_000_000 &* UInt64(ExactDecimal.pow10(Int(value.scale)))
    }

    /// `true` when `value` is within ±``integerMagnitude``.
    @inline(__always)
    public static func accepts(_ value: Int64) -> Bool {
        value >= -integerMagnitude && value <= integerMagnitude
    }
}
