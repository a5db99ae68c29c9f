import AsterKit
import AsterSim
import AsterTestSupport
import Foundation
import Testing

@Suite("aster-tui stream with many streams", .serialized, .timeLimit(.minutes(3)))
struct StreamShardingCLITests {
    @Test("`aster-tui stream` with 250 streams opens two connections and prints events of the second")
    func manyStreams() async throws {
        let binary = try asterTUIBinary()
        let names = simulatorStreams(symbols: SimSymbol.defaults.map(\.name))
        let streams = Array(names.prefix(250))
        try await withSimulator(SimConfiguration(seed: 8, rate: 20_000)) { _, port in
            let result = try await runProcess(binary, ["stream", "--json", "--url", "ws://127.0.0.1:\(port)", "--count", "3000",
                                                       "--timeout", "30"] + streams.map(\.name))
            #expect(result.status == 0, "\(result.stderr.suffix(300))")
            let seen = Set(result.stdout.split(separator: "\n").compactMap {
                (parse(String($0)) as? [String: Any])?["stream"] as? String
            })
            let second = Set(streams.dropFirst(200).map(\.name))
            #expect(!seen.intersection(second).isEmpty, "events from the second connection")
            let connected = result.stderr.split(separator: "\n").filter { $0.hasPrefix("# #") && $0.hasSuffix(" connected") }
            #expect(Set(connected.map { $0.split(separator: ".").first! }).count >= 2, "two shards connected: \(connected)")
        }
    }
}

@Suite("aster-tui stream in a pipeline", .serialized, .timeLimit(.minutes(3)))
struct PipelineTests {
    @Test("`aster-tui stream … | head -3` ends quietly with status 0 when head has read enough")
    func brokenPipe() async throws {
        let binary = try asterTUIBinary().path
        let err = FileManager.default.temporaryDirectory.appendingPathComponent("aster-pipe-\(UUID().uuidString).err").path
        defer { try? FileManager.default.removeItem(atPath: err) }
        let result = try await withSimulator(SimConfiguration(seed: 13, rate: 20_000)) { _, port in
            try await runProcess(URL(fileURLWithPath: "/bin/bash"), [
                "-c", "set -o pipefail; '\(binary)' stream --url ws://127.0.0.1:\(port) btcusdt@aggTrade 2>'\(err)' | head -3"], timeout: .seconds(30))
        }
        let stderr = (try? String(contentsOfFile: err, encoding: .utf8)) ?? ""
        #expect(result.status == 0, "\(stderr.suffix(400))")
        #expect(result.stdout.split(separator: "\n").count == 3)
        #expect(!stderr.contains("Fatal error"))
    }
}
