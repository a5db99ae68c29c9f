/// The dashboard's budget figures over a window: frames drawn, draw time, and event-to-screen
/// latency (from an event's arrival to the end of the frame that first shows it). Reported in
/// the log every few seconds and read by `scripts/bench_dashboard.sh`.
public struct FrameBudget: Sendable {
    private var drawMicros: [Int64] = []
    private var waitMillis: [Int64] = []

    public init() {}

    /// When the first frame was drawn (local ms).
    private var firstFrameAt: Int64?
    /// The longest event wait of the startup second, reported once.
    private var startupWait: Int64?

    /// How long after the first frame the event-to-screen budget starts (the issue's "from the
    /// first second after the first frame": the connection's first burst and the REST history
    /// land in it).
    public static let startupMs: Int64 = 1_000

    /// Records one frame: how long drawing took, and how long its oldest new event had waited.
    /// With `now` (local ms), waits of frames drawn in the first ``startupMs`` after the first
    /// frame are kept apart (`startup_event_to_screen_max_ms`, reported once).
    public mutating func record(drawMicros draw: Int64, eventWaitMillis wait: Int64?, at now: Int64? = nil) {
        drawMicros.append(draw)
        guard let wait else { return }
        if let now {
            let first = firstFrameAt ?? now
            firstFrameAt = first
            if now - first < Self.startupMs {
                startupWait = max(startupWait ?? 0, max(0, wait))
                return
            }
        }
        waitMillis.append(max(0, wait))
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
        if let startup = startupWait {
            startupWait = nil
            return line + " startup_event_to_screen_max_ms=\(startup)"
        }
        return line
    }
}
