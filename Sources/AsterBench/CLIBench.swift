import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// `aster-bench cli`: whole-process CPU of `aster-tui stream --json` (plain, and with `--record`)
/// against the Python peer (websockets + orjson + Decimal per frame, `scripts/bench_cli_baseline.py`),
/// each reading the same aggTrade frames from `aster-bench feed-server` in its own process.
///
/// Targets (issue 18): `--json` at most half the CPU of Python; `--record` at most 1.5× the CPU of
/// not recording.
enum CLIBench {
    struct Run {
        var cpuSeconds: Double
        var wallSeconds: Double
        var status: Int32
    }

    static func run(frames: Int, binary: String?, runs: Int) async throws {
        let tui = binary ?? URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
            .appendingPathComponent("aster-tui").path
        guard FileManager.default.isExecutableFile(atPath: tui) else {
            print("aster-tui not found at \(tui): build it (swift build -c release) or pass --binary")
            return
        }
        let (server, port) = try FeedBench.startServer()
        defer { server.terminate() }
        // Offered faster than either client reads: each works flat out, as when catching up.
        let base = "ws://127.0.0.1:\(port)/rate/400000"
        let record = FileManager.default.temporaryDirectory.appendingPathComponent("aster-bench-\(getpid()).rec").path
        defer { removeRecordings(record) }
        print("\naster-tui stream end to end: \(frames) aggTrade frames from a local server, whole-process CPU (median of \(runs))")
        print("client | CPU s | wall s | CPU µs per frame")
        let plain = median(runs) { measure(tui, ["stream", "--json", "--url", base, "--count", "\(frames)", "btcusdt@aggTrade"]) }
        let text = median(runs) { measure(tui, ["stream", "--url", base, "--count", "\(frames)", "btcusdt@aggTrade"]) }
        let recorded = median(runs) {
            removeRecordings(record)
            return measure(tui, ["stream", "--json", "--url", base, "--count", "\(frames)", "--record", record, "btcusdt@aggTrade"])
        }
        let python = median(runs) {
            measure("/usr/bin/env", ["python3", scriptPath("bench_cli_baseline.py"), base + "/stream?streams=btcusdt@aggTrade", "\(frames)"])
        }
        for (name, r) in [("aster-tui stream --json", plain), ("aster-tui stream (text)", text),
                          ("aster-tui stream --json --record", recorded),
                          ("Python websockets+orjson+Decimal", python)] {
            let failed = r.status == 0 ? "" : "  (exit \(r.status))"
            print(String(format: "%@ | %.2f | %.2f | %.2f", name, r.cpuSeconds, r.wallSeconds, r.cpuSeconds * 1e6 / Double(frames)) + failed)
        }
        guard python.status == 0 else {
            print("(Python baseline unavailable: pip install websockets orjson)")
            return
        }
        let jsonRatio = plain.cpuSeconds / max(python.cpuSeconds, 1e-9)
        let recordRatio = recorded.cpuSeconds / max(plain.cpuSeconds, 1e-9)
        print(String(format: "--json uses %.2fx the CPU of Python (target ≤ 0.5x): %@", jsonRatio, jsonRatio <= 0.5 ? "met" : "MISSED"))
        print(String(format: "--record costs %.2fx the CPU of not recording (target ≤ 1.5x): %@", recordRatio,
                     recordRatio <= 1.5 ? "met" : "MISSED"))
    }

    /// Runs `executable` with its output discarded; its CPU (user + system) from the kernel's
    /// accounting of reaped children.
    static func measure(_ executable: String, _ arguments: [String]) -> Run {
        var before = rusage()
        getrusage(RUSAGE_CHILDREN.rawValue, &before)
        let started = ContinuousClock.now
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
        process.standardError = FileHandle(forWritingAtPath: "/dev/null")
        do { try process.run() } catch { return Run(cpuSeconds: 0, wallSeconds: 0, status: -1) }
        process.waitUntilExit()
        let wall = ContinuousClock.now - started
        var after = rusage()
        getrusage(RUSAGE_CHILDREN.rawValue, &after)
        return Run(cpuSeconds: seconds(after) - seconds(before),
                   wallSeconds: Double(wall.components.seconds) + Double(wall.components.attoseconds) / 1e18,
                   status: process.terminationStatus)
    }

    static func seconds(_ u: rusage) -> Double {
        Double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + Double(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6
    }

    static func median(_ runs: Int, _ body: () -> Run) -> Run {
        let all = (0..<runs).map { _ in body() }.sorted { $0.cpuSeconds < $1.cpuSeconds }
        return all[all.count / 2]
    }

    static func removeRecordings(_ path: String) {
        for suffix in [""] + (1...10).map({ ".\($0)" }) { try? FileManager.default.removeItem(atPath: path + suffix) }
    }
}
