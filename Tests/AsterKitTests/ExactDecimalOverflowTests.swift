import AsterTestSupport
import Testing

@testable import AsterKit

@Suite("ExactDecimal overflow")
struct ExactDecimalOverflowTests {
    @Test("products, sums and quotients past the range report the overflow and saturate, never trap")
    func reporting() {
        let big = dec("1e17")
        var (value, overflow) = big.multipliedReportingOverflow(by: dec("1000"))
        #expect(overflow && value == ExactDecimal.greatestMagnitude)
        (value, overflow) = big.multipliedReportingOverflow(by: dec("-1000"))
        #expect(overflow && value == -ExactDecimal.greatestMagnitude)
        (value, overflow) = dec("9e15").multipliedReportingOverflow(by: dec("1e-3"))
        #expect(!overflow && value == dec("9e12"))
        (value, overflow) = ExactDecimal.greatestMagnitude.addingReportingOverflow(dec("1"))
        #expect(overflow && value == .greatestMagnitude)
        (value, overflow) = (-ExactDecimal.greatestMagnitude).subtractingReportingOverflow(dec("0.5"))
        #expect(overflow && value == -.greatestMagnitude)
        (value, overflow) = dec("0.1").addingReportingOverflow(dec("0.2"))
        #expect(!overflow && value == dec("0.3"))
        // The operators saturate the same way.
        #expect(big * dec("1000") == .greatestMagnitude && ExactDecimal.greatestMagnitude + dec("1") == .greatestMagnitude)
        // A quotient needing more than 128 bits at the asked scale is found at a smaller scale.
        #expect(dec("900000000000000000").divided(by: dec("9.000000000000000000"), scale: 18) == dec("100000000000000000"))
        #expect(dec("900000000000000000").divided(by: dec("0.000000000000000001"), scale: 8) == .greatestMagnitude)
        #expect(ExactDecimal(mantissa: 5, scale: -30) == .greatestMagnitude)
        #expect(ExactDecimal(mantissa: -50, scale: -18) == -.greatestMagnitude && ExactDecimal(mantissa: -5, scale: -18) == ExactDecimal(-5_000_000_000_000_000_000))
    }

    @Test("wire limits: decimals below 1e16 and whole numbers within ±1e18 are accepted, nothing past them")
    func wireLimits() {
        #expect(WireLimits.accepts(dec("9999999999999999.99")) && WireLimits.accepts(dec("-9999999999999999")))
        #expect(!WireLimits.accepts(dec("1e16")) && !WireLimits.accepts(dec("-1e17")) && !WireLimits.accepts(dec("10000000000000000.5")))
        #expect(WireLimits.accepts(dec("0.000000000000000001")))
        #expect(WireLimits.accepts(Int64(1_000_000_000_000_000_000)) && !WireLimits.accepts(Int64.min))
    }
}
