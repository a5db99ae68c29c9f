/// The dashboard's budget figures over a window: frames drawn, draw time, and event-to-screen
/// latency (from an event's arrival to the end of the frame that first shows it). Reported in
/// the log every few seconds and read by `scripts/bench_dashboard.sh`.
public struct FrameBudget: Sendable {
    private var drawMicros: [Int64] = []
    private var waitMillis: [Int64] = []

    public init() {}

    /// Records one frame: how long drawing took, and how long its oldest new event had waited.
    public mutating func record(drawMicros draw: Int64, eventWaitMillis wait: Int64?) {
        drawMicros.append(draw)
        if let wait { waitMillis.append(max(0, wait)) }
    }

    /// `frames=… draw_p50_us=… draw_p99_us=… event_to_screen_p50_ms=… p99=… max=…`, then resets.
    public mutating func report(framesPerSecond: Int) -> String {
        func pct(_ v: [Int64], _ p: Int) -> Int64 {
            guard !v.isEmpty else { return 0 }
            let s = v.sorted()
            return s[min(s.count - 1, s.count * p / 100)]
        }
        let line = "budget frames=\(drawMicros.count) stream_frames_per_s=\(framesPerSecond) draw_p50_us=\(pct(drawMicros, 50)) "
            + "draw_p99_us=\(pct(drawMicros, 99)) event_to_screen_p50_ms=\(pct(waitMillis, 50)) "
            + "event_to_screen_p99_ms=\(pct(waitMillis, 99)) event_to_screen_max_ms=\(waitMillis.max() ?? 0)"
        drawMicros = []
        waitMillis = []
        return line
    }
}
