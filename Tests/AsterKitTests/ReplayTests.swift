import AsterKit
import AsterSim
import Foundation
import Testing

func temporaryPath(_ name: String) -> String {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("aster-replay-\(UUID().uuidString)")
    try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    return dir.appendingPathComponent(name).path
}

/// Every event of a replay, played to its end through the client.
func replayed(_ source: ReplaySource) async throws -> [StreamEvent] {
    let client = StreamClient(replay: source, bufferLimit: 1_000_000)
    let events = client.events()
    try await client.run()
    var out: [StreamEvent] = []
    for await event in events { out.append(event) }
    return out
}

func messages(_ events: some AsyncSequence<StreamEvent, Never>, count: Int) async -> [StreamMessage] {
    var out: [StreamMessage] = []
    for await event in events {
        if case .message(let m) = event { out.append(m) }
        if out.count == count { break }
    }
    return out
}

@Suite("Recording and replay", .serialized, .timeLimit(.minutes(3)))
struct ReplayTests {
    @Test("recording a live stream then replaying it gives the same events in the same order; secrets never written")
    func roundTrip() async throws {
        let path = temporaryPath("live.rec")
        let secretFrame = #"{"e":"listenKeyExpired","E":1576653824250,"listenKey":"pqia91ma19a5s61cv6a81va65sdf19v8a65a1a5s61cv6a81va65sdf19v8a65a1"}"#
        let frames = try wrappedFixtureFrames().map(\.frame) + [secretFrame]
        let recorder = try StreamRecorder(path: path)
        let live = try await FrameServer(frames: frames).run { port in
            let stream = StreamClient(url: "ws://127.0.0.1:\(port)/stream?streams=btcusdt@aggTrade",
                                      configuration: StreamConfiguration(reconnect: false))
            let events = stream.events()
            let raw = stream.rawFrames()
            let recording = Task { for await frame in raw { recorder.record(frame.text, receivedAt: frame.receivedAt) } }
            let got = try await withRunning(stream) { await messages(events, count: frames.count) }
            await recording.value
            return got
        }
        recorder.close()
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(!text.contains("pqia91ma19a5"), "the listen key must never be recorded")
        #expect(text.contains(#""listenKey":"<redacted>""#))
        let replayed = await messages(try await replayed(ReplaySource(paths: [path])).async, count: frames.count)
        #expect(replayed == live)
        #expect(replayed.count == frames.count)
    }

    @Test("`;;`-delimited and one-per-line files replay too; garbage is a counted decode failure")
    func formats() async throws {
        let frames = [try fixture("aggTrade"), try fixture("bookTicker"), try fixture("depthDiff")]
            .map { $0.replacingOccurrences(of: "\n", with: "") }
        let semi = temporaryPath("a.txt")
        try (frames.joined(separator: ";;") + ";;not json").write(toFile: semi, atomically: true, encoding: .utf8)
        let lines = temporaryPath("b.txt")
        try frames.joined(separator: "\n").write(toFile: lines, atomically: true, encoding: .utf8)
        let replay = ReplaySource(paths: [semi, lines])
        var kinds: [String] = []
        var failures = 0
        for event in try await replayed(replay) {
            switch event {
            case .message(let m): kinds.append(m.event.eventType ?? "?")
            case .decodeFailure: failures += 1
            case .state: break
            }
        }
        #expect(kinds == ["aggTrade", "bookTicker", "depthUpdate", "aggTrade", "bookTicker", "depthUpdate"])
        #expect(failures == 1)
    }

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

    @Test("real-time pacing follows the recorded times; ×N is N times faster")
    func pacing() async throws {
        let path = temporaryPath("paced.rec")
        let t = try fixture("aggTrade").replacingOccurrences(of: "\n", with: "")
        try "1000\t\(t)\n1400\t\(t)\n1800\t\(t)\n".write(toFile: path, atomically: true, encoding: .utf8)
        var started = ContinuousClock.now
        _ = try await replayed(ReplaySource(paths: [path], pacing: .realTime))
        #expect(ContinuousClock.now - started >= .milliseconds(750))
        started = ContinuousClock.now
        _ = try await replayed(ReplaySource(paths: [path], pacing: .speed(8)))
        let fast = ContinuousClock.now - started
        #expect(fast >= .milliseconds(90) && fast < .milliseconds(700))
    }

    @Test("frames arriving after close are dropped quietly, never a crash (a stream still delivering at exit)")
    func recordAfterClose() throws {
        let path = temporaryPath("closed.rec")
        let recorder = try StreamRecorder(path: path)
        recorder.record(#"{"e":"aggTrade","E":1}"#, receivedAt: 1)
        recorder.close()
        for i in 0..<100 { recorder.record(#"{"e":"aggTrade","E":\#(i)}"#, receivedAt: Int64(i)) }
        recorder.close()
        #expect(try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").count == 1)
        #expect(recorder.writeFailures == 0)
    }

    @Test("the recorder rotates by size")
    func rotation() throws {
        let path = temporaryPath("rot.rec")
        let recorder = try StreamRecorder(path: path, maxBytes: 1_000, keep: 2)
        for i in 0..<300 { recorder.record(#"{"e":"x","i":\#(i)}"#, receivedAt: Int64(i)) }
        recorder.close()
        #expect(FileManager.default.fileExists(atPath: path + ".1") && FileManager.default.fileExists(atPath: path + ".2"))
        #expect(!FileManager.default.fileExists(atPath: path + ".3"))
        let size = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        #expect(size <= 1_000)
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

extension Array where Element: Sendable {
    /// The elements as an async sequence.
    var async: AsyncStream<Element> {
        AsyncStream { c in
            for e in self { c.yield(e) }
            c.finish()
        }
    }
}
