import AsterTestSupport
import AsterKit
import AsterSim
import Foundation
import Testing




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


}
