import AsterKit

/// Mark and index price, funding rate and the countdown to the next funding.
enum FundingPane {
    static func render(_ s: DashboardSnapshot, in rect: Rect, into grid: inout CellGrid) {
        guard rect.width >= 12, rect.height >= 1 else { return }
        guard let m = s.mark else {
            grid.put("waiting for mark price…", x: rect.x, y: rect.y, style: CellStyle(.dim), maxWidth: rect.width)
            return
        }
        let rate = (m.fundingRate * 100).formatted(fractionDigits: 4) + "%"
        let lines: [(String, String, PaletteColor)] = [
            ("Mark", m.markPrice.description, .white),
            ("Index", m.indexPrice?.description ?? "-", .normal),
            ("Funding", rate, m.fundingRate.isNegative ? .red : .green),
            ("Next in", Format.countdown(m.nextFundingTime - s.now), .yellow),
            ("Est. settle", m.estimatedSettlePrice?.description ?? "-", .dim),
        ]
        let labelWidth = 12
        for (i, line) in lines.prefix(rect.height).enumerated() {
            grid.put(Format.padRight(line.0, labelWidth), x: rect.x, y: rect.y + i, style: CellStyle(.dim))
            grid.put(Format.padLeft(line.1, rect.width - labelWidth), x: rect.x + labelWidth, y: rect.y + i,
                     style: CellStyle(line.2, bold: i == 2), maxWidth: rect.width - labelWidth)
        }
    }
}
