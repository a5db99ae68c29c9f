/// An exact, fixed-point decimal number: an integer mantissa and a power-of-ten scale.
///
/// Aster sends every price, quantity, rate and notional as a decimal string. `ExactDecimal`
/// keeps those values exactly (no binary floating point), compares and hashes them by value
/// (`"7403.90"` and `"7403.9"` are the same book level) and formats them back canonically.
///
/// The representation is normalised: the fractional part never ends in a zero, so equality and
/// hashing are plain field comparisons. Up to 18 significant digits and 18 fractional digits are
/// held exactly; parsing a longer number fails instead of rounding silently.
///
/// ```swift
/// let price = try ExactDecimal(parsing: "7403.90")
/// price == ExactDecimal(mantissa: 74039, scale: 1)   // true
/// price.description                                  // "7403.9"
/// ```
public struct ExactDecimal: Sendable, Hashable {
    /// The integer mantissa; the value is `mantissa / 10^scale`.
    public let mantissa: Int64
    /// The number of fractional digits (0...18).
    public let scale: UInt8

    /// The largest supported scale.
    public static let maxScale: UInt8 = 18

    /// Zero.
    public static let zero = ExactDecimal(normalizedMantissa: 0, scale: 0)

    init(normalizedMantissa: Int64, scale: UInt8) {
        self.mantissa = normalizedMantissa
        self.scale = scale
    }

    /// Creates `mantissa / 10^scale`, normalising trailing fractional zeros away.
    ///
    /// - Parameters:
    ///   - mantissa: the integer mantissa.
    ///   - scale: the number of fractional digits; values above 18 are clamped by rounding.
    /// A negative scale multiplies by a power of ten; a result out of range saturates at
    /// ±``greatestMagnitude`` (as the arithmetic operators do).
    public init(mantissa: Int64, scale: Int) {
        var m = Int128(mantissa)
        var s = scale
        if s < 0 {
            // Past 10^18 every non-zero mantissa leaves the range (`fit` saturates what is left).
            m = -s <= 18 ? m * Int128(Self.pow10(-s)) : m.signum() * Int128(Int64.max) * 2
            s = 0
        }
        self = Self.fit(m, scale: s)
    }

    /// `mantissa / 10^scale` for a mantissa and scale already in range (0...18): strips trailing
    /// zeros with 64-bit arithmetic only.
    static func normalized(mantissa: Int64, scale: UInt8) -> ExactDecimal {
        var m = mantissa
        var s = scale
        while s > 0 && m % 10 == 0 {
            m /= 10
            s -= 1
        }
        return ExactDecimal(normalizedMantissa: m, scale: s)
    }

    /// Creates an integral value.
    public init(_ value: Int) {
        self.init(normalizedMantissa: Int64(value), scale: 0)
    }

    /// Powers of ten that fit an `Int64`.
    static let powersOfTen: [Int64] = {
        var p: [Int64] = [1]
        var next: Int64 = 1
        for _ in 1...18 {
            next *= 10
            p.append(next)
        }
        return p
    }()

    static func pow10(_ n: Int) -> Int64 { powersOfTen[n] }

    /// The largest magnitude an ``ExactDecimal`` holds: `9223372036854775807` (`Int64.max`, scale 0).
    public static let greatestMagnitude = ExactDecimal(normalizedMantissa: .max, scale: 0)

    /// Reduces a wide mantissa to a normalised value, rounding half-even when it does not fit;
    /// a value past ±``greatestMagnitude`` saturates there and reports the overflow.
    static func fitReportingOverflow(_ wide: Int128, scale: Int) -> (partialValue: ExactDecimal, overflow: Bool) {
        // Most results fit 64 bits and need no rounding: normalise them with 64-bit division.
        if scale >= 0, scale <= Int(maxScale), let narrow = Int64(exactly: wide), narrow != .min {
            var m = narrow
            var s = scale
            while s > 0 && m % 10 == 0 {
                m /= 10
                s -= 1
            }
            return (ExactDecimal(normalizedMantissa: m, scale: UInt8(s)), false)
        }
        var m = wide
        var s = max(0, scale)
        while s > 0 && m % 10 == 0 {
            m /= 10
            s -= 1
        }
        while s > Int(maxScale) || (s > 0 && (m > Int128(Int64.max) || m < Int128(Int64.min + 1))) {
            m = roundHalfEven(m, dividingBy: 10)
            s -= 1
        }
        while s > 0 && m % 10 == 0 {
            m /= 10
            s -= 1
        }
        guard m <= Int128(Int64.max) && m >= Int128(Int64.min + 1) else {
            return (m < 0 ? -greatestMagnitude : greatestMagnitude, true)
        }
        return (ExactDecimal(normalizedMantissa: Int64(m), scale: UInt8(s)), false)
    }

