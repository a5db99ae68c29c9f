import AsterTestSupport
@testable import AsterDashboard
import AsterKit
import Foundation
import Testing

/// A full config file touching every key.
let everyKeyConfig = """
    # a comment
    symbol = "ethusdt"
    watchlist = ["BTCUSDT", "ETHUSDT", "SOLUSDT"]
    log_file = "/tmp/aster.log"

    [groups]
    majors = ["BTCUSDT", "ETHUSDT"]
    memes = ["DOGEUSDT"]

    [layout]
    mode = "compact"
    pane = "ticker"
    refresh_ms = 250
    ascii = true

    [chart]
    interval = "15m"
    style = "line"

    [theme]
    name = "light"
    colors = "16"
    preset = "colorblind"
    up = "bright-blue"
    down = "208"

    [keys]
    quit = ["x"]
    down = ["n", "Down"]

    [alerts]
    bell = false
    command = ["notify-send", "aster-tui"]

    [[alerts.rule]]
    kind = "price-above"
    symbol = "BTCUSDT"
    value = "100000.5"

    [[alerts.rule]]
    kind = "move"
    symbol = "ETHUSDT"
    value = 2.5
    minutes = 15

    [[alerts.rule]]
    kind = "liquidation-above"
    value = 50000
    """

@Suite("Config file")
struct ConfigTests {
    @Test("every key is read")
    func everyKey() throws {
        let c = try DashboardConfig.parse(everyKeyConfig, file: "c.toml")
        #expect(c.symbol == "ETHUSDT" && c.watchlist == ["BTCUSDT", "ETHUSDT", "SOLUSDT"] && c.logFile == "/tmp/aster.log")
        #expect(c.groups == [WatchGroup(name: "majors", symbols: ["BTCUSDT", "ETHUSDT"]), WatchGroup(name: "memes", symbols: ["DOGEUSDT"])])
        #expect(c.layout == .compact && c.pane == .watchlist && c.refreshMs == 250 && c.ascii)
        #expect(c.layoutMode == .single(.watchlist))
        #expect(c.interval == .fifteenMinutes && c.chartStyle == .line)
        #expect(c.themeName == .light && c.colorDepth == .c16 && c.colorBlind)
        #expect(c.up?.index16 == 12 && c.down?.index256 == 208)
        #expect(c.keys.action(for: .character("x"), searching: false) == .quit)
        #expect(c.keys.action(for: .character("q"), searching: false) == nil)
        #expect(c.keys.action(for: .character("n"), searching: false) == .moveFocus(1))
        #expect(c.keys.action(for: .character("j"), searching: false) == nil)
        #expect(c.alerts.bell == false && c.alerts.command == ["notify-send", "aster-tui"])
        #expect(c.alerts.rules == [
            AlertRule(kind: .priceAbove, symbol: "BTCUSDT", value: dec("100000.5")),
            AlertRule(kind: .move, symbol: "ETHUSDT", value: dec("2.5"), minutes: 15),
            AlertRule(kind: .liquidationAbove, value: 50_000),
        ])
    }

    @Test("an empty file gives the defaults; the printed default parses back to the defaults")
    func defaults() throws {
        #expect(try DashboardConfig.parse("", file: "c.toml") == DashboardConfig())
        let text = DashboardConfig().tomlText
        #expect(try DashboardConfig.parse(text, file: "default.toml") == DashboardConfig())
        // Commented: every section explains itself, and the examples are comments.
        #expect(text.contains("# [[alerts.rule]]") && text.contains("# majors = ") && text.contains("#   quit = [\"q\", \"Q\"]"))
    }

    @Test("printing a config and reading it back gives the same config")
    func roundTrip() throws {
        let c = try DashboardConfig.parse(everyKeyConfig, file: "c.toml")
        let again = try DashboardConfig.parse(c.tomlText, file: "printed.toml")
        #expect(again == c)
        #expect(c.tomlText.contains("quit = [\"x\"]") && c.tomlText.contains("minutes = 15"))
    }

    @Test("a bad file names the line and the reason", arguments: [
        ("symbol = \"BTCUSDT\"\nwatchlist = [\"BTC\"\n", 2, "parsing array"),                    // syntax
        ("symbol = \"BTCUSDT\"\ncolour = \"red\"\n", 2, "unknown key \"colour\""),           // unknown top-level key
        ("[layout]\nmode = \"full\"\npanes = \"book\"\n", 3, "unknown key \"panes\" in [layout]"),
        ("[theme]\n\nname = \"neon\"\n", 3, "theme.name must be one of dark, light, high-contrast, monochrome"),
        ("[layout]\nrefresh_ms = \"fast\"\n", 2, "layout.refresh_ms must be a whole number"),
        ("[layout]\nrefresh_ms = 1\n", 2, "10...5000"),
        ("[chart]\ninterval = \"2m\"\n", 2, "chart.interval must be one of"),
        ("[theme]\nup = \"chartreuse-ish\"\n", 2, "theme.up must be a colour name"),
        ("watchlist = [\"BTC USDT\"]\n", 1, "is not a symbol"),
        ("[keys]\nquit = [\"j\"]\n", 2, "key j is bound to both down and quit"),
        ("[keys]\nexplode = [\"x\"]\n", 2, "unknown command \"explode\""),
        ("[keys]\nquit = [\"F13\"]\n", 2, "unknown key \"F13\""),
        ("[alerts]\n[[alerts.rule]]\nkind = \"liquidation-above\"\nvalue = 1\n\n[[alerts.rule]]\nkind = \"price-above\"\nsymbol = \"BTCUSDT\"\nvalue = \"lots\"\n", 9,
         "alerts.rule[1].value must be a number"),
        ("[[alerts.rule]]\nkind = \"price-above\"\nvalue = 1\n", 1, "needs a symbol"),
        ("[[alerts.rule]]\nkind = \"moon\"\nsymbol = \"BTCUSDT\"\nvalue = 1\n", 2, "alerts.rule[0].kind must be one of"),
        ("[[alerts.rule]]\nkind = \"move\"\nsymbol = \"BTCUSDT\"\nvalue = 1\ncolor = 2\n", 5, "unknown key \"color\" in [alerts.rule[0]]"),
    ])
    func badFiles(text: String, line: Int, reason: String) {
        #expect {
            _ = try DashboardConfig.parse(text, file: "/home/me/.config/aster-tui/config.toml")
        } throws: { error in
            guard let error = error as? ConfigError else { return false }
            #expect(error.line == line, "\(error)")
            #expect(error.reason.contains(reason), "\(error)")
            #expect(error.description.hasPrefix("/home/me/.config/aster-tui/config.toml:\(line): "))
            return true
        }
    }

    @Test("the file's place follows XDG_CONFIG_HOME, else ~/.config")
    func paths() {
        #expect(ConfigFile.defaultPath(environment: ["XDG_CONFIG_HOME": "/x/cfg", "HOME": "/home/me"]) == "/x/cfg/aster-tui/config.toml")
        #expect(ConfigFile.defaultPath(environment: ["XDG_CONFIG_HOME": "", "HOME": "/home/me"]) == "/home/me/.config/aster-tui/config.toml")
        #expect(ConfigFile.defaultPath(environment: ["HOME": "/home/me"]) == "/home/me/.config/aster-tui/config.toml")
        // A relative XDG_CONFIG_HOME is invalid by the specification and ignored.
        #expect(ConfigFile.defaultPath(environment: ["XDG_CONFIG_HOME": "rel", "HOME": "/home/me"]) == "/home/me/.config/aster-tui/config.toml")
    }

    @Test("a missing default file is fine; a missing --config file is not")
    func missing() throws {
        let path = NSTemporaryDirectory() + "aster-missing-\(UUID().uuidString)/config.toml"
        #expect(try ConfigFile.load(path: path) == DashboardConfig())
        #expect(throws: ConfigError.self) { try ConfigFile.load(path: path, required: true) }
    }

    @Test("saving writes the whole file through a temporary file and a rename, creating the folder")
    func save() throws {
        let folder = NSTemporaryDirectory() + "aster-save-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/aster-tui/config.toml"
        var c = try DashboardConfig.parse(everyKeyConfig, file: "c.toml")
        try ConfigFile.save(c, to: path)
        #expect(try ConfigFile.load(path: path) == c)
        let inode = try FileManager.default.attributesOfItem(atPath: path)[.systemFileNumber] as? Int
        c.alerts.rules.append(AlertRule(kind: .priceBelow, symbol: "SOLUSDT", value: 120))
        try ConfigFile.save(c, to: path)
        #expect(try ConfigFile.load(path: path).alerts.rules.last == AlertRule(kind: .priceBelow, symbol: "SOLUSDT", value: 120))
        // A rename, not an overwrite in place: the file is a new inode and no temporary file is left.
        let newInode = try FileManager.default.attributesOfItem(atPath: path)[.systemFileNumber] as? Int
        #expect(inode != newInode)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder + "/aster-tui") == ["config.toml"])
    }
}

