import AsterTestSupport
import Foundation
import Testing

// Nested in the serialized tmux suite: one dashboard (and its simulator) at a time, so these
// tests do not load the machine beside the other suites.
extension DashboardEndToEndTests {
@Suite("Config, themes and alerts", .timeLimit(.minutes(3)))
struct DashboardConfigEndToEndTests {
    func temporaryFolder() throws -> String {
        let dir = NSTemporaryDirectory() + "aster-e2e-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    @Test("a config file's light theme and alert: 256-colour inks, the alert flashes, a rule added with a is saved to the file")
    func configThemeAlert() async throws {
        try #require(tmuxAvailable(), "tmux is required (installed by .ci/run)")
        let binary = try asterTUIBinary().path
        let dir = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let config = dir + "/config.toml"
        try """
            # my settings
            symbol = "ETHUSDT"
            [theme]
            name = "light"
            [alerts]
            bell = false
            command = ["env", "--chdir=\(dir)", "touch"]
            [[alerts.rule]]
            kind = "price-above"
            symbol = "ETHUSDT"
            value = "1"
            """.write(toFile: config, atomically: true, encoding: .utf8)
        let session = TmuxSession()
        defer { Task { await session.kill() } }
        try await session.start("env -u NO_COLOR TERM=xterm-256color \(binary) --demo --config \(config); echo EXITED:$?; sleep 30",
                                width: 120, height: 40)
        let screen = try await session.waitFor("alert flash") { $0.contains("ALERT ETHUSDT at") && $0.contains("Book ETHUSDT") }
        #expect(screen.contains("at or above 1"))
        let colored = try await session.tmux(["capture-pane", "-e", "-p", "-t", session.name])
        #expect(colored.contains("38;5;28") || colored.contains("38;5;160"), "the light theme's 256-colour inks")
        // The notification command ran, without a shell, with the message as one last argument:
        // `touch` made a file named after the whole message, spaces and commas included.
        let deadline = ContinuousClock.now + .seconds(10)
        var files: [String] = []
        while ContinuousClock.now < deadline {
            files = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasPrefix("ETHUSDT at ") }
            if !files.isEmpty { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(files.count == 1 && files[0].hasSuffix(", at or above 1"), "\(files)")

        // a on the focused symbol: a new rule, saved into the file.
        try await session.keys("a")
        try await session.waitFor("alert prompt") { $0.contains("alert ETHUSDT: _") }
        try await session.keys(">", "9", "9", "9", "9", "9", "Enter")
        try await session.waitFor("alert set") { $0.contains("alert set: ETHUSDT price ≥ 99999") }
        let saved = try String(contentsOfFile: config, encoding: .utf8)
        #expect(saved.contains("value = \"99999\"") && saved.contains("value = \"1\"") && saved.contains("name = \"light\""), "\(saved)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).allSatisfy { !$0.hasSuffix(".tmp") })
        try await session.keys("A")
        try await session.waitFor("alert overlay") { $0.contains("2. ETHUSDT price ≥ 99999") && $0.contains("Fired (newest first)") }
        try await session.keys("Escape", "q")
        try await session.waitFor("clean exit") { $0.contains("EXITED:0") }
        await session.kill()  // now, not in a task that may outlive the test process
    }

    @Test("an 8-colour terminal gets the basic colours of the light theme, never a 256-colour index")
    func basicColors() async throws {
        try #require(tmuxAvailable(), "tmux is required (installed by .ci/run)")
        let binary = try asterTUIBinary().path
        let dir = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "[theme]\nname = \"light\"\npreset = \"colorblind\"\n".write(toFile: dir + "/c.toml", atomically: true, encoding: .utf8)
        let session = TmuxSession()
        defer { Task { await session.kill() } }
        try await session.start("env -u NO_COLOR TERM=xterm \(binary) --demo --config \(dir)/c.toml; echo EXITED:$?; sleep 30",
                                width: 120, height: 40)
        try await session.waitFor("running") { $0.contains("LIVE") && $0.contains("spread") }
        let colored = try await session.tmux(["capture-pane", "-e", "-p", "-t", session.name])
        #expect(colored.range(of: #"\[([0-9;]*;)?3[0-7](;[0-9;]*)?m"#, options: .regularExpression) != nil, "basic colours")
        #expect(!colored.contains("38;5;"), "no 256-colour index on an 8-colour terminal")
        try await session.keys("q")
        try await session.waitFor("clean exit") { $0.contains("EXITED:0") }
        await session.kill()
    }

    @Test("NO_COLOR wins over a theme: no colour at all")
    func noColorWins() async throws {
        try #require(tmuxAvailable(), "tmux is required (installed by .ci/run)")
        let binary = try asterTUIBinary().path
        let dir = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "[theme]\nname = \"high-contrast\"\n".write(toFile: dir + "/c.toml", atomically: true, encoding: .utf8)
        let session = TmuxSession()
        defer { Task { await session.kill() } }
        try await session.start("env NO_COLOR=1 TERM=xterm-256color \(binary) --demo --config \(dir)/c.toml; echo EXITED:$?; sleep 30",
                                width: 120, height: 40)
        try await session.waitFor("running") { $0.contains("LIVE") && $0.contains("spread") }
        let colored = try await session.tmux(["capture-pane", "-e", "-p", "-t", session.name])
        #expect(colored.range(of: #"\[([0-9;]*;)?(3[0-7]|38;5;[0-9]+|9[0-7])(;[0-9;]*)?m"#, options: .regularExpression) == nil)
        try await session.keys("q")
        try await session.waitFor("clean exit") { $0.contains("EXITED:0") }
        await session.kill()  // now, not in a task that may outlive the test process
    }

    @Test("margin-ratio and PnL alerts on the simulator's demo account fire and are logged")
    func accountAlerts() async throws {
        try #require(tmuxAvailable(), "tmux is required (installed by .ci/run)")
        let binary = try asterTUIBinary().path
        let dir = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try """
            [alerts]
            bell = false
            [[alerts.rule]]
            kind = "margin-ratio-above"
            value = "0.000001"
            [[alerts.rule]]
            kind = "pnl-above"
            symbol = "BTCUSDT"
            value = "-1000000"
            """.write(toFile: dir + "/c.toml", atomically: true, encoding: .utf8)
        let session = TmuxSession()
        defer { Task { await session.kill() } }
        try await session.start("\(binary) --demo --config \(dir)/c.toml; echo EXITED:$?; sleep 30", width: 120, height: 40)
        try await session.waitFor("account loaded") { $0.contains("Wallet") }
        try await session.keys("A")
        try await session.waitFor("both alerts in the log") { s in
            s.contains("Fired (newest first)") && s.contains("margin ratio") && s.contains("at or above 0.000001%")
                && s.contains("BTCUSDT PnL") && s.contains("at or above -1000000")
        }
        try await session.keys("Escape", "q")
        try await session.waitFor("clean exit") { $0.contains("EXITED:0") }
        await session.kill()
    }

    @Test("--pane account is a labelled table at 50x12")
    func accountTable() async throws {
        try #require(tmuxAvailable(), "tmux is required (installed by .ci/run)")
        let binary = try asterTUIBinary().path
        let dir = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        FileManager.default.createFile(atPath: dir + "/c.toml", contents: Data())
        let session = TmuxSession()
        defer { Task { await session.kill() } }
        try await session.start("\(binary) --demo --pane account --config \(dir)/c.toml; echo EXITED:$?; sleep 30", width: 50, height: 12)
        let screen = try await session.waitFor("account table") { s in
            s.contains("Asset") && s.contains("Wallet") && s.contains("uPnL") && (s.contains("Position") || s.contains("no open positions"))
        }
        #expect(screen.contains("USDT"))
        try await session.keys("q")
        try await session.waitFor("clean exit") { $0.contains("EXITED:0") }
        await session.kill()  // now, not in a task that may outlive the test process
    }
}

@Suite("Without a network", .timeLimit(.minutes(2)))
struct DashboardOfflineTests {
    @Test("a live start with nothing listening shows the reason and keeps retrying, never crashes; q still quits")
    func noNetwork() async throws {
        try #require(tmuxAvailable(), "tmux is required (installed by .ci/run)")
        let binary = try asterTUIBinary().path
        let dir = NSTemporaryDirectory() + "aster-offline-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        FileManager.default.createFile(atPath: dir + "/c.toml", contents: Data())
        let session = TmuxSession()
        defer { Task { await session.kill() } }
        // Port 9 on loopback: nothing listens, connections are refused at once.
        try await session.start("env -u ASTER_API_KEY -u ASTER_API_SECRET -u ASTER_USER \(binary) --url ws://127.0.0.1:9 "
                                + "--rest-url http://127.0.0.1:9 --config \(dir)/c.toml; echo EXITED:$?; sleep 30", width: 120, height: 40)
        let screen = try await session.waitFor("offline status") { s in
            (s.contains("RECONNECTING #") || s.contains("OFFLINE:")) && s.contains("Connection errors")
        }
        #expect(!screen.contains("EXITED"))
        try await session.waitFor("still retrying") { $0.contains("RECONNECTING #2") || $0.contains("RECONNECTING #3") }
        try await session.keys("q")
        try await session.waitFor("clean exit") { $0.contains("EXITED:0") }
        await session.kill()
    }
}
}
