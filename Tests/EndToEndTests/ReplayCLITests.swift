import AsterKit
import AsterSim
import AsterTestSupport
import Foundation
import Testing

@Suite("aster-tui stream: recording and replay", .serialized, .timeLimit(.minutes(4)))
struct ReplayCLITests {
    @Test("a 200 MB recording replays in constant memory (resident under 100 MB), every frame delivered")
    func largeReplay() async throws {
        let path = temporaryPath("large.rec")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let frame = try fixture("aggTrade").replacingOccurrences(of: "\n", with: "").replacingOccurrences(of: " ", with: "")
        let line = "1700000000000\t\(frame)\n"
        let perChunk = 10_000
        let chunk = Data(String(repeating: line, count: perChunk).utf8)
        let chunks = 200_000_000 / chunk.count + 1
        FileManager.default.createFile(atPath: path, contents: nil)
        let handle = try #require(FileHandle(forWritingAtPath: path))
        for _ in 0..<chunks { handle.write(chunk) }
        try handle.close()
        let frames = chunks * perChunk
        let binary = try asterTUIBinary().path
        // The peak resident size (VmHWM) read just before the process ends.
        let script = """
            \(binary) stream --replay \(path) --count \(frames) > /dev/null & p=$!; peak=0
            while kill -0 $p 2>/dev/null; do r=$(awk '/VmHWM/{print $2}' /proc/$p/status 2>/dev/null); [ -n "$r" ] && peak=$r; sleep 0.1; done
            wait $p; echo "status=$? peak=$peak"
            """
        let result = try await runProcess(URL(fileURLWithPath: "/bin/bash"), ["-c", script], timeout: .seconds(170))
        let status = result.stdout.firstMatch(of: /status=(\d+)/).map { Int($0.1)! }
        let peakKiB = result.stdout.firstMatch(of: /peak=(\d+)/).map { Int($0.1)! } ?? 0
        #expect(status == 0, "every one of \(frames) frames printed: \(result.stdout) \(result.stderr.suffix(200))")
        #expect(peakKiB > 0 && peakKiB < 100 * 1024, "peak resident \(peakKiB / 1024) MiB")
    }

    @Test("`aster-tui stream --record` then `--replay` prints the same JSON lines")
    func cli() async throws {
        let binary = try asterTUIBinary()
        let path = temporaryPath("cli.rec")
        let frames = try wrappedFixtureFrames().map(\.frame)
        let live = try await FrameServer(frames: frames).run { port in
            try await runProcess(binary, ["stream", "--json", "--url", "ws://127.0.0.1:\(port)", "--count", "20",
                                          "--record", path, "btcusdt@aggTrade"])
        }
        #expect(live.status == 0)
        let replayed = try await runProcess(binary, ["stream", "--json", "--replay", path, "--count", "20"])
        #expect(replayed.status == 0, "\(replayed.stderr)")
        #expect(replayed.stdout == live.stdout && !live.stdout.isEmpty)
    }
}
