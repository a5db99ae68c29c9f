@testable import AsterSim
import AsterKit
import AsterTestSupport
import Foundation
import Testing

/// `countdownCancelAll`: the timers as a pure value (no clock), and the real timer task of a
/// running simulator: it fires (open orders cancelled, the user stream told), a countdown of 0
/// stops it, and the task ends with the simulator.
@Suite("Simulator countdownCancelAll", .serialized, .timeLimit(.minutes(3)))
struct SimCountdownTests {
    @Test("timers: armed per account and symbol, replaced by a new call, stopped by 0, each due once at its deadline")
    func schedule() {
        var timers = SimCountdowns()
        timers.arm(account: 0, symbol: "BTCUSDT", countdown: 120_000, now: 1_000)
        timers.arm(account: 1, symbol: "BTCUSDT", countdown: 5_000, now: 1_000)
        timers.arm(account: 0, symbol: "ETHUSDT", countdown: 9_000, now: 1_000)
        #expect(timers.due(at: 5_999).isEmpty)
        #expect(timers.due(at: 6_000) == [.init(account: 1, symbol: "BTCUSDT")])
        #expect(timers.due(at: 6_000).isEmpty, "a timer fires once")
        timers.arm(account: 0, symbol: "BTCUSDT", countdown: 2_000, now: 7_000)   // the heartbeat replaces it
        timers.arm(account: 0, symbol: "ETHUSDT", countdown: 0, now: 7_000)       // 0 stops it
        #expect(timers.deadlines.count == 1)
        #expect(timers.due(at: 1_000_000) == [.init(account: 0, symbol: "BTCUSDT")])
        timers.arm(account: 0, symbol: "BTCUSDT", countdown: .max, now: 7_000)     // saturates, never traps
        #expect(timers.due(at: .max - 1).isEmpty)
    }

    @Test("TradingClient.countdownCancelAll fires: the symbol's open orders are cancelled (others stay), the stream hears it",
          arguments: [false, true])
    func fires(v3: Bool) async throws {
        try await withSimulator(SimConfiguration(seed: 95, rate: 4_000, demoTrader: .off)) { server, port in
            server.setPaused(true)
            let trading = SimTradingHelpers.trading(port, v3: v3)
            let key = try await trading.account.createListenKey()
            async let frames = collectFrames(url: "ws://127.0.0.1:\(port)/ws/\(key)", timeout: .seconds(20)) { frames in
                frames.contains { $0.contains(#""c":"cd-link""#) && $0.contains(#""x":"CANCELED""#) }
            }
            try await Task.sleep(for: .milliseconds(500))
            _ = try await trading.place(.limit("LINKUSDT", .buy, quantity: dec("1"), price: dec("24.3"), clientOrderId: "cd-link"))
            _ = try await trading.place(.limit("AVAXUSDT", .buy, quantity: dec("1"), price: dec("40.5"), clientOrderId: "cd-avax"))
            try await trading.countdownCancelAll(symbol: "LINKUSDT", countdown: .milliseconds(300))
            try await waitUntil { try await trading.account.openOrders(symbol: "LINKUSDT").isEmpty }
            #expect(try await trading.account.openOrders(symbol: "AVAXUSDT").map(\.clientOrderId) == ["cd-avax"])
            #expect(try await trading.order(symbol: "LINKUSDT", clientOrderId: "cd-link").status == .canceled)
            #expect(server.armedCountdowns == 0, "a fired timer is gone")
            let cancelled = try await frames.filter { $0.contains(#""c":"cd-link""#) && $0.contains(#""x":"CANCELED""#) }
            #expect(cancelled.count == 1)
        }
    }

    @Test("a countdown of 0 stops the timer; the spec's answer; a negative or missing countdown is refused")
    func stops() async throws {
        try await withSimulator(SimConfiguration(seed: 96, rate: 4_000, demoTrader: .off)) { server, port in
            let rest = RawREST(port: port)
            let armed = try await rest.v1("POST", "/fapi/v1/countdownCancelAll", "symbol=LINKUSDT&countdownTime=120000")
            #expect(armed.text == #"{"symbol":"LINKUSDT","countdownTime":"120000"}"#)
            #expect(server.armedCountdowns == 1)
            let v3 = try await rest.v3("POST", "/fapi/v3/countdownCancelAll", "symbol=AVAXUSDT&countdownTime=60000")
            #expect(v3.status == 200 && server.armedCountdowns == 2)
            #expect(try await rest.v3("POST", "/fapi/v3/countdownCancelAll", "symbol=LINKUSDT&countdownTime=0").status == 200)
            #expect(try await rest.v1("POST", "/fapi/v1/countdownCancelAll", "symbol=AVAXUSDT&countdownTime=0").status == 200)
            #expect(server.armedCountdowns == 0)
            #expect(try await rest.v1("POST", "/fapi/v1/countdownCancelAll", "symbol=LINKUSDT&countdownTime=-5").code == -1130)
            #expect(try await rest.v1("POST", "/fapi/v1/countdownCancelAll", "symbol=LINKUSDT").code == -1102)
            #expect(try await rest.v1("POST", "/fapi/v1/countdownCancelAll", "symbol=NOPEUSDT&countdownTime=1000").code == -1121)
        }
    }

    @Test("the timer task runs inside the simulator and ends with it, an armed timer notwithstanding")
    func lifecycle() async throws {
        let server = try await withSimulator(SimConfiguration(seed: 97, rate: 1_000, demoTrader: .off)) { server, port in
            // The timer task starts next to the HTTP server, which may bind its port first.
            try await waitUntil(timeout: .seconds(5)) { server.runningCountdownTasks == 1 }
            _ = try await RawREST(port: port).v1("POST", "/fapi/v1/countdownCancelAll", "symbol=LINKUSDT&countdownTime=600000")
            #expect(server.armedCountdowns == 1)
            return server
        }
        #expect(server.runningCountdownTasks == 0)
    }
}
