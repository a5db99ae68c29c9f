import AsterTestSupport
import AsterSim
import Foundation
import Testing

/// ccxt's `aster` exchange (Python, `pip install ccxt`, installed by `.ci/run`), pointed at the
/// simulator, does what a user of it does: scripts/ccxt_compat.py. Skipped where ccxt is missing.
@Suite("Third-party client compatibility", .serialized, .timeLimit(.minutes(4)))
struct CcxtCompatibilityTests {
    static let hasCcxt: Bool = {
        let status = try? runProcessSync(["python3", "-c", "import ccxt.pro"])
        return status == 0
    }()

    @Test("ccxt aster: markets, book, ticker, OHLCV, trades, funding; websocket book, trades, ticker, OHLCV; V3 agent balance, positions, orders, user stream; market order, trades, reduce-only close, stop-market, leverage, isolated margin add/reduce/history, funding history — each against the simulator's own REST",
          .enabled(if: hasCcxt, "python3 with ccxt is not installed (pip install ccxt)"))
    func ccxtAster() async throws {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("scripts/ccxt_compat.py").path
        var configuration = SimConfiguration(seed: 12, rate: 4_000, warmUpMinutes: 10)
        configuration.fundingInterval = .seconds(6)  // a settlement while the script holds a position
        let (status, out, err) = try await withSimulator(configuration) { _, port in
            try await runProcess(URL(fileURLWithPath: "/usr/bin/env"), ["python3", script, String(port)], timeout: .seconds(200))
        }
        let lines = out.split(separator: "\n").map(String.init)
        for line in lines where line.hasPrefix("FAIL") { Issue.record("\(line)") }
        let passed = Set(lines.filter { $0.hasPrefix("ok ") }.map { String($0.dropFirst(3).split(separator: " ").first ?? "") })
        for check in ["load_markets", "fetch_order_book", "fetch_ticker", "fetch_ohlcv", "fetch_trades", "fetch_funding_rate",
                      "watch_order_book", "watch_trades", "watch_ticker", "watch_ohlcv", "fetch_balance", "fetch_positions",
                      "fetch_open_orders", "create_order", "cancel_order", "watch_positions",
                      "market_order_position", "fetch_my_trades", "reduce_only_close", "stop_market", "set_leverage",
                      "set_margin_mode", "add_reduce_margin", "fetch_margin_adjustment_history", "fetch_funding_history",
                      "close_isolated"] {
            #expect(passed.contains(check), "\(check) did not pass")
        }
        #expect(status == 0, "exit \(status)\n\(out)\n\(err.suffix(2_000))")
    }
}

/// Runs a command to completion synchronously (for a trait's condition), returning its exit status.
func runProcessSync(_ arguments: [String]) throws -> Int32 {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = arguments
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    process.waitUntilExit()
    return process.terminationStatus
}
