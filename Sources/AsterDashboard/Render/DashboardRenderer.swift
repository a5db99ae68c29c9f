import AsterKit

/// Renders a snapshot to a grid: a pure function, so every pane is tested without a terminal.
///
/// ```swift
/// let grid = DashboardRenderer(layout: .full, glyphs: .unicode).render(snapshot, width: 120, height: 40)
/// ```
public struct DashboardRenderer: Sendable {
    /// The layout mode asked for (a smaller one is used when the terminal is too small).
    public var layout: LayoutMode
    /// Glyph set.
    public var glyphs: Glyphs
    /// Key bindings (the help overlay and footer show them).
    public var keys: KeyMap
    /// The heatmap's ramp is drawn in colour (256 colours and up); off, in shades (8 and 16
    /// colours, monochrome).
    public var heatColors: Bool

    /// Creates a renderer.
    public init(layout: LayoutMode = .full, glyphs: Glyphs = .unicode, keys: KeyMap = .standard, heatColors: Bool = true) {
        self.layout = layout
        self.glyphs = glyphs
        self.keys = keys
        self.heatColors = heatColors
    }

    /// The screen for `snapshot` at `width`x`height`.
    public func render(_ snapshot: DashboardSnapshot, width: Int, height: Int) -> CellGrid {
        var grid = CellGrid(width: width, height: height)
        guard let layout = DashboardLayout.make(self.layout, width: width, height: height,
                                                account: snapshot.account != nil) else {
            renderTooSmall(into: &grid)
            return grid
        }
        StatusBar.render(snapshot, in: layout.status, into: &grid, glyphs: glyphs)
        if snapshot.showGrid, GridLayout.make(count: snapshot.tiles.count, width: width, height: height) != nil {
            GridView.render(snapshot, width: width, height: height, into: &grid, glyphs: glyphs)
            let hints = snapshot.message ?? GridView.footer(snapshot, width: width, height: height, keys: keys)
            grid.put(hints, x: 1, y: height - 1, style: CellStyle(snapshot.message == nil ? .dim : .yellow), maxWidth: width - 1)
            renderOverlays(snapshot, width: width, height: height, into: &grid)
            return grid
        }
        for (pane, rect) in layout.panes {
            let focused = pane == snapshot.paneFocus || layout.panes.count == 1
            let inner = box(rect, title: title(pane, snapshot), focused: focused, into: &grid)
            switch pane {
            case .watchlist: WatchlistPane.render(snapshot, in: inner, into: &grid)
            case .book: BookPane.render(snapshot, in: inner, into: &grid, glyphs: glyphs)
            case .trades: TradesPane.render(snapshot, in: inner, into: &grid)
            case .chart where snapshot.showHeatmap, .heatmap:
                HeatmapPane.render(snapshot, in: inner, into: &grid, glyphs: glyphs, colors: heatColors)
            case .chart: ChartPane.render(snapshot, in: inner, into: &grid, glyphs: glyphs)
            case .funding: FundingPane.render(snapshot, in: inner, into: &grid)
            case .liquidations: LiquidationsPane.render(snapshot, in: inner, into: &grid)
            case .account: AccountPane.render(snapshot, in: inner, into: &grid)
            }
        }
        if let footer = layout.footer { StatusBar.renderFooter(snapshot, in: footer, into: &grid, keys: keys) }
        renderOverlays(snapshot, width: width, height: height, into: &grid)
        return grid
    }

    /// Search, alerts, prompts, the order ticket and help, over whatever is drawn.
    private func renderOverlays(_ snapshot: DashboardSnapshot, width: Int, height: Int, into grid: inout CellGrid) {
        if snapshot.search != nil { SearchOverlay.render(snapshot, width: width, height: height, into: &grid, glyphs: glyphs) }
        if snapshot.showAlerts {
            AlertsOverlay.render(snapshot, keys: keys, width: width, height: height, into: &grid, glyphs: glyphs)
        }
        if snapshot.alertInput != nil { AlertPromptLine.render(snapshot, width: width, height: height, into: &grid) }
        if snapshot.replayInput != nil { ReplayHeader.renderPrompt(snapshot, width: width, height: height, into: &grid) }
        if snapshot.orderTicket != nil { OrderTicketOverlay.render(snapshot, width: width, height: height, into: &grid, glyphs: glyphs) }
        if snapshot.confirmation != nil { ConfirmationLine.render(snapshot, width: width, height: height, into: &grid) }
        if snapshot.showHelp {
            HelpOverlay.render(snapshot.mode == .replay ? keys.replayHelp : keys.help, page: snapshot.helpPage, width: width,
                               height: height, into: &grid, glyphs: glyphs)
        }
    }

