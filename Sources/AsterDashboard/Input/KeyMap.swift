/// A command a key can be bound to, by the name the config file's `[keys]` table uses.
public enum Command: String, Sendable, Hashable, CaseIterable {
    case up, down
    case pageUp = "page-up"
    case pageDown = "page-down"
    case search
    case nextPane = "next-pane"
    case previousPane = "previous-pane"
    case interval
    case chartStyle = "chart-style"
    case moreDepth = "more-depth"
    case lessDepth = "less-depth"
    case coarser, finer
    case sort, group, watch
    case alerts
    case addAlert = "add-alert"
    case editAlert = "edit-alert"
    case deleteAlert = "delete-alert"
    case flowWindow = "flow-window"
    case heatmap, grid, left, right, live, open
    case buy, sell
    case cancelOrder = "cancel-order"
    case modifyOrder = "modify-order"
    case closePosition = "close-position"
    case pause, help, close, quit
    case replayStep = "replay-step"
    case replaySlower = "replay-slower"
    case replayFaster = "replay-faster"
    case replayBack = "replay-back"
    case replayForward = "replay-forward"
    case replayBackMore = "replay-back-10"
    case replayForwardMore = "replay-forward-10"
    case replaySeek = "replay-seek"

    /// What the command does.
    public var action: Action {
        switch self {
        case .up: .moveFocus(-1)
        case .down: .moveFocus(1)
        case .pageUp: .moveFocus(-10)
        case .pageDown: .moveFocus(10)
        case .search: .beginSearch
        case .nextPane: .cyclePane(forward: true)
        case .previousPane: .cyclePane(forward: false)
        case .interval: .cycleInterval
        case .chartStyle: .toggleChartStyle
        case .moreDepth: .changeDepth(1)
        case .lessDepth: .changeDepth(-1)
        case .coarser: .changeGrouping(1)
        case .finer: .changeGrouping(-1)
        case .sort: .cycleSort
        case .group: .cycleGroup
        case .watch: .toggleWatch
        case .alerts: .toggleAlerts
        case .addAlert: .beginAlert
        case .editAlert: .editAlert
        case .deleteAlert: .deleteAlert
        case .flowWindow: .cycleFlowWindow
        case .heatmap: .toggleHeatmap
        case .grid: .toggleGrid
        case .left: .moveSideways(-1)
        case .right: .moveSideways(1)
        case .live: .heatmapLive
        case .open: .activate
        case .buy: .beginOrder(.buy)
        case .sell: .beginOrder(.sell)
        case .cancelOrder: .cancelSelectedOrder
        case .modifyOrder: .modifySelectedOrder
        case .closePosition: .closeFocusedPosition
        case .pause: .togglePause
        case .help: .toggleHelp
        case .close: .dismiss
        case .quit: .quit
        case .replayStep: .replayStep
        case .replaySlower: .replaySpeed(-1)
        case .replayFaster: .replaySpeed(1)
        case .replayBack: .replaySeek(-60_000)
        case .replayForward: .replaySeek(60_000)
        case .replayBackMore: .replaySeek(-600_000)
        case .replayForwardMore: .replaySeek(600_000)
        case .replaySeek: .beginReplaySeek
        }
    }

