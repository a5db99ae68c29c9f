import AsterDashboard
import Testing

@Suite("The dashboard's frame budget report")
struct FrameBudgetTests {
    @Test("the first second after the first frame is kept apart from the event-to-screen windows and reported once")
    func startupKeptApart() {
        var budget = FrameBudget()
        budget.record(drawMicros: 900, eventWaitMillis: 4_900, at: 10_000)  // the first frame: the connection's burst
        budget.record(drawMicros: 900, eventWaitMillis: 800, at: 10_900)
        for i in 0..<100 { budget.record(drawMicros: 900, eventWaitMillis: 95 + Int64(i % 3), at: 11_000 + Int64(i) * 100) }
        let first = budget.report(framesPerSecond: 5_000)
        #expect(first.contains("frames=102"))
        #expect(first.contains("event_to_screen_p99_ms=97") && first.contains("event_to_screen_max_ms=97"))
        #expect(first.hasSuffix("startup_event_to_screen_max_ms=4900"))
        budget.record(drawMicros: 900, eventWaitMillis: 120, at: 21_000)
        let second = budget.report(framesPerSecond: 5_000)
        #expect(second.contains("event_to_screen_max_ms=120") && !second.contains("startup"))
        // Without times every wait counts, as before.
        var plain = FrameBudget()
        plain.record(drawMicros: 900, eventWaitMillis: 4_900)
        #expect(plain.report(framesPerSecond: 0).contains("event_to_screen_max_ms=4900"))
    }
}