    /// In the grid, ↑↓ move a row of tiles and PgUp PgDn a page: the action selecting that tile
    /// (the model does not know the screen's size); `nil` when `action` is not such a move.
    public func gridAction(_ action: Action, snapshot: DashboardSnapshot, width: Int, height: Int) -> Action? {
        guard snapshot.showGrid, !snapshot.typing, !snapshot.showHelp, case .moveFocus(let delta) = action,
              let layout = GridLayout.make(count: snapshot.tiles.count, width: width, height: height) else { return nil }
        let step = abs(delta) == 1 ? layout.columns : layout.perPage
        return .selectTile(min(max(0, snapshot.gridCursor + (delta > 0 ? step : -step)), max(0, snapshot.tiles.count - 1)))
    }

    /// The watchlist row under a click, or `nil` when the click is elsewhere.
    public func watchlistRow(atX x: Int, y: Int, snapshot: DashboardSnapshot, width: Int, height: Int) -> Int? {
        guard let layout = DashboardLayout.make(self.layout, width: width, height: height, account: snapshot.account != nil),
              let rect = layout.panes[.watchlist]?.inset, x >= rect.x, x < rect.x + rect.width else { return nil }
        let row = y - rect.y - 1  // below the header
        guard row >= 0, row < rect.height - 1 else { return nil }
        let index = WatchlistPane.firstVisibleRow(snapshot, rows: rect.height - 1) + row
        return snapshot.watchlist.indices.contains(index) ? index : nil
    }

    private func title(_ pane: Pane, _ s: DashboardSnapshot) -> String {
        switch pane {
        case .watchlist: return "Watchlist" + (s.group.map { " \($0)" } ?? "") + " (\(s.sort.rawValue))"
        case .book: return "Book \(s.symbol)" + (s.grouping.map { " ×\($0)" } ?? "")
        case .trades: return "Trades \(s.symbol)"
        case .chart where s.showHeatmap, .heatmap:
            return "Heatmap \(s.symbol)" + (s.grouping.map { " ×\($0)" } ?? "") + "  " + HeatmapPane.sourceLabel(s)
        case .chart: return "Chart \(s.symbol) \(s.interval.wireValue)"
        case .funding: return "Funding \(s.symbol)"
        case .liquidations: return "Liquidations"
        case .account: return "Account"
        }
    }

    private func renderTooSmall(into grid: inout CellGrid) {
        let min = DashboardLayout.minimumSize(for: .single(.book))
        let lines = ["terminal too small", "\(grid.width)x\(grid.height), need \(min.width)x\(min.height)"]
        for (i, line) in lines.enumerated() where i < grid.height {
            let text = String(line.prefix(grid.width))
            grid.put(text, x: max(0, (grid.width - text.count) / 2), y: max(0, grid.height / 2 - 1) + i,
                     style: CellStyle(.yellow, bold: true))
        }
    }

    /// Draws a titled border; returns the inner rectangle.
    func box(_ rect: Rect, title: String, focused: Bool, into grid: inout CellGrid) -> Rect {
        guard rect.width >= 2, rect.height >= 2 else { return Rect(x: rect.x, y: rect.y, width: 0, height: 0) }
        let style = CellStyle(focused ? .cyan : .dim, bold: focused)
        let right = rect.x + rect.width - 1
        let bottom = rect.y + rect.height - 1
        for x in rect.x...right {
            grid[x, rect.y] = Cell(character: glyphs.horizontal, style: style)
            grid[x, bottom] = Cell(character: glyphs.horizontal, style: style)
        }
        for y in rect.y...bottom {
            grid[rect.x, y] = Cell(character: glyphs.vertical, style: style)
            grid[right, y] = Cell(character: glyphs.vertical, style: style)
        }
        grid[rect.x, rect.y] = Cell(character: glyphs.topLeft, style: style)
        grid[right, rect.y] = Cell(character: glyphs.topRight, style: style)
        grid[rect.x, bottom] = Cell(character: glyphs.bottomLeft, style: style)
        grid[right, bottom] = Cell(character: glyphs.bottomRight, style: style)
        grid.put(" \(title) ", x: rect.x + 2, y: rect.y, style: CellStyle(focused ? .cyan : .white, bold: true),
                 maxWidth: rect.width - 4)
        return rect.inset
    }
}
