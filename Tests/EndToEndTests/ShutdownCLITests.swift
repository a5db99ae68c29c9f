import AsterTestSupport
import AsterDashboard
import AsterKit
import AsterSim
import Foundation
import Testing


@Suite("Shutdown from the command line: keys deleted, sockets closed, prompt exit", .serialized, .timeLimit(.minutes(3)))
struct ShutdownCLITests {
    @Test("`stream --user --count N` deletes its listen key before it exits")
    func userStreamCount() async throws {
        let binary = try asterTUIBinary()
        let credentials = try demoCredentialsFile()
        defer { try? FileManager.default.removeItem(atPath: credentials) }
        // The demo trader trades in the demo account here, so its user stream has events to count.
        try await withSimulator(SimConfiguration(seed: 71, rate: 8_000, demoTrader: .demoAccount)) { server, port in
            let result = try await runProcess(binary, ["stream", "--user", "--count", "2", "--timeout", "60",
                                                       "--url", "ws://127.0.0.1:\(port)", "--rest-url", "http://127.0.0.1:\(port)",
                                                       "--credentials", credentials])
            #expect(result.status == 0, "\(result.stderr)")
            // Checked at once: the process deleted the key before exiting. (The server notices the
            // closed socket a moment later.)
            #expect(server.accountSnapshot.listenKeys.isEmpty)
            try await waitUntil(timeout: .seconds(2)) { server.openConnections == 0 }
        }
    }

    @Test("`stream --count N` exits promptly even with megabytes queued on a saturated stream")
    func promptExit() async throws {
        let binary = try asterTUIBinary()
        // 40 MB of depth frames sent as fast as the socket takes them: far more than the client reads.
        let levels = (0..<100).map { #"["\#(90_000 + $0).5","1.25"]"# }.joined(separator: ",")
        let frame = #"{"stream":"btcusdt@depth","data":{"e":"depthUpdate","E":1,"T":1,"s":"BTCUSDT","U":1,"u":2,"pu":0,"b":[\#(levels)],"a":[\#(levels)]}}"#
        let frames = Array(repeating: frame, count: 40_000_000 / frame.utf8.count)
        try await FrameServer(frames: frames).run { port in
            let started = ContinuousClock.now
            let result = try await runProcess(binary, ["stream", "--json", "--count", "10", "--timeout", "60",
                                                       "--url", "ws://127.0.0.1:\(port)", "btcusdt@depth"])
            let elapsed = ContinuousClock.now - started
            #expect(result.status == 0, "\(result.stderr.suffix(300))")
            #expect(result.stdout.split(separator: "\n").count == 10)
            #expect(elapsed < .seconds(5), "took \(elapsed)")
        }
    }

    @Test("the dashboard deletes its listen key and closes every socket on q and on Ctrl-C", arguments: ["q", "C-c"])
    func dashboardExit(key: String) async throws {
        try #require(tmuxAvailable(), "tmux is required (installed by .ci/run)")
        let binary = try asterTUIBinary().path
        let credentials = try demoCredentialsFile()
        defer { try? FileManager.default.removeItem(atPath: credentials) }
        try await withSimulator(SimConfiguration(seed: 73, rate: 5_000)) { server, port in
            let session = TmuxSession()
            defer { Task { await session.kill() } }
            try await session.start("sh -c 'exec \(binary) --url ws://127.0.0.1:\(port) --rest-url http://127.0.0.1:\(port) --credentials \(credentials)'; echo EXITED:$?; sleep 30",
                                    width: 120, height: 40)
            try await waitUntil(timeout: .seconds(30)) { !server.accountSnapshot.listenKeys.isEmpty && server.openConnections >= 2 }
            try await session.keys(key)
            try await session.waitFor("exit") { $0.contains("EXITED:") }
            #expect(server.accountSnapshot.listenKeys.isEmpty, "the listen key must be deleted before the dashboard exits")
            try await waitUntil(timeout: .seconds(2)) { server.openConnections == 0 }
        }
    }

    @Test("20 rapid ↓ in the dashboard leave the server subscribed to exactly the focused symbol's streams")
    func rapidSwitches() async throws {
        try #require(tmuxAvailable(), "tmux is required (installed by .ci/run)")
        let binary = try asterTUIBinary().path
        try await withSimulator(SimConfiguration(seed: 74, rate: 5_000)) { server, port in
            let session = TmuxSession()
            defer { Task { await session.kill() } }
            try await session.start("\(binary) --url ws://127.0.0.1:\(port) --rest-url http://127.0.0.1:\(port); sleep 30",
                                    width: 120, height: 40)
            try await waitUntil(timeout: .seconds(30)) { server.subscriptions.first?.count ?? 0 >= 6 }
            try await session.tmux(["send-keys", "-t", session.name] + Array(repeating: "Down", count: 20))
            try await Task.sleep(for: .seconds(3))
            let screen = try await session.screen()
            let focused = try #require(screen.firstMatch(of: /Book ([A-Z0-9]+USDT)/).map { String($0.1) }, "\(screen)")
            // With a REST URL the dashboard keeps the focused symbol's synchronised book: its diff stream too.
            let expected = (DashboardModel.globalStreams + DashboardModel.symbolStreams(focused, interval: .oneMinute, localBook: true)).map(\.name)
            try await waitUntil(timeout: .seconds(10)) { Set(server.subscriptions.first ?? []) == Set(expected) }
            #expect(server.subscriptions.count == 1)
            #expect(Set(server.subscriptions.first ?? []) == Set(expected), "focused \(focused)")
            try await session.keys("q")
        }
    }
}
