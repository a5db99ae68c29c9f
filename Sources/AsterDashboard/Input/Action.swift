import AsterKit

/// A key, as the terminal reports it.
public enum Key: Sendable, Hashable {
    case character(Character)
    case up, down, left, right, pageUp, pageDown, home, end
    case tab, backTab, enter, escape, backspace
    case resize
    case mouseClick(x: Int, y: Int)
    case interrupt
}

/// What the user asked for: keys map to actions, actions change the model.
public enum Action: Sendable, Hashable {
    case moveFocus(Int)
    case cyclePane(forward: Bool)
    case cycleInterval
    case changeDepth(Int)
    case changeGrouping(Int)
    case cycleSort
    case togglePause
    case toggleHelp
    case dismiss
    case beginSearch
    case searchInput(Character)
    case searchBackspace
    case searchCommit
    case searchCancel
    case selectRow(Int)
    /// Candles or line on the chart.
    case toggleChartStyle
    /// The next watchlist group: every symbol, the watchlist, then each named group.
    case cycleGroup
    /// Add the focused symbol to the watchlist, or remove it (saved to the config file).
    case toggleWatch
    /// Open or close the alert overlay (rules and the log of fired alerts).
    case toggleAlerts
    /// Open the new-alert prompt for the focused symbol (`>PRICE`, `<PRICE`, `N%` or `N%/M`).
    case beginAlert
    /// In the alert overlay: edit the selected rule in the prompt.
    case editAlert
    /// In the alert overlay: delete the selected rule.
    case deleteAlert
    /// Open an order ticket on the focused symbol (`b` buy, `S` sell), prefilled from the book cursor
    /// or the best price on the other side.
    case beginOrder(Side)
    /// In the account pane: cancel the selected open order (after confirmation).
    case cancelSelectedOrder
    /// In the account pane: change the selected open order's price and quantity.
    case modifySelectedOrder
    /// Close the focused symbol's position at market, reduce-only (after confirmation).
    case closeFocusedPosition
    /// The trades pane's flow window: 1m, 5m, 15m, 1h.
    case cycleFlowWindow
    /// Show the depth heatmap in place of the chart, or the chart again (`H`).
    case toggleHeatmap
    /// Scroll the heatmap back (positive) or forward (negative) by this many samples.
    case scrollHeatmap(Int)
    /// The heatmap follows the newest sample again (`End`).
    case heatmapLive
    /// Open or close the grid of every watchlist symbol (`m`).
    case toggleGrid
    /// In the grid: select this tile (index in the grid's symbols).
    case selectTile(Int)
    /// Enter: in the grid, focus the selected tile's symbol in the full layout.
    case activate
    /// ← →: in the grid, the previous or next tile; otherwise the heatmap scrolls back or forward.
    case moveSideways(Int)
    /// In a form (the order ticket): the next or previous field.
    case nextField(forward: Bool)
    /// A replay: play the next frame (and those recorded in the same millisecond), paused.
    case replayStep
    /// A replay: the next speed up (`1`) or down (`-1`), ×0.25 to ×64.
    case replaySpeed(Int)
    /// A replay: jump by this many ms of recorded time (negative: back).
    case replaySeek(Int64)
    /// A replay: open the seek prompt (a time of day, a date and time, or ±N s/m/h).
    case beginReplaySeek
    /// A click on the screen; ``DashboardRenderer/watchlistRow(atX:y:snapshot:width:height:)`` turns it into a row.
    case click(x: Int, y: Int)
    case resize
    case quit
}

/// The key bindings: a pure function from a key (and whether search is open) to an action,
/// with the standard ``KeyMap``. A configured map answers through ``KeyMap/action(for:searching:)``.
public enum KeyBindings {
    /// Every binding of the standard map, as the help overlay lists it.
    public static var help: [(keys: String, what: String)] { KeyMap.standard.help }

    /// The action for a key in the standard map, or `nil` when the key does nothing
    /// (`searching`: a prompt is open and keys type).
    public static func action(for key: Key, searching: Bool) -> Action? {
        KeyMap.standard.action(for: key, searching: searching)
    }
}