    /// The help text.
    public var what: String {
        switch self {
        case .up: "move the watchlist focus up and switch symbol"
        case .down: "move the watchlist focus down and switch symbol"
        case .pageUp: "move the focus up by 10"
        case .pageDown: "move the focus down by 10"
        case .search: "search a symbol (Enter to pick, Esc to cancel)"
        case .nextPane: "focus the next pane"
        case .previousPane: "focus the previous pane"
        case .interval: "cycle the chart interval"
        case .chartStyle: "chart: candles or line"
        case .moreDepth: "more book levels"
        case .lessDepth: "fewer book levels"
        case .coarser: "coarser book price grouping"
        case .finer: "finer book price grouping"
        case .sort: "cycle watchlist sort: symbol, change, volume"
        case .group: "cycle watchlist group: all, watchlist, named groups"
        case .watch: "add or remove the symbol from the watchlist (saved)"
        case .alerts: "alert overlay: rules and fired alerts"
        case .addAlert: "new alert on the symbol: >PRICE <PRICE N% N%/MIN"
        case .editAlert: "alert overlay: edit the selected rule"
        case .deleteAlert: "alert overlay: delete the selected rule"
        case .flowWindow: "trade flow window: 1m, 5m, 15m, 1h"
        case .heatmap: "depth heatmap in place of the chart, or the chart"
        case .grid: "grid of every watchlist symbol (Enter focuses one)"
        case .left: "grid: previous tile; heatmap: scroll back"
        case .right: "grid: next tile; heatmap: scroll forward"
        case .live: "heatmap: back to now"
        case .open: "grid: focus the selected symbol"
        case .buy: "order ticket: buy the symbol (trading on)"
        case .sell: "order ticket: sell the symbol (trading on)"
        case .cancelOrder: "account pane: cancel the selected order"
        case .modifyOrder: "account pane: change the selected order's price and quantity"
        case .closePosition: "close the symbol's position at market (reduce-only)"
        case .pause: "pause or resume drawing (a replay: the replay)"
        case .help: "show or hide this help"
        case .close: "close the overlay or message"
        case .quit: "quit (Ctrl-C always quits)"
        case .replayStep: "replay: next frame (paused)"
        case .replaySlower: "replay: slower (down to ×0.25)"
        case .replayFaster: "replay: faster (up to ×64)"
        case .replayBack: "replay: back 1 min"
        case .replayForward: "replay: forward 1 min"
        case .replayBackMore: "replay: back 10 min"
        case .replayForwardMore: "replay: forward 10 min"
        case .replaySeek: "replay: go to a time (HH:MM[:SS], date and time, ±N s/m/h)"
        }
    }

    /// The keys bound when the config file says nothing.
    public var standardKeys: [Key] {
        switch self {
        case .up: [.up, .character("k")]
        case .down: [.down, .character("j")]
        case .pageUp: [.pageUp]
        case .pageDown: [.pageDown]
        case .search: [.character("/")]
        case .nextPane: [.tab]
        case .previousPane: [.backTab]
        case .interval: [.character("i")]
        case .chartStyle: [.character("c")]
        case .moreDepth: [.character("+"), .character("=")]
        case .lessDepth: [.character("-"), .character("_")]
        case .coarser: [.character("g")]
        case .finer: [.character("G")]
        case .sort: [.character("s")]
        case .group: [.character("w")]
        case .watch: [.character("W")]
        case .alerts: [.character("A")]
        case .addAlert: [.character("a")]
        case .editAlert: [.character("e")]
        case .deleteAlert: [.character("d")]
        case .flowWindow: [.character("v")]
        case .heatmap: [.character("H")]
        case .grid: [.character("m")]
        case .left: [.left]
        case .right: [.right]
        case .live: [.end]
        case .open: [.enter]
        case .buy: [.character("b")]
        case .sell: [.character("S")]
        case .cancelOrder: [.character("X")]
        case .modifyOrder: [.character("M")]
        case .closePosition: [.character("C")]
        case .pause: [.character("p"), .character(" ")]
        case .help: [.character("?"), .character("h")]
        case .close: [.escape]
        case .quit: [.character("q"), .character("Q")]
        case .replayStep: [.character(".")]
        case .replaySlower: [.character("<")]
        case .replayFaster: [.character(">")]
        case .replayBack: [.character("[")]
        case .replayForward: [.character("]")]
        case .replayBackMore: [.character("{")]
        case .replayForwardMore: [.character("}")]
        case .replaySeek: [.character("@"), .character("T")]
        }
    }
}

/// Why a `[keys]` entry was refused.
public struct KeyMapError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The command name the entry was for.
    public var command: String
    /// Why, readable.
    public var reason: String
    public var description: String { reason }
}

/// Which key does what: the standard bindings with the config file's `[keys]` replacing a
/// command's keys. Keys are written as the help shows them: a character (`q`, `/`, `+`) or a
/// name (`Up`, `Down`, `Left`, `Right`, `PgUp`, `PgDn`, `Home`, `End`, `Tab`, `Shift-Tab`,
/// `Enter`, `Esc`, `Backspace`, `Space`).
///
/// ```swift
/// let keys = try KeyMap(overrides: ["quit": ["x"], "down": ["n", "Down"]])
/// keys.action(for: .character("x"), searching: false)   // .quit
/// ```
public struct KeyMap: Sendable, Hashable {
    /// The keys of every command, in ``Command/allCases`` order.
    public private(set) var keys: [Command: [Key]]
    private var byKey: [Key: Command]

