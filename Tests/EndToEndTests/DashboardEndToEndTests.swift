import AsterTestSupport
import Foundation
import Testing



@Suite("Dashboard end to end in tmux", .serialized, .timeLimit(.minutes(3)))
struct DashboardEndToEndTests {
    @Test("--demo fills every pane, switches symbol with ↓, re-lays out on resize, quits cleanly with q")
    func demo() async throws {
        try #require(tmuxAvailable(), "tmux is required (installed by .ci/run)")
        let binary = try asterTUIBinary().path
        let session = TmuxSession()
        defer { Task { await session.kill() } }
        try await session.start("\(binary) --demo; echo EXITED:$?; sleep 30", width: 120, height: 40)
        let full = try await session.waitFor("live panes") { s in
            s.contains("LIVE") && s.contains("spread") && s.contains("│ETH ") && s.contains("│SOL ")
                && s.contains("Funding BTCUSDT") && s.contains("Next in") && !s.contains("waiting for trades")
                && !s.contains("waiting for 1m klines") && s.contains("uPnL")
        }
        #expect(full.contains("Chart BTCUSDT 1m") && full.contains("Liquidations"))

        try await session.keys("Down")
        let switched = try await session.waitFor("symbol switch") { s in
            s.contains("Book DOGEUSDT") && s.contains("spread") && s.contains("Trades DOGEUSDT")
                && !s.contains("waiting for trades")
        }
        #expect(switched.contains("Chart DOGEUSDT"))

        try await session.resize(60, 20)
        try await session.waitFor("compact layout") { s in s.contains("Watchlist") && s.contains("Book DOGEUSDT") && !s.contains("Chart") }
        try await session.resize(40, 10)
        try await session.waitFor("single pane") { s in s.contains("Book DOGEUSDT") && !s.contains("Watchlist") }
        try await session.resize(25, 5)
        try await session.waitFor("too small") { $0.contains("terminal too small") }
        try await session.resize(120, 40)
        try await session.waitFor("full again") { $0.contains("Chart DOGEUSDT") }

        try await session.keys("q")
        let after = try await session.waitFor("clean exit") { $0.contains("EXITED:0") }
        #expect(!after.contains("Watchlist") && !after.contains("Book"), "the dashboard must leave the screen clean")
        #expect(!after.contains("Error") && !after.contains("error"))
    }

    @Test("Ctrl-C, SIGTERM and SIGHUP restore the terminal", arguments: ["C-c", "TERM", "HUP"])
    func signals(how: String) async throws {
        try #require(tmuxAvailable(), "tmux is required (installed by .ci/run)")
        let binary = try asterTUIBinary().path
        let session = TmuxSession()
        defer { Task { await session.kill() } }
        // The dashboard runs in the foreground (as from a shell prompt), its pid written first by
        // the `sh` it replaces: Ctrl-C then reaches it the way a user's does, and the outer shell
        // (which also sees SIGINT) carries on because its foreground child exited normally.
        try await session.start("sh -c 'echo $$ > /tmp/\(session.name).pid; exec \(binary) --demo'; echo EXITED:$?; sleep 30",
                                width: 100, height: 30)
        try await session.waitFor("running") { $0.contains("LIVE") }
        if how == "C-c" {
            try await session.keys("C-c")
        } else {
            let pid = try String(contentsOfFile: "/tmp/\(session.name).pid", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
            _ = try await runProcess(URL(fileURLWithPath: "/bin/kill"), ["-\(how)", pid])
        }
        let after = try await session.waitFor("exit after \(how)") { $0.contains("EXITED:") }
        #expect(after.contains("EXITED:0"))
        #expect(!after.contains("Watchlist"))
        try? FileManager.default.removeItem(atPath: "/tmp/\(session.name).pid")
    }

    @Test("bad flags print usage and exit non-zero before the screen is touched",
          arguments: [["--layout", "tiny"], ["--pane", "nope"], ["--refresh-ms", "0"], ["--interval", "2m"], ["--bogus"]])
    func badFlags(arguments: [String]) async throws {
        let result = try await runProcess(try asterTUIBinary(), arguments)
        #expect(result.status != 0)
        #expect(result.stderr.contains("Usage") || result.stderr.contains("Error"))
        #expect(!result.stdout.contains("\u{1B}["), "no escape sequences: the screen was never started")
    }
}
