import AsterTestSupport
import AsterKit
@testable import AsterTUI
import AsterSim
import Foundation
import Testing



@Suite("Streams end to end against a real local websocket server", .serialized, .timeLimit(.minutes(3)))
struct StreamEndToEndTests {
    @Test("MarketStream delivers every spec payload; garbage is counted, not fatal")
    func marketStreamDeliversFixtures() async throws {
        let frames = try wrappedFixtureFrames()
        var sent: [String] = []
        for (i, f) in frames.enumerated() {
            sent.append(f.frame)
            if i % 5 == 0 { sent.append("garbage \(i) {") }
        }
        let expected = try frames.map { try EventDecoder().decode($0.frame) }
        let garbage = sent.count - frames.count
        let sentCount = sent.count
        let toSend = sent
        let received = try await FrameServer(frames: toSend).run { port in
            let stream = StreamClient(url: "ws://127.0.0.1:\(port)/stream?streams=btcusdt@aggTrade",
                                      configuration: .init(reconnect: false))
            let events = stream.events()
            var messages: [StreamMessage] = []
            var failures = 0
            try await withRunning(stream) {
                for await event in events {
                    switch event {
                    case .message(let m): messages.append(m)
                    case .decodeFailure: failures += 1
                    case .state: break
                    }
                    if messages.count == expected.count && failures == garbage { break }
                }
            }
            #expect(stream.statistics.decodeErrors == garbage)
            #expect(stream.statistics.frames == sentCount)
            return messages
        }
        #expect(received == expected)
    }

    @Test("`aster-tui stream --json` prints every spec payload with exact values")
    func cliPrintsEveryFixture() async throws {
        let binary = try asterTUIBinary()
        let frames = try wrappedFixtureFrames()
        var expectedLines: [String] = []
        for f in frames {
            let m = try EventDecoder().decode(f.frame)
            expectedLines += m.event.jsonLines(stream: m.stream)
        }
        let expectedCount = expectedLines.count
        let result = try await FrameServer(frames: frames.map(\.frame)).run { port in
            try await runProcess(binary, ["stream", "--json", "--url", "ws://127.0.0.1:\(port)",
                                          "--count", "\(expectedCount)", "--timeout", "30", "btcusdt@aggTrade"])
        }
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines == expectedLines)
        // Exact values straight from the spec text.
        #expect(lines.contains { $0.contains(#""price":"0.001","quantity":"100""#) })
        #expect(lines.contains { $0.contains(#""bids":[["7403.89","0.002"],["7403.9","3.906"]"#) })
        #expect(lines.contains { $0.contains(#""fundingRate":"0.00038167""#) })
        #expect(lines.contains { $0.contains(#""type":"ORDER_TRADE_UPDATE","symbol":"BTCUSDT""#) })
    }

    @Test("bad flags and bad stream names exit non-zero with a clear error",
          arguments: [(["stream", "btcusdt@depth7"], "depth levels must be 5, 10 or 20"),
                      (["stream"], "at least one stream"),
                      (["stream", "--count", "-3", "btcusdt@aggTrade"], "--count"),
                      (["stream", "--url", "http://x", "btcusdt@aggTrade"], "ws://"),
                      (["stream", "--bogus", "btcusdt@aggTrade"], "Unknown option")])
    func badInput(arguments: [String], message: String) async throws {
        let result = try await runProcess(try asterTUIBinary(), arguments)
        #expect(result.status != 0)
        #expect(result.stderr.contains(message), "\(result.stderr)")
        #expect(result.stdout.isEmpty)
    }

    @Test("--count with a readable format exits after N events")
    func readableCount() async throws {
        let frames = try wrappedFixtureFrames()
        let result = try await FrameServer(frames: frames.map(\.frame)).run { port in
            try await runProcess(try asterTUIBinary(), ["stream", "--url", "ws://127.0.0.1:\(port)", "--count", "3",
                                                        "btcusdt@aggTrade"])
        }
        #expect(result.status == 0)
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.count == 3)
        #expect(lines.allSatisfy { !$0.hasPrefix("{") })
    }

    @Test("--timeout before --count is reached fails")
    func timeoutBeforeCount() async throws {
        let result = try await FrameServer(frames: []).run { port in
            try await runProcess(try asterTUIBinary(), ["stream", "--url", "ws://127.0.0.1:\(port)", "--count", "1",
                                                        "--timeout", "1", "btcusdt@aggTrade"])
        }
        #expect(result.status == 1)
        #expect(result.stderr.contains("timed out with 0 of 1 events"))
    }
}
