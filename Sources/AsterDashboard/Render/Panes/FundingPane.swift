import AsterKit

/// Mark and index price, funding rate and the countdown to the next funding. A value is never
/// cut: when label and value do not fit, the label is shortened, then left out.
enum FundingPane {
    static func render(_ s: DashboardSnapshot, in rect: Rect, into grid: inout CellGrid) {
        guard rect.width >= 12, rect.height >= 1 else { return }
        guard let m = s.mark else {
            grid.put("waiting for mark price…", x: rect.x, y: rect.y, style: CellStyle(.dim), maxWidth: rect.width)
            return
        }
        // Mark, index and settle prices are computed, not traded: shown at the tick's precision
        // when it is known (rounded), else at their own.
        let prices = [m.markPrice, m.indexPrice, m.estimatedSettlePrice]
        let digits = s.precisions[s.symbol]?.price ?? s.priceDigits(s.symbol, prices)
        func price(_ v: ExactDecimal) -> String { v.formatted(fractionDigits: digits) }
        let rate = (m.fundingRate * 100).formatted(fractionDigits: 4) + "%"
        let lines: [(String, String, String, PaletteColor)] = [
            ("Mark", "Mark", price(m.markPrice), .white),
            ("Index", "Idx", price(m.indexPrice), .normal),
            ("Funding", "Fund", rate, m.fundingRate.isNegative ? .down : .up),
            ("Next in", "Next", Format.countdown(m.nextFundingTime - s.now), .yellow),
            ("Est. settle", "Est", price(m.estimatedSettlePrice), .dim),
        ]
        for (i, line) in lines.prefix(rect.height).enumerated() {
            let value = line.2
            let label = [line.0, line.1, ""].first { $0.isEmpty || $0.count + 1 + value.count <= rect.width } ?? ""
            grid.put(Format.padLeft(value, rect.width), x: rect.x, y: rect.y + i, style: CellStyle(line.3, bold: i == 2),
                     maxWidth: rect.width)
            if !label.isEmpty { grid.put(label, x: rect.x, y: rect.y + i, style: CellStyle(.dim)) }
        }
    }
}
