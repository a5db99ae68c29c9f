import AsterTestSupport
import Foundation
import Testing

@Suite("aster-bench command line", .serialized, .timeLimit(.minutes(2)))
struct BenchCommandTests {
    func bench() throws -> URL {
        let url = try asterTUIBinary().deletingLastPathComponent().appendingPathComponent("aster-bench")
        try #require(FileManager.default.isExecutableFile(atPath: url.path), "build aster-bench first: \(url.path)")
        return url
    }

    @Test("--help prints the subcommands at once instead of running every benchmark")
    func help() async throws {
        let started = ContinuousClock.now
        let result = try await runProcess(try bench(), ["--help"], timeout: .seconds(30))
        #expect(result.status == 0)
        for name in ["decode", "book", "cli", "stream", "feed", "sim-engine", "all"] {
            #expect(result.stdout.contains(name), "\(name) missing from:\n\(result.stdout)")
        }
        #expect(ContinuousClock.now - started < .seconds(20))
    }

    @Test("bad flags print usage and exit non-zero", arguments: [["feed", "--rates", "0,x"], ["decode", "--seconds", "-1"], ["nosuch"]])
    func badFlags(_ arguments: [String]) async throws {
        let result = try await runProcess(try bench(), arguments, timeout: .seconds(30))
        #expect(result.status != 0)
        #expect(result.stderr.contains("Usage") || result.stderr.contains("Error"), "\(result.stderr)")
    }
}
