import AsterTestSupport
import Foundation
import Testing

/// The heatmap, the chart's trade flow, the grid and the paged help, in the real program against
/// the simulator, driven through tmux.
@Suite("Dashboard views end to end in tmux", .serialized, .timeLimit(.minutes(3)))
struct DashboardViewsEndToEndTests {
    @Test("--pane heatmap: the heatmap fills in second by second from the synchronised book; ← scrolls back, End returns, g zooms, q quits")
    func heatmapPane() async throws {
        try #require(tmuxAvailable(), "tmux is required (installed by .ci/run)")
        let binary = try asterTUIBinary().path
        let session = TmuxSession()
        defer { Task { await session.kill() } }
        try await session.start("\(binary) --demo --pane heatmap; echo EXITED:$?; sleep 30", width: 100, height: 30)
        // Several seconds of samples: at least two time labels on the axis and heat cells (blocks
        // in 256 colours, shades in tmux's 8).
        let filled = try await session.waitFor("heatmap with history") { s in
            s.contains("Heatmap BTCUSDT") && s.contains("bid") && s.contains("sell") && s.contains("now")
                && s.filter({ "░▒▓█".contains($0) }).count > 40 && Self.clockLabels(s) >= 2
        }
        #expect(!filled.contains("waiting for the book"))
        // The simulator serves the diff stream and REST snapshots: the heatmap draws the synchronised
        // local book (deeper than the partial depth's 20 levels) and its title says so.
        try await session.waitFor("the synchronised book") { $0.contains("Heatmap BTCUSDT  book: synced") }
        try await session.keys("Left")
        try await session.waitFor("scrolled back") { $0.contains("back (End: now)") }
        try await session.keys("End")
        try await session.waitFor("live again") { !$0.contains("back (End: now)") && $0.contains("now") }
        try await session.keys("g")
        try await session.waitFor("zoomed out") { $0.contains("Heatmap BTCUSDT ×") }
        try await session.keys("q")
        try await session.waitFor("clean exit") { $0.contains("EXITED:0") }
    }

    @Test("the chart shows VWAP and CVD; H puts the heatmap in its place and back")
    func heatmapToggle() async throws {
        try #require(tmuxAvailable(), "tmux is required (installed by .ci/run)")
        let binary = try asterTUIBinary().path
        let session = TmuxSession()
        defer { Task { await session.kill() } }
        try await session.start("\(binary) --demo; echo EXITED:$?; sleep 30", width: 120, height: 40)
        try await session.waitFor("chart with flow") { s in
            // The VWAP line's dots and the CVD strip's label.
            s.contains("Chart BTCUSDT 1m") && s.contains("•") && s.contains("Δ ") && s.contains("spread")
                && !s.contains("waiting for 1m klines")
        }
        try await session.keys("H")
        let heat = try await session.waitFor("heatmap in the chart's place") { s in
            s.contains("Heatmap BTCUSDT") && s.contains("bid") && !s.contains("Chart BTCUSDT")
        }
        #expect(heat.contains("Book BTCUSDT") && heat.contains("Watchlist"))
        try await session.keys("H")
        try await session.waitFor("chart again") { $0.contains("Chart BTCUSDT 1m") && !$0.contains("Heatmap") }
        try await session.keys("q")
        try await session.waitFor("clean exit") { $0.contains("EXITED:0") }
    }

    @Test("m opens the grid of every symbol; → and Enter focus the next symbol in the full layout")
    func grid() async throws {
        try #require(tmuxAvailable(), "tmux is required (installed by .ci/run)")
        let binary = try asterTUIBinary().path
        let session = TmuxSession()
        defer { Task { await session.kill() } }
        try await session.start("\(binary) --demo; echo EXITED:$?; sleep 30", width: 120, height: 40)
        try await session.waitFor("live") { $0.contains("LIVE") && $0.contains("spread") && $0.contains("│ETH ") }
        try await session.keys("m")
        let grid = try await session.waitFor("grid") { s in
            s.contains("symbols") && s.contains("BTCUSDT") && s.contains("DOGEUSDT") && s.contains("ETHUSDT") && s.contains("%")
                && s.contains("f ") && !s.contains("Watchlist")
        }
        #expect(!grid.contains("Book BTCUSDT"))
        try await session.keys("Right")
        try await session.keys("Enter")
        try await session.waitFor("focused DOGEUSDT") { s in
            s.contains("Book DOGEUSDT") && s.contains("Watchlist") && s.contains("Chart DOGEUSDT")
        }
        try await session.keys("q")
        try await session.waitFor("clean exit") { $0.contains("EXITED:0") }
    }

    @Test("at 80x24 the help is paged: every page turns with ↓")
    func pagedHelp() async throws {
        try #require(tmuxAvailable(), "tmux is required (installed by .ci/run)")
        let binary = try asterTUIBinary().path
        let session = TmuxSession()
        defer { Task { await session.kill() } }
        try await session.start("\(binary) --demo; echo EXITED:$?; sleep 30", width: 80, height: 24)
        try await session.waitFor("live") { $0.contains("LIVE") }
        try await session.keys("?")
        let first = try await session.waitFor("help page 1") { $0.contains("Keys 1/") && $0.contains("↓ next page") }
        #expect(first.contains("search a symbol"))
        try await session.keys("Down")
        try await session.waitFor("help page 2") { $0.contains("Keys 2/") }
        try await session.keys("Escape")
        try await session.waitFor("help closed") { !$0.contains("Keys ") }
        try await session.keys("q")
        try await session.waitFor("clean exit") { $0.contains("EXITED:0") }
    }

    /// `HH:MM:SS` labels on a screen.
    static func clockLabels(_ screen: String) -> Int {
        screen.split(separator: " ").filter { word in
            word.count == 8 && word.enumerated().allSatisfy { i, c in i == 2 || i == 5 ? c == ":" : c.isNumber }
        }.count
    }
}
