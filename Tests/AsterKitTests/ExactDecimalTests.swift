import AsterTestSupport
import Testing

@testable import AsterKit

@Suite("ExactDecimal")
struct ExactDecimalTests {
    @Test("equal values with different trailing zeros are one value")
    func trailingZeros() throws {
        #expect(dec("7403.90") == dec("7403.9"))
        #expect(dec("7403.90").hashValue == dec("7403.9").hashValue)
        #expect(Set([dec("1.10"), dec("1.1"), dec("1.100000")]).count == 1)
        #expect(dec("0.0010").description == "0.001")
        #expect(dec("100").description == "100")
        #expect(dec("100.000").description == "100")
        #expect(dec("-0.5").description == "-0.5")
        #expect(dec("0.00000").description == "0")
        #expect(dec("-0").description == "0")
    }

    @Test("extremes of precision are exact",
          arguments: ["0.00000001", "123456789.12345678", "999999999999999999", "0.000000000000000001",
                      "-123456789.12345678", "7403.89"])
    func extremes(text: String) throws {
        let value = try ExactDecimal(parsing: text)
        #expect(value.description == text)
        #expect(try ExactDecimal(parsing: value.description) == value)
    }

    @Test("too many digits are refused, not rounded",
          arguments: ["1234567890123456789", "0.0000000000000000001", "12345678901.123456789"])
    func tooPrecise(text: String) {
        #expect(throws: ExactDecimalError.self) { try ExactDecimal(parsing: text) }
    }

    @Test("malformed text is refused", arguments: ["", "-", ".", "1.2.3", "abc", "1e", "--1", "1 ", "0x10", "1,5"])
    func malformed(text: String) {
        #expect(throws: ExactDecimalError.self) { try ExactDecimal(parsing: text) }
    }

    @Test("exponents and leading forms")
    func exponents() throws {
        #expect(dec("1e-8") == dec("0.00000001"))
        #expect(dec("1.5E3") == dec("1500"))
        #expect(dec(".5") == dec("0.5"))
        #expect(dec("5.") == dec("5"))
        #expect(dec("+2.50") == dec("2.5"))
        #expect(dec("00012.340") == dec("12.34"))
    }

    @Test("ordering compares values across scales")
    func ordering() {
        #expect(dec("7403.9") < dec("7403.91"))
        #expect(dec("-1") < dec("0.0001"))
        #expect(dec("10") > dec("9.999999999999"))
        #expect([dec("3"), dec("1.5"), dec("2.25")].sorted() == [dec("1.5"), dec("2.25"), dec("3")])
        #expect(dec("999999999999999999") > dec("0.000000000000000001"))
    }

    @Test("arithmetic is exact")
    func arithmetic() {
        #expect(dec("0.1") + dec("0.2") == dec("0.3"))
        #expect(dec("7403.9") - dec("7403.89") == dec("0.01"))
        #expect(dec("1.5") * dec("2.5") == dec("3.75"))
        #expect(dec("0.014") * dec("9910") == dec("138.74"))
        #expect(dec("1").divided(by: dec("3"), scale: 4) == dec("0.3333"))
        #expect(dec("2").divided(by: dec("0")) == nil)
        // Either sign of dividend and divisor rounds half-even towards the true quotient (a
        // negative divisor used to round the wrong way: 1 / −3 gave −0.32).
        #expect(dec("1").divided(by: dec("-3"), scale: 2) == dec("-0.33"))
        #expect(dec("-2").divided(by: dec("3"), scale: 2) == dec("-0.67"))
        #expect(dec("-2").divided(by: dec("-3"), scale: 2) == dec("0.67"))
        #expect(dec("1").divided(by: dec("-8"), scale: 2) == dec("-0.12"))
        #expect(dec("-3").divided(by: dec("-8"), scale: 2) == dec("0.38"))
        #expect(dec("-18965").divided(by: dec("-9.9"), scale: 8) == dec("1915.65656566"))
        #expect(dec("-1.25").magnitude == dec("1.25"))
        #expect(dec("2.345").rounded(scale: 2) == dec("2.34"))
        #expect(dec("2.355").rounded(scale: 2) == dec("2.36"))
    }