    /// The standard bindings (built without the config checks: no input reaches them; a test
    /// proves no key is bound twice).
    public static let standard: KeyMap = {
        var byKey: [Key: Command] = [:]
        for command in Command.allCases {
            for key in command.standardKeys where byKey[key] == nil { byKey[key] = command }
        }
        return KeyMap(keys: Dictionary(uniqueKeysWithValues: Command.allCases.map { ($0, $0.standardKeys) }), byKey: byKey)
    }()

    private init(keys: [Command: [Key]], byKey: [Key: Command]) {
        self.keys = keys
        self.byKey = byKey
    }

    /// The standard bindings with `overrides` (command name → keys) replacing a command's keys.
    ///
    /// - Throws: ``KeyMapError`` for an unknown command or key name, or a key bound to two commands.
    public init(overrides: [String: [String]]) throws(KeyMapError) {
        var keys = Dictionary(uniqueKeysWithValues: Command.allCases.map { ($0, $0.standardKeys) })
        for (name, specs) in overrides.sorted(by: { $0.key < $1.key }) {
            guard let command = Command(rawValue: name) else {
                let known = Command.allCases.map(\.rawValue).joined(separator: ", ")
                throw KeyMapError(command: name, reason: "unknown command \"\(name)\" (one of \(known))")
            }
            var parsed: [Key] = []
            for spec in specs {
                guard let key = Self.key(named: spec) else {
                    let named = Self.names.map(\.0).joined(separator: ", ")
                    throw KeyMapError(command: name, reason: "unknown key \"\(spec)\" for \(name) (a character, or \(named))")
                }
                parsed.append(key)
            }
            keys[command] = parsed
        }
        var byKey: [Key: Command] = [:]
        for command in Command.allCases {
            for key in keys[command] ?? [] {
                if let other = byKey[key], other != command {
                    throw KeyMapError(command: command.rawValue,
                                      reason: "key \(Self.name(of: key)) is bound to both \(other.rawValue) and \(command.rawValue)")
                }
                byKey[key] = command
            }
        }
        self.keys = keys
        self.byKey = byKey
    }

    /// The commands whose keys differ from the standard ones, as the config file writes them.
    public var overrides: [String: [String]] {
        var out: [String: [String]] = [:]
        for command in Command.allCases where keys[command] != command.standardKeys {
            out[command.rawValue] = (keys[command] ?? []).map(Self.name(of:))
        }
        return out
    }

    /// The action for a key, or `nil` when the key does nothing. While searching, letters and
    /// digits type; Ctrl-C always quits, whatever the bindings.
    public func action(for key: Key, searching: Bool) -> Action? {
        switch key {
        case .interrupt: return .quit
        case .resize: return .resize
        case .mouseClick(let x, let y): return searching ? nil : .click(x: x, y: y)
        default: break
        }
        if searching {
            switch key {
            case .enter: return .searchCommit
            case .escape: return .searchCancel
            case .backspace: return .searchBackspace
            case .tab, .down: return .nextField(forward: true)
            case .backTab, .up: return .nextField(forward: false)
            case .character(let c) where !c.isWhitespace || c == " ": return .searchInput(c)
            default: return nil
            }
        }
        return byKey[key]?.action
    }

    /// Commands the help shows on one row when both have keys.
    private static let pairs: [(Command, Command, String)] = [
        (.up, .down, "move the watchlist focus (or the book cursor) and switch symbol"),
        (.pageUp, .pageDown, "move the focus by 10"),
        (.nextPane, .previousPane, "focus the next / previous pane"),
        (.moreDepth, .lessDepth, "more / fewer book levels"),
        (.coarser, .finer, "coarser / finer book price grouping"),
        (.buy, .sell, "order ticket: buy / sell the symbol (trading on)"),
        (.cancelOrder, .modifyOrder, "account pane: cancel / change the selected order"),
        (.editAlert, .deleteAlert, "alert overlay: edit / delete the selected rule"),
        (.left, .right, "grid: previous / next tile; heatmap: scroll back / forward"),
    ]

