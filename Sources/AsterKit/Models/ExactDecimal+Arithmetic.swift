extension ExactDecimal {
    /// How to round a value onto a grid.
    public enum RoundingRule: Sendable {
        /// Towards negative infinity (grouping bids).
        case down
        /// Towards positive infinity (grouping asks).
        case up
        /// To the nearest, ties to even.
        case halfEven
    }

    /// The exact sum (rounded only past 18 significant digits) and whether it overflowed; an
    /// overflowing sum saturates at ±``greatestMagnitude``.
    ///
    /// Use this where the operands come from outside (a frame, a REST body, a file) and an
    /// overflow must be told apart from a real value.
    public func addingReportingOverflow(_ other: ExactDecimal) -> (partialValue: ExactDecimal, overflow: Bool) {
        if scale == other.scale {
            let (sum, overflow) = mantissa.addingReportingOverflow(other.mantissa)
            if !overflow && sum != .min && (scale == 0 || sum % 10 != 0) {
                return (ExactDecimal(normalizedMantissa: sum, scale: scale), false)
            }
        }
        let s = max(scale, other.scale)
        return Self.fitReportingOverflow(wideMantissa(atScale: s) + other.wideMantissa(atScale: s), scale: Int(s))
    }

    /// The exact difference and whether it overflowed (saturating, as ``addingReportingOverflow(_:)``).
    public func subtractingReportingOverflow(_ other: ExactDecimal) -> (partialValue: ExactDecimal, overflow: Bool) {
        addingReportingOverflow(-other)
    }

    /// The product (exact up to 18 fractional digits, then rounded half-even) and whether it
    /// overflowed; an overflowing product saturates at ±``greatestMagnitude``.
    ///
    /// ```swift
    /// let (notional, overflow) = price.multipliedReportingOverflow(by: quantity)
    /// let shown = overflow ? "overflow" : notional.description
    /// ```
    public func multipliedReportingOverflow(by other: ExactDecimal) -> (partialValue: ExactDecimal, overflow: Bool) {
        // Both mantissas are below 2^63 in magnitude: the product fits 128 bits.
        Self.fitReportingOverflow(Int128(mantissa) * Int128(other.mantissa), scale: Int(scale) + Int(other.scale))
    }

    /// The exact sum; rounds only if the result exceeds 18 significant digits. Never traps: a sum
    /// past ±``greatestMagnitude`` saturates there (``addingReportingOverflow(_:)`` tells).
    public static func + (lhs: ExactDecimal, rhs: ExactDecimal) -> ExactDecimal {
        lhs.addingReportingOverflow(rhs).partialValue
    }

    /// The exact difference; saturates like ``+(_:_:)``.
    public static func - (lhs: ExactDecimal, rhs: ExactDecimal) -> ExactDecimal {
        lhs + (-rhs)
    }

    /// The negated value.
    public static prefix func - (value: ExactDecimal) -> ExactDecimal {
        ExactDecimal(normalizedMantissa: -value.mantissa, scale: value.scale)
    }

    /// The product, exact up to 18 fractional digits (then rounded half-even). Never traps: a
    /// product past ±``greatestMagnitude`` saturates there (``multipliedReportingOverflow(by:)`` tells).
    public static func * (lhs: ExactDecimal, rhs: ExactDecimal) -> ExactDecimal {
        lhs.multipliedReportingOverflow(by: rhs).partialValue
    }

    /// Adds in place.
    public static func += (lhs: inout ExactDecimal, rhs: ExactDecimal) { lhs = lhs + rhs }

    /// Subtracts in place.
    public static func -= (lhs: inout ExactDecimal, rhs: ExactDecimal) { lhs = lhs - rhs }

    /// The absolute value.
    public var magnitude: ExactDecimal { mantissa < 0 ? -self : self }

    /// The quotient rounded half-even to `scale` fractional digits; `nil` when dividing by zero.
    /// Never traps: a quotient past ±``greatestMagnitude`` saturates there.
    ///
    /// - Parameters:
    ///   - divisor: the value to divide by.
    ///   - scale: fractional digits of the result (0...18).
    public func divided(by divisor: ExactDecimal, scale: Int = 8) -> ExactDecimal? {
        guard divisor.mantissa != 0 else { return nil }
        // A quotient too large for 128 bits at the asked scale is large enough to be held with
        // fewer fractional digits: try fewer until the scaled numerator fits.
        var target = max(0, min(scale, Int(Self.maxScale)))
        while true {
            if let q = quotient(divisor, scale: target) { return Self.fit(q, scale: target) }
            guard target > 0 else { return isNegative != divisor.isNegative ? -Self.greatestMagnitude : Self.greatestMagnitude }
            target -= 1
        }
    }

    /// `self / divisor × 10^target` rounded half-even, or `nil` when it passes 128 bits.
    private func quotient(_ divisor: ExactDecimal, scale target: Int) -> Int128? {
        // value = m1/10^s1 / (m2/10^s2) = m1 * 10^(s2 - s1) / m2; scaled by 10^target.
        let exponent = target + Int(divisor.scale) - Int(self.scale)
        var numerator = Int128(mantissa)
        var denominator = Int128(divisor.mantissa)
        if exponent >= 0 {
            var e = exponent
            while e > 0 {
                let step = min(e, 18)
                let (scaled, overflow) = numerator.multipliedReportingOverflow(by: Int128(Self.pow10(step)))
                if overflow { return nil }
                numerator = scaled
                e -= step
            }
        } else {
            denominator *= Int128(Self.pow10(min(-exponent, 18)))
        }
        return Self.roundHalfEven(numerator, dividingBy: denominator)
    }

    /// The value rounded half-even to at most `scale` fractional digits.
    public func rounded(scale target: Int) -> ExactDecimal {
        let t = max(0, target)
        guard Int(scale) > t else { return self }
        // 64-bit division suffices: the mantissa and 10^(scale - t) both fit an Int64.
        let divisor = Self.pow10(Int(scale) - t)
        var q = mantissa / divisor
        let r = mantissa % divisor
        let twice = r.magnitude * 2
        if twice > divisor.magnitude || (twice == divisor.magnitude && q % 2 != 0) { q += mantissa < 0 ? -1 : 1 }
        return Self.fit(Int128(q), scale: t)
    }

    /// The value moved onto the grid of multiples of `step` (price grouping, tick rounding).
    ///
    /// - Parameters:
    ///   - step: a positive grid step, e.g. a tick size or a grouping of `0.5`.
    ///   - rule: which neighbour to choose when the value is between two grid points.
    public func rounded(toMultipleOf step: ExactDecimal, rule: RoundingRule) -> ExactDecimal {
        guard step.mantissa > 0 else { return self }
        let s = max(scale, step.scale)
        let value = wideMantissa(atScale: s)
        let grid = step.wideMantissa(atScale: s)
        var q = value / grid
        let r = value % grid
        if r != 0 {
            switch rule {
            case .down: if value < 0 { q -= 1 }
            case .up: if value > 0 { q += 1 }
            case .halfEven:
                let twice = (r < 0 ? -r : r) * 2
                if twice > grid || (twice == grid && q % 2 != 0) { q += value < 0 ? -1 : 1 }
            }
        }
        return Self.fit(q * grid, scale: Int(s))
    }
}
