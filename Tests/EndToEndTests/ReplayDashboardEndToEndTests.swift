import AsterTestSupport
import Foundation
import Testing

@Suite("Replay time travel in the dashboard, in tmux", .serialized, .timeLimit(.minutes(3)))
struct ReplayDashboardEndToEndTests {
    /// The replay clock the header shows (`2026-12-03 HH:MM:SS UTC`), as seconds into the day.
    func clock(_ screen: String) -> Int? {
        guard let r = screen.range(of: #"2026-12-03 \d\d:\d\d:\d\d UTC"#, options: .regularExpression) else { return nil }
        let hms = screen[r].dropFirst(11).prefix(8).split(separator: ":").compactMap { Int($0) }
        return hms.count == 3 ? hms[0] * 3600 + hms[1] * 60 + hms[2] : nil
    }

    @Test("--replay: REPLAY, clock and speed in the header; pause, seek ±1/10 min and to a typed time, speed, step; the book follows")
    func timeTravel() async throws {
        try #require(tmuxAvailable(), "tmux is required (installed by .ci/run)")
        let binary = try asterTUIBinary().path
        let path = temporaryPath("travel.rec")
        try ReplayRecordings.write(to: path, seconds: 1_200)
        let session = TmuxSession()
        defer { Task { await session.kill() } }
        try await session.start("\(binary) --replay \(path); echo EXITED:$?; sleep 30", width: 120, height: 40)
        try await session.waitFor("replay playing") { s in
            s.contains("REPLAY") && s.contains("×1") && clock(s) != nil && s.contains("Book BTCUSDT") && s.contains("spread")
        }
        #expect(FileManager.default.fileExists(atPath: path + ".idx"), "the index is written next to the recording")

        try await session.keys("Space")
        let paused = try await session.waitFor("paused") { $0.contains("PAUSED") }
        let at = try #require(clock(paused))
        try await Task.sleep(for: .seconds(1.5))
        #expect(clock(try await session.screen()) == at, "paused, the clock stands")

        try await session.keys("-l", "]")
        try await session.waitFor("a minute on") { clock($0) == at + 60 }
        try await session.keys("-l", "@")
        try await session.waitFor("prompt") { $0.contains("go to:") }
        try await session.keys("-l", "00:12:30")
        try await session.keys("Enter")
        let landed = try await session.waitFor("typed time") { s in clock(s) == 12 * 60 + 30 && s.contains("PAUSED") }
        // The book at 00:12:30 is the book recorded at 00:12:30.
        let step = Int64(12 * 60 + 30) * 10
        #expect(landed.contains(ReplayRecordings.bestBid(step)), "best bid \(ReplayRecordings.bestBid(step)) in\n\(landed)")
        try await session.keys("-l", "{")
        try await session.waitFor("ten minutes back") { clock($0) == 2 * 60 + 30 }
        try await session.keys("-l", "[")
        try await session.waitFor("a minute back") { s in
            clock(s) == 90 && s.contains(ReplayRecordings.bestBid(900))
        }
        try await session.keys("-l", ".")
        try await session.waitFor("stepped") { s in clock(s) == 90 && s.contains("PAUSED") }
        try await session.keys("-l", ">>")
        try await session.waitFor("×4") { $0.contains("×4") }
        try await session.keys("-l", "<<<<")
        try await session.waitFor("×0.25") { $0.contains("×0.25") }
        try await session.keys("-l", ">>>>>>")
        try await session.waitFor("×16") { $0.contains("×16") }
        try await session.keys("Space")
        try await session.waitFor("playing at ×16") { s in !s.contains("PAUSED") && (clock(s) ?? 0) >= 90 + 16 }

        try await session.keys("q")
        let after = try await session.waitFor("clean exit") { $0.contains("EXITED:0") }
        #expect(!after.contains("Book BTCUSDT"))
    }

    @Test("a malformed index next to the recording is reported in the header and rebuilt; the replay plays")
    func malformedIndex() async throws {
        try #require(tmuxAvailable(), "tmux is required (installed by .ci/run)")
        let binary = try asterTUIBinary().path
        let path = temporaryPath("bad-index.rec")
        try ReplayRecordings.write(to: path, seconds: 60)
        try "aster-replay-index 1\nsource-size x\n".write(toFile: path + ".idx", atomically: true, encoding: .utf8)
        let session = TmuxSession()
        defer { Task { await session.kill() } }
        try await session.start("\(binary) --replay \(path); echo EXITED:$?; sleep 30", width: 160, height: 40)
        try await session.waitFor("reported and playing") { s in
            s.contains("REPLAY") && s.contains("replay index") && s.contains("spread")
        }
        let rewritten = try String(contentsOfFile: path + ".idx", encoding: .utf8)
        #expect(rewritten.hasSuffix("end 6\n") || rewritten.contains("\nend "))
        try await session.keys("q")
        try await session.waitFor("clean exit") { $0.contains("EXITED:0") }
    }
}