    /// Commands that act only in a replay, and those that act only live (trading).
    static let replayCommands: Set<Command> = [.replayStep, .replaySlower, .replayFaster, .replayBack, .replayForward,
                                               .replayBackMore, .replayForwardMore, .replaySeek]
    static let tradingCommands: Set<Command> = [.buy, .sell, .cancelOrder, .modifyOrder, .closePosition]

    /// The help overlay in a replay: the replay's keys in place of trading's (which is off there).
    public var replayHelp: [(keys: String, what: String)] {
        func names(_ c: Command) -> String { (keys[c] ?? []).map(Self.name(of:)).joined(separator: " ") }
        func pair(_ a: Command, _ b: Command) -> String? {
            let x = names(a), y = names(b)
            return x.isEmpty || y.isEmpty ? nil : x + " / " + y
        }
        var replay: [(keys: String, what: String)] = []
        if let speed = pair(.replaySlower, .replayFaster) { replay.append((speed, "replay: slower / faster (×0.25 … ×64)")) }
        let seeks = [pair(.replayBack, .replayForward), pair(.replayBackMore, .replayForwardMore)].compactMap { $0 }
        if !seeks.isEmpty { replay.append((seeks.joined(separator: "  "), "replay: back / forward 1 min, 10 min")) }
        let other = [(names(.replayStep), "next frame (paused)"), (names(.replaySeek), "go to a time (HH:MM, ±N s/m/h)")]
            .filter { !$0.0.isEmpty }
        if !other.isEmpty {
            replay.append((other.map(\.0).joined(separator: "  "), "replay: " + other.map(\.1).joined(separator: "; ")))
        }
        let rows = rows(excluding: Self.tradingCommands.union(Self.replayCommands))
        return Array(rows.dropLast()) + replay + [rows[rows.count - 1]]
    }

    /// Every command with its keys but the replay's, for the help overlay (commands without keys
    /// are left out; opposite commands share a row). ``replayHelp`` is a replay's.
    public var help: [(keys: String, what: String)] { rows(excluding: Self.replayCommands) }

    private func rows(excluding left: Set<Command>) -> [(keys: String, what: String)] {
        func names(_ c: Command) -> String? {
            guard let list = keys[c], !list.isEmpty else { return nil }
            return list.map(Self.name(of:)).joined(separator: " ")
        }
        var rows: [(keys: String, what: String)] = []
        for command in Command.allCases where !left.contains(command) {
            if let pair = Self.pairs.first(where: { $0.0 == command || $0.1 == command }), let a = names(pair.0), let b = names(pair.1) {
                if command == pair.0 { rows.append((a + " / " + b, pair.2)) }
                continue
            }
            if let n = names(command) { rows.append((n, command.what)) }
        }
        return rows + [("click", "select a watchlist row")]
    }

    /// The first key of a command as the footer shows it (`nil` when unbound).
    public func hint(_ command: Command) -> String? { keys[command]?.first.map(Self.name(of:)) }

    private static let names: [(String, Key)] = [
        ("Up", .up), ("Down", .down), ("Left", .left), ("Right", .right), ("PgUp", .pageUp), ("PgDn", .pageDown),
        ("Home", .home), ("End", .end), ("Tab", .tab), ("Shift-Tab", .backTab), ("Enter", .enter), ("Esc", .escape),
        ("Backspace", .backspace), ("Space", .character(" ")),
    ]

    /// Parses a key as the config file writes it; `nil` when it is no key.
    public static func key(named spec: String) -> Key? {
        if let hit = names.first(where: { $0.0.lowercased() == spec.lowercased() }) { return hit.1 }
        if spec.count == 1, let c = spec.first, !c.isWhitespace, c.unicodeScalars.allSatisfy({ $0.value >= 32 }) {
            return .character(c)
        }
        return nil
    }

    /// A key's name as the config file and help write it.
    public static func name(of key: Key) -> String {
        if let hit = names.first(where: { $0.1 == key }) { return hit.0 }
        if case .character(let c) = key { return String(c) }
        return "\(key)"
    }
}
