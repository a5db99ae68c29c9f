/// A rollover's overlap: two connections carry the same streams for a while. The old one keeps
/// delivering; the successor's frames are held. Once every stream the successor has shown is
/// proven caught up (a frame both carried was delivered by the old one), the successor takes
/// over: its held frames that the old one did not deliver go out in order, and for a short tail
/// its frames are still checked against what the old one delivered.
struct Overlap: Sendable {
    let old: ConnectionID
    let new: ConnectionID
    private var takenOver: ContinuousClock.Instant?
    private var held: [ReceivedFrame] = []
    private var heldHashes: Set<Int> = []
    private var delivered: Set<Int> = []
    private var streamsHeld: Set<String> = []
    private var caughtUp: Set<String> = []
    private(set) var proven = false
    /// Frames held at most; past this the successor takes over at once.
    static let maxHeld = 100_000
    /// How long the successor's frames are still checked against the old one's after takeover.
    static let tail = Duration.seconds(5)

    init(old: ConnectionID, new: ConnectionID) {
        self.old = old
        self.new = new
    }

    var isFinished: Bool { takenOver.map { ContinuousClock.now - $0 >= Self.tail } ?? false }

    /// Whether the successor is in charge (only the tail is left).
    var isTakenOver: Bool { takenOver != nil }

    /// What to deliver of a batch from `id`, and whether the overlap was just proven.
    mutating func receive(from id: ConnectionID, _ batch: FrameBatch) -> ([StreamEvent], Bool) {
        let frames = batch.frames
        var out: [StreamEvent] = []
        if takenOver != nil {
            guard id == new else { return ([], false) }
            for f in frames where !(f.isMessage && delivered.contains(f.hash)) { out.append(f.event) }
            return (out, false)
        }
        if id == old {
            out.reserveCapacity(frames.count)
            for f in frames {
                out.append(f.event)
                guard f.isMessage else { continue }
                delivered.insert(f.hash)
                if heldHashes.contains(f.hash) { caughtUp.insert(f.key) }
            }
        } else if id == new {
            for f in frames {
                if f.isMessage && delivered.contains(f.hash) {
                    caughtUp.insert(f.key)
                    continue
                }
                held.append(f)
                if f.isMessage {
                    heldHashes.insert(f.hash)
                    streamsHeld.insert(f.key)
                }
            }
        }
        guard !proven else { return (out, false) }
        let nowProven = held.count > Self.maxHeld || (!caughtUp.isEmpty && streamsHeld.isSubset(of: caughtUp))
        proven = nowProven
        return (out, nowProven)
    }

    /// The held frames the old connection did not deliver, in order; starts the tail.
    mutating func takeOver() -> [StreamEvent] {
        let out = held.filter { !($0.isMessage && delivered.contains($0.hash)) }.map(\.event)
        held = []
        heldHashes = []
        takenOver = .now
        return out
    }
}

/// One frame of a batch with its hash, as the overlap keeps it.
struct ReceivedFrame: Sendable {
    var event: StreamEvent
    var hash: Int

    var isMessage: Bool { if case .message = event { true } else { false } }
    /// The stream it belongs to ("" when unknown).
    var key: String { if case .message(let m) = event { m.stream ?? "" } else { "" } }
}

extension FrameBatch {
    /// Each event with its hash (0 when the batch was not hashed).
    var frames: [ReceivedFrame] {
        events.indices.map { ReceivedFrame(event: events[$0], hash: $0 < hashes.count ? hashes[$0] : 0) }
    }
}
