import AsterKit

/// Recent liquidations across the market, newest first: time, symbol, side, notional; a
/// narrow pane drops the time first.
enum LiquidationsPane {
    static func render(_ s: DashboardSnapshot, in rect: Rect, into grid: inout CellGrid) {
        guard rect.width >= 12, rect.height >= 1 else { return }
        guard !s.liquidations.isEmpty else {
            grid.put("no liquidations yet", x: rect.x, y: rect.y, style: CellStyle(.dim), maxWidth: rect.width)
            return
        }
        let shown = Array(s.liquidations.prefix(rect.height))
        let styles = shown.map { CellStyle($0.side == .sell ? .down : .up) }
        let columns = [
            Column(header: "", cells: shown.map { Format.clock($0.tradeTime) }, alignment: .left, priority: 1,
                   styles: shown.map { _ in CellStyle(.dim) }),
            Column(header: "", cells: shown.map { $0.symbol.hasSuffix("USDT") ? String($0.symbol.dropLast(4)) : $0.symbol },
                   alignment: .left, priority: 4),
            Column(header: "", cells: shown.map { $0.side == .sell ? "S" : "B" }, alignment: .left, priority: 2),
            Column(header: "", cells: shown.map { $0.notional.map(Format.compact) ?? "?" }, alignment: .right, priority: 3),
        ]
        Columns.draw(columns, in: rect, into: &grid, header: false, rowStyle: { styles[$0] })
    }
}
