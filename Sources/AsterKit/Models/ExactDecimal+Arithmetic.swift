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

    /// The exact sum; rounds only if the result exceeds 18 significant digits.
    public static func + (lhs: ExactDecimal, rhs: ExactDecimal) -> ExactDecimal {
        if lhs.scale == rhs.scale {
            let (sum, overflow) = lhs.mantissa.addingReportingOverflow(rhs.mantissa)
            if !overflow && (lhs.scale == 0 || sum % 10 != 0) {
                return ExactDecimal(normalizedMantissa: sum, scale: lhs.scale)
            }
        }
        let s = max(lhs.scale, rhs.scale)
        return fit(lhs.wideMantissa(atScale: s) + rhs.wideMantissa(atScale: s), scale: Int(s))
    }

    /// The exact difference.
    public static func - (lhs: ExactDecimal, rhs: ExactDecimal) -> ExactDecimal {
        lhs + (-rhs)
    }

    /// The negated value.
    public static prefix func - (value: ExactDecimal) -> ExactDecimal {
        ExactDecimal(normalizedMantissa: -value.mantissa, scale: value.scale)
    }

    /// The product, exact up to 18 fractional digits (then rounded half-even).
    public static func * (lhs: ExactDecimal, rhs: ExactDecimal) -> ExactDecimal {
        fit(Int128(lhs.mantissa) * Int128(rhs.mantissa), scale: Int(lhs.scale) + Int(rhs.scale))
    }

    /// Adds in place.
    public static func += (lhs: inout ExactDecimal, rhs: ExactDecimal) { lhs = lhs + rhs }

    /// Subtracts in place.
    public static func -= (lhs: inout ExactDecimal, rhs: ExactDecimal) { lhs = lhs - rhs }

    /// The absolute value.
    public var magnitude: ExactDecimal { mantissa < 0 ? -self : self }

    /// The quotient rounded half-even to `scale` fractional digits; `nil` when dividing by zero.
    ///
    /// - Parameters:
    ///   - divisor: the value to divide by.
    ///   - scale: fractional digits of the result (0...18).
    public func divided(by divisor: ExactDecimal, scale: Int = 8) -> ExactDecimal? {
        guard divisor.mantissa != 0 else { return nil }
        let target = max(0, min(scale, Int(Self.maxScale)))
        // value = m1/10^s1 / (m2/10^s2) = m1 * 10^(s2 - s1) / m2; scaled by 10^target.
        let exponent = target + Int(divisor.scale) - Int(self.scale)
        var numerator = Int128(mantissa)
        var denominator = Int128(divisor.mantissa)
        if exponent >= 0 {
            var e = exponent
            while e > 0 {
                let step = min(e, 18)
                numerator *= Int128(Self.pow10(step))
                e -= step
            }
        } else {
            denominator *= Int128(Self.pow10(min(-exponent, 18)))
        }
        return Self.fit(Self.roundHalfEven(numerator, dividingBy: denominator), scale: target)
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