    /// ``fitReportingOverflow(_:scale:)`` without the flag: saturates, never traps.
    static func fit(_ wide: Int128, scale: Int) -> ExactDecimal {
        fitReportingOverflow(wide, scale: scale).partialValue
    }

    /// `m / d` rounded half-even, for either sign of `m` and `d`.
    static func roundHalfEven(_ m: Int128, dividingBy d: Int128) -> Int128 {
        var q = m / d
        let r = m % d
        let twice = (r < 0 ? -r : r) * 2
        let size = d < 0 ? -d : d
        if twice > size || (twice == size && q % 2 != 0) {
            // Away from zero, in the direction of the true quotient.
            q += (m < 0) != (d < 0) ? -1 : 1
        }
        return q
    }

    /// `true` when the value is zero.
    public var isZero: Bool { mantissa == 0 }

    /// `true` when the value is below zero.
    public var isNegative: Bool { mantissa < 0 }

    /// The value as a `Double`, for drawing bars and charts only; never for arithmetic on money.
    public var doubleValue: Double {
        Double(mantissa) / Double(Self.pow10(Int(scale)))
    }

    /// The mantissa rescaled to `scale` digits, exact, as a 128-bit integer.
    func wideMantissa(atScale target: UInt8) -> Int128 {
        // |mantissa| < 2^63 and 10^18 < 2^60: the product fits 128 bits.
        Int128(mantissa) * Int128(Self.pow10(Int(target) - Int(scale)))
    }
}

extension ExactDecimal: Comparable {
    public static func < (lhs: ExactDecimal, rhs: ExactDecimal) -> Bool {
        if lhs.scale == rhs.scale { return lhs.mantissa < rhs.mantissa }
        let s = max(lhs.scale, rhs.scale)
        return lhs.wideMantissa(atScale: s) < rhs.wideMantissa(atScale: s)
    }
}

extension ExactDecimal: ExpressibleByIntegerLiteral {
    public init(integerLiteral value: Int64) {
        self.init(normalizedMantissa: value, scale: 0)
    }
}

extension ExactDecimal: CustomStringConvertible, LosslessStringConvertible {
    /// The canonical text: no exponent, no trailing fractional zeros, `-` for negatives.
    public var description: String {
        if scale == 0 { return String(mantissa) }
        let negative = mantissa < 0
        let magnitude = mantissa.magnitude
        var digits = String(magnitude)
        let s = Int(scale)
        if digits.count <= s {
            digits = String(repeating: "0", count: s - digits.count + 1) + digits
        }
        let split = digits.index(digits.endIndex, offsetBy: -s)
        return (negative ? "-" : "") + digits[..<split] + "." + digits[split...]
    }

    /// Parses decimal text (`"-12.50"`, `"1e-8"`); returns `nil` when it is not a number.
    public init?(_ description: String) {
        guard let value = try? ExactDecimal(parsing: description) else { return nil }
        self = value
    }

    /// Parses decimal text, throwing a descriptive error when it is not an exact decimal.
    ///
    /// - Parameter text: digits with an optional sign, point and exponent.
    public init(parsing text: String) throws(ExactDecimalError) {
        var copy = text
        let result = copy.withUTF8 { buffer -> Result<ExactDecimal, ExactDecimalError> in
            do throws(ExactDecimalError) {
                return .success(try ExactDecimal.parse(buffer))
            } catch {
                return .failure(error)
            }
        }
        self = try result.get()
    }

    /// Text with exactly `digits` fractional digits, rounding half-even when needed.
    ///
    /// - Parameter digits: fractional digits to show (0...18).
    public func formatted(fractionDigits digits: Int) -> String {
        let target = max(0, min(digits, Int(Self.maxScale)))
        let value: ExactDecimal = Int(scale) > target ? rounded(scale: target) : self
        var text = value.description
        let have = Int(value.scale)
        if have < target {
            text += (have == 0 ? "." : "") + String(repeating: "0", count: target - have)
        }
        return text
    }
}

/// Why text could not be read as an ``ExactDecimal``.
public struct ExactDecimalError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The reason, readable.
    public let reason: String

    public var description: String { "invalid decimal: \(reason)" }

    static let empty = ExactDecimalError(reason: "empty")
    static let syntax = ExactDecimalError(reason: "not a decimal number")
    static let tooPrecise = ExactDecimalError(reason: "more than 18 significant or fractional digits")
}