@Suite("Key map")
struct KeyMapTests {
    @Test("the standard bindings give no key to two commands, and equal the checked map with no overrides")
    func standardIsConsistent() throws {
        let keys = Command.allCases.flatMap(\.standardKeys)
        #expect(Set(keys).count == keys.count)
        #expect(try KeyMap(overrides: [:]) == KeyMap.standard)
    }

    @Test("the standard map keeps every documented key")
    func standard() {
        let keys = KeyMap.standard
        #expect(keys.action(for: .character("c"), searching: false) == .toggleChartStyle)
        #expect(keys.action(for: .character("w"), searching: false) == .cycleGroup)
        #expect(keys.action(for: .pageDown, searching: false) == .moveFocus(10))
        #expect(keys.action(for: .escape, searching: false) == .dismiss)
        #expect(keys.overrides.isEmpty)
    }

    @Test("overrides replace a command's keys; Ctrl-C always quits; search still types")
    func overrides() throws {
        let keys = try KeyMap(overrides: ["quit": ["x"], "help": ["F", "Space"], "pause": []])
        #expect(keys.action(for: .character("x"), searching: false) == .quit)
        #expect(keys.action(for: .character(" "), searching: false) == .toggleHelp)
        #expect(keys.action(for: .character("p"), searching: false) == nil)
        #expect(keys.action(for: .interrupt, searching: false) == .quit)
        #expect(keys.action(for: .character("x"), searching: true) == .searchInput("x"))
        #expect(keys.overrides == ["quit": ["x"], "help": ["F", "Space"], "pause": []])
        #expect(keys.help.contains { $0.keys == "F Space" && $0.what == Command.help.what })
        #expect(!keys.help.contains { $0.what == Command.pause.what })
    }