    @Test("grid rounding for price grouping")
    func grid() {
        #expect(dec("7403.89").rounded(toMultipleOf: dec("0.5"), rule: .down) == dec("7403.5"))
        #expect(dec("7403.89").rounded(toMultipleOf: dec("0.5"), rule: .up) == dec("7404"))
        #expect(dec("7403.5").rounded(toMultipleOf: dec("0.5"), rule: .up) == dec("7403.5"))
        #expect(dec("-1.2").rounded(toMultipleOf: dec("1"), rule: .down) == dec("-2"))
        #expect(dec("7403.89").rounded(toMultipleOf: dec("10"), rule: .down) == dec("7400"))
    }

    @Test("fixed fraction formatting")
    func formatting() {
        #expect(dec("1.5").formatted(fractionDigits: 3) == "1.500")
        #expect(dec("7").formatted(fractionDigits: 2) == "7.00")
        #expect(dec("1.23456").formatted(fractionDigits: 2) == "1.23")
        #expect(dec("1.5").formatted(fractionDigits: 0) == "2")
    }

    @Test("JSONWriter writes decimals and integers digit by digit exactly as their descriptions")
    func writerDigits() {
        var random = SystemRandomNumberGenerator()
        var values: [ExactDecimal] = [.zero, dec("0.001"), dec("-0.5"), dec("7403.9"), dec("100"), ExactDecimal(mantissa: 1, scale: 18),
                                      ExactDecimal(mantissa: .max, scale: 18), ExactDecimal(mantissa: .min + 1, scale: 0),
                                      ExactDecimal(mantissa: .min + 1, scale: 18), ExactDecimal(mantissa: 15, scale: 1)]
        for _ in 0..<2_000 {
            values.append(ExactDecimal(mantissa: Int64.random(in: -1_000_000_000_000...1_000_000_000_000, using: &random),
                                       scale: Int.random(in: 0...18, using: &random)))
        }
        for value in values {
            var w = JSONWriter()
            w.beginArray()
            w.decimal(value)
            w.int(value.mantissa)
            w.endArray()
            #expect(w.text == "[\"\(value.description)\",\(value.mantissa)]")
        }
    }

    @Test("fit normalises exactly: the value is kept and no trailing zero is left, on both sides of 64 bits")
    func fitNormalises() {
        var random = SystemRandomNumberGenerator()
        for _ in 0..<5_000 {
            let zeros = Int.random(in: 0...6, using: &random)
            let base = Int64.random(in: -999_999_999_999...999_999_999_999, using: &random)
            let wide = Int128(base) * Int128(ExactDecimal.pow10(zeros))
            let scale = Int.random(in: 0...18, using: &random)
            let value = ExactDecimal.fit(wide, scale: scale)
            #expect(Int128(value.mantissa) * Int128(ExactDecimal.pow10(scale - Int(value.scale))) == wide)
            #expect(value.scale == 0 || value.mantissa % 10 != 0)
        }
        // Beyond 64 bits it rounds half-even to fit.
        #expect(ExactDecimal.fit(Int128(ExactDecimal.pow10(18)) * 10 + 5, scale: 19) == ExactDecimal(1))
        #expect(ExactDecimal.fit(Int128(ExactDecimal.pow10(18)) * 10 + 15, scale: 19)
                == ExactDecimal(mantissa: 1_000_000_000_000_000_002, scale: 18))
        #expect(dec("2.5").rounded(scale: 0) == dec("2") && dec("3.5").rounded(scale: 0) == dec("4"))
        #expect(dec("-2.5").rounded(scale: 0) == dec("-2") && dec("-2.51").rounded(scale: 0) == dec("-3"))
        #expect(dec("1.23456789").rounded(scale: 4) == dec("1.2346") && dec("-0.00005").rounded(scale: 4) == dec("-0"))
    }
}
