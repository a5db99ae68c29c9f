/// Where each pane goes for a terminal size and layout mode.
public struct DashboardLayout: Sendable, Hashable {
    /// The status bar (top row).
    public var status: Rect
    /// The key-hint bar (bottom row), if there is room.
    public var footer: Rect?
    /// Pane rectangles (borders included).
    public var panes: [Pane: Rect]

    /// The smallest terminal each mode can draw.
    public static func minimumSize(for mode: LayoutMode) -> (width: Int, height: Int) {
        switch mode {
        case .full: return (100, 28)
        case .compact: return (60, 16)
        case .single: return (30, 6)
        }
    }

    /// From this size on, the compact layout shows the chart beside the book.
    static let compactChartSize = (width: 80, height: 22)

    /// Lays out `mode` in `width`x`height`; a too-small full or compact layout falls back to a
    /// smaller one; `nil` when even that does not fit.
    public static func make(_ mode: LayoutMode, width: Int, height: Int, account: Bool) -> DashboardLayout? {
        var mode = mode
        if mode == .full, width < 100 || height < 28 { mode = .compact }
        if mode == .compact, width < 60 || height < 16 { mode = .single(.book) }
        let min = minimumSize(for: mode)
        guard width >= min.width, height >= min.height else { return nil }
        let status = Rect(x: 0, y: 0, width: width, height: 1)
        switch mode {
        case .single(let pane):
            return DashboardLayout(status: status, footer: nil,
                                   panes: [pane: Rect(x: 0, y: 1, width: width, height: height - 1)])
        case .compact:
            let body = Rect(x: 0, y: 1, width: width, height: height - 2)
            let left = max(24, width * 3 / 10)
            let bookHeight = body.height * 6 / 10
            var panes: [Pane: Rect] = [
                .watchlist: Rect(x: 0, y: body.y, width: left, height: body.height),
                .book: Rect(x: left, y: body.y, width: width - left, height: bookHeight),
                .trades: Rect(x: left, y: body.y + bookHeight, width: width - left, height: body.height - bookHeight),
            ]
            if width >= Self.compactChartSize.width, height >= Self.compactChartSize.height {
                // Room for a chart: the book and the chart side by side above the tape.
                let bookWidth = (width - left) / 2
                panes[.book] = Rect(x: left, y: body.y, width: bookWidth, height: bookHeight)
                panes[.chart] = Rect(x: left + bookWidth, y: body.y, width: width - left - bookWidth, height: bookHeight)
            }
            return DashboardLayout(status: status, footer: Rect(x: 0, y: height - 1, width: width, height: 1), panes: panes)
        case .full:
            let body = Rect(x: 0, y: 1, width: width, height: height - 2)
            // Narrower watchlist and book at the minimum width, so the tape keeps price and size.
            let left = width >= 116 ? 32 : 30
            let center = width >= 116 ? 38 : 34
            let right = width - left - center
            let fundingHeight = 8
            let chartHeight = body.height * 45 / 100
            let lower = body.height - chartHeight
            let tradesWidth = max(right / 2, Swift.min(22, right - 14))
            var panes: [Pane: Rect] = [
                .watchlist: Rect(x: 0, y: body.y, width: left, height: body.height - fundingHeight),
                .funding: Rect(x: 0, y: body.y + body.height - fundingHeight, width: left, height: fundingHeight),
                .book: Rect(x: left, y: body.y, width: center, height: body.height),
                .chart: Rect(x: left + center, y: body.y, width: right, height: chartHeight),
                .trades: Rect(x: left + center, y: body.y + chartHeight, width: tradesWidth, height: lower),
            ]
            let sideX = left + center + tradesWidth
            if account && right - tradesWidth < 24 {
                // Too narrow beside the tape for a readable table: the account spans the right
                // column under the tape and liquidations.
                let accountHeight = lower / 2
                let upper = lower - accountHeight
                panes[.trades] = Rect(x: left + center, y: body.y + chartHeight, width: tradesWidth, height: upper)
                panes[.liquidations] = Rect(x: sideX, y: body.y + chartHeight, width: right - tradesWidth, height: upper)
                panes[.account] = Rect(x: left + center, y: body.y + chartHeight + upper, width: right, height: accountHeight)
            } else if account {
                let liqHeight = lower / 2
                panes[.liquidations] = Rect(x: sideX, y: body.y + chartHeight, width: right - tradesWidth, height: liqHeight)
                panes[.account] = Rect(x: sideX, y: body.y + chartHeight + liqHeight, width: right - tradesWidth,
                                       height: lower - liqHeight)
            } else {
                panes[.liquidations] = Rect(x: sideX, y: body.y + chartHeight, width: right - tradesWidth, height: lower)
            }
            return DashboardLayout(status: status, footer: Rect(x: 0, y: height - 1, width: width, height: 1), panes: panes)
        }
    }
}
