import NIOCore

/// Decides when a connection reads its socket again, so that a wake-up of the event loop and of
/// the consumers carries many frames when many arrive, and none waits when few do.
///
/// At low rates every socket read is decoded and delivered at once. When frames arrive faster than
/// ``denseRate`` (measured over windows of ``window``), the connection reads at most once per
/// `interval`: the frames that arrive in between wait in the kernel's socket buffer (at most
/// `interval`) and are read, decoded and delivered together. Below half that rate it goes back to
/// reading at once. A pure state machine: the caller passes the time.
struct ReadPacer: Sendable {
    /// Frames per second from which reads are paced.
    /// (Measured on loopback: below it a paced read costs more wake-ups than it saves.)
    static let denseRate = 20_000
    /// How long the rate is measured before the mode may change (long enough that a server's
    /// burst after a short stall does not switch a 10k/s feed to paced reads).
    static let window = TimeAmount.milliseconds(10)

    let interval: TimeAmount
    /// Whether reads are paced now.
    private(set) var paced = false
    private var windowStart: NIODeadline
    private var windowFrames = 0

    init(interval: TimeAmount, now: NIODeadline) {
        self.interval = interval
        self.windowStart = now
    }

    /// Records a read that brought `frames` at `now`; returns when the next read may start
    /// (`nil`: at once).
    mutating func readCompleted(frames: Int, at now: NIODeadline) -> NIODeadline? {
        guard interval > .zero else { return nil }
        windowFrames += frames
        let elapsed = now - windowStart
        if elapsed >= Self.window {
            let perSecond = Double(windowFrames) * 1e9 / Double(elapsed.nanoseconds)
            paced = perSecond >= Double(paced ? Self.denseRate / 2 : Self.denseRate)
            windowStart = now
            windowFrames = 0
        }
        return paced ? now + interval : nil
    }
}