    @Test("the help overlay lists every binding whole at the full layout's minimum, 100x28 (on its pages)")
    func helpFits() async throws {
        var s = try await filledSnapshot()
        s.showHelp = true
        let pages = try #require(HelpOverlay.pages(KeyMap.standard.help, width: 100, height: 28)).pages.count
        var text = ""
        for page in 0..<pages {
            s.helpPage = page
            text += DashboardRenderer().render(s, width: 100, height: 28).lines.joined(separator: "\n")
        }
        // Descriptions may wrap: compare word runs, whitespace and borders aside.
        let flat = text.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "│" }).joined(separator: " ")
        for row in KeyMap.standard.help {
            let what = row.what.split(separator: " ").joined(separator: " ")
            #expect(flat.contains(what) && text.contains(row.keys), "\(row)\n\(text)")
        }
    }

    @Test("key names read back as they are written", arguments: ["q", "/", "+", "Up", "PgDn", "Shift-Tab", "Esc", "Space", "Enter"])
    func names(name: String) throws {
        let key = try #require(KeyMap.key(named: name))
        #expect(KeyMap.name(of: key) == name)
    }
}

@Suite("Watchlist groups")
struct WatchGroupTests {
    @Test("w cycles every symbol, the watchlist and named groups; W adds and removes the focused symbol and asks to save")
    func groups() async throws {
        let model = DashboardModel(mode: .demo, symbol: "BTCUSDT", symbols: ["BTCUSDT"],
                                   groups: [WatchGroup(name: "majors", symbols: ["BTCUSDT", "ETHUSDT"])])
        await model.apply(try decode(try fixture("tickerArr")).event, receivedAt: 0)
        for symbol in ["ETHUSDT", "SOLUSDT"] {
            var t = try decode(try fixture("ticker")).event
            if case .ticker(var ticker) = t { ticker.symbol = symbol; t = .ticker(ticker) }
            await model.apply(t, receivedAt: 0)
        }
        var s = await model.snapshot(now: 0)
        #expect(s.group == "watchlist" && s.watchlist.map(\.symbol) == ["BTCUSDT"])
        _ = await model.perform(.cycleGroup)
        s = await model.snapshot(now: 0)
        #expect(s.group == "majors" && s.watchlist.map(\.symbol) == ["BTCUSDT", "ETHUSDT"])
        _ = await model.perform(.cycleGroup)
        #expect(await model.snapshot(now: 0).watchlist.map(\.symbol) == ["BTCUSDT", "ETHUSDT", "SOLUSDT"])
        _ = await model.perform(.moveFocus(2))  // SOLUSDT
        #expect(await model.perform(.toggleWatch) == [.saveWatchlist(["BTCUSDT", "SOLUSDT"])])
        _ = await model.perform(.cycleGroup)  // back to the watchlist
        #expect(await model.snapshot(now: 0).watchlist.map(\.symbol) == ["BTCUSDT", "SOLUSDT"])
        #expect(await model.perform(.toggleWatch) == [.saveWatchlist(["BTCUSDT"])])
        #expect(await model.snapshot(now: 0).message == "SOLUSDT removed from the watchlist")
    }

    @Test("without a watchlist, W starts one")
    func firstWatch() async throws {
        let model = DashboardModel(mode: .demo, symbol: "ETHUSDT")
        #expect(await model.perform(.toggleWatch) == [.saveWatchlist(["ETHUSDT"])])
        _ = await model.perform(.cycleGroup)
        #expect(await model.snapshot(now: 0).group == "watchlist")
    }
}
