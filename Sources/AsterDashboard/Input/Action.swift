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
    /// A click on the screen; ``DashboardRenderer/watchlistRow(atX:y:snapshot:width:height:)`` turns it into a row.
    case click(x: Int, y: Int)
    case resize
    case quit
}

/// The key bindings: a pure function from a key (and whether search is open) to an action.
public enum KeyBindings {
    /// Every binding, as the help overlay lists it.
    public static let help: [(keys: String, what: String)] = [
        ("↑ ↓  j k", "move the watchlist focus and switch symbol"),
        ("PgUp PgDn", "move the focus by 10"),
        ("/", "search a symbol (Enter to pick, Esc to cancel)"),
        ("Tab  Shift-Tab", "cycle the focused pane"),
        ("i", "cycle the chart interval"),
        ("+  -", "more or fewer book levels"),
        ("g  G", "coarser or finer book price grouping"),
        ("s", "cycle watchlist sort: symbol, change, volume"),
        ("p", "pause or resume drawing"),
        ("?", "show or hide this help"),
        ("q  Ctrl-C", "quit"),
        ("click", "select a watchlist row"),
    ]

    /// The action for a key, or `nil` when the key does nothing.
    public static func action(for key: Key, searching: Bool) -> Action? {
        if searching {
            switch key {
            case .enter: return .searchCommit
            case .escape: return .searchCancel
            case .backspace: return .searchBackspace
            case .character(let c) where c.isLetter || c.isNumber: return .searchInput(c)
            case .interrupt: return .quit
            case .resize: return .resize
            default: return nil
            }
        }
        switch key {
        case .up, .character("k"): return .moveFocus(-1)
        case .down, .character("j"): return .moveFocus(1)
        case .pageUp: return .moveFocus(-10)
        case .pageDown: return .moveFocus(10)
        case .tab: return .cyclePane(forward: true)
        case .backTab: return .cyclePane(forward: false)
        case .character("i"): return .cycleInterval
        case .character("+"), .character("="): return .changeDepth(1)
        case .character("-"), .character("_"): return .changeDepth(-1)
        case .character("g"): return .changeGrouping(1)
        case .character("G"): return .changeGrouping(-1)
        case .character("s"): return .cycleSort
        case .character("p"), .character(" "): return .togglePause
        case .character("?"), .character("h"): return .toggleHelp
        case .character("/"): return .beginSearch
        case .character("q"), .character("Q"), .interrupt: return .quit
        case .escape: return .dismiss
        case .resize: return .resize
        case .mouseClick(let x, let y): return .click(x: x, y: y)
        default: return nil
        }
    }
}
