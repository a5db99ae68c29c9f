import AsterKit
import AsterTestSupport
import Foundation
import Testing

@Suite("Replay index and old recordings", .serialized, .timeLimit(.minutes(3)))
struct ReplayIndexTests {
    @Test("the index is built on first open, saved next to the recording, read back the same; offsets start frames")
    func buildSaveRead() throws {
        let path = temporaryPath("idx.rec")
        let frames = try ReplayRecordings.write(to: path, seconds: 95)
        let (built, note) = try ReplayIndex.open(for: path)
        #expect(note == nil)
        #expect(built.frames == frames)
        #expect(built.checkpoints.count == 10)  // 0, 10 s, … 90 s
        #expect(built.firstTime == ReplayRecordings.start)
        #expect(FileManager.default.fileExists(atPath: ReplayIndex.sidecarPath(for: path)))
        let (read, again) = try ReplayIndex.open(for: path)
        #expect(again == nil)
        #expect(read == built)
        let reader = try ReplayFrameReader(path: path)
        for checkpoint in built.checkpoints.dropFirst() {
            try reader.seek(to: checkpoint.offset)
            let frame = try #require(try reader.next())
            #expect(frame.receivedAt == checkpoint.time)
        }
        #expect(built.checkpoint(atOrBefore: ReplayRecordings.start + 25_000) == 2)
        #expect(built.checkpoint(atOrBefore: 0) == 0)
    }

    @Test("a malformed, cut or stale index is reported and rebuilt, never fatal")
    func badIndex() throws {
        let path = temporaryPath("bad.rec")
        try ReplayRecordings.write(to: path, seconds: 30)
        let good = try ReplayIndex.open(for: path).index
        let sidecar = ReplayIndex.sidecarPath(for: path)
        let text = good.fileText
        let cases: [(String, String)] = [
            ("garbage\n", "not a replay index"),
            (String(text.dropLast(6)), "cut short"),
            (text.replacingOccurrences(of: "\nc \(good.checkpoints[1].time)", with: "\nc x"), "line 9: not a number"),
            (text.replacingOccurrences(of: "frames \(good.frames)", with: "frames -3"), "required"),
            (text.replacingOccurrences(of: "source-size \(good.sourceSize)", with: "source-size 12"), "another version"),
        ]
        for (content, reason) in cases {
            try content.write(toFile: sidecar, atomically: true, encoding: .utf8)
            let (index, note) = try ReplayIndex.open(for: path)
            #expect(note?.contains(reason) == true, "\(reason): \(note ?? "no note")")
            #expect(note?.contains("rebuilt") == true)
            #expect(index == good)
            #expect(try ReplayIndex.read(from: sidecar, source: path) == good)  // rewritten
        }
    }

    @Test("a recording made before seeking existed plays, seeks and keeps its frames")
    func oldRecording() async throws {
        let path = try ReplayRecordings.beforeSeekFixture()
        let (index, note) = try ReplayIndex.open(for: path)
        #expect(note == nil)
        #expect(index.frames == 646)
        let first = try #require(index.firstTime)
        let last = try #require(index.lastTime)
        #expect(last - first > 20_000)
        // Played through by the old path (ReplaySource) every frame decodes.
        let events = try await replayed(ReplaySource(paths: [path]))
        let messages = events.filter { if case .message = $0 { true } else { false } }
        #expect(messages.count == 646)
        try await withPlayer(path) { player, fold in
            await player.perform(.seekTo(first + 12_345))
            let want1 = try await MarketFold.reference(path, upTo: first + 12_345)
            #expect(await fold.state == want1)
            #expect(await !fold.state.bids.isEmpty)
            await player.perform(.seekTo(last))
            #expect(await fold.state.events == 646)
            #expect(await fold.state.failures == 0)
            await player.perform(.seekTo(first + 3_000))
            let want2 = try await MarketFold.reference(path, upTo: first + 3_000)
            #expect(await fold.state == want2)
        }
    }

    @Test("plain frames without receive times (older recorders) are indexed and paced by their event times")
    func plainFrames() async throws {
        let path = temporaryPath("plain.txt")
        let frames = try ReplayRecordings.write(to: path, seconds: 40, timestamps: false)
        let (index, _) = try ReplayIndex.open(for: path)
        #expect(index.frames == frames)
        #expect(index.checkpoints.count == 4)
        try await withPlayer(path) { player, fold in
            await player.perform(.seekTo(ReplayRecordings.start + 33_333))
            let want3 = try await MarketFold.reference(path, upTo: ReplayRecordings.start + 33_333)
            #expect(await fold.state == want3)
        }
    }

    @Test("a truncated recording plays what is there and says why it stops; a cut last line is a counted decode failure")
    func truncated() async throws {
        let plain = temporaryPath("cut.rec")
        try ReplayRecordings.write(to: plain, seconds: 20)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: plain))
        try bytes.prefix(bytes.count - 40).write(to: URL(fileURLWithPath: plain))
        try await withPlayer(plain) { player, fold in
            await player.perform(.seekTo(ReplayRecordings.start + 60_000))
            #expect(await fold.state.failures == 1)
            #expect(await player.status().finished)
        }
        // A gzip file cut in the middle: the index covers the frames before, and says why.
        let gz = temporaryPath("cut.rec.gz")
        let full = temporaryPath("full.rec")
        try ReplayRecordings.write(to: full, seconds: 120)
        let gzip = Process()
        gzip.executableURL = URL(fileURLWithPath: "/bin/sh")
        gzip.arguments = ["-c", "gzip -c '\(full)' | head -c 20000 > '\(gz)'"]
        try gzip.run()
        gzip.waitUntilExit()
        let (index, note) = try ReplayIndex.open(for: gz)
        #expect(index.frames > 100)
        #expect(note?.contains("gzip") == true)
        #expect(!FileManager.default.fileExists(atPath: ReplayIndex.sidecarPath(for: gz)))
        try await withPlayer(gz) { player, fold in
            await player.perform(.seek(by: 3_600_000))
            let status = await player.status()
            #expect(status.finished)
            #expect(status.problem?.contains("gzip") == true)
            #expect(await fold.state.events > 100)
        }
    }
}
