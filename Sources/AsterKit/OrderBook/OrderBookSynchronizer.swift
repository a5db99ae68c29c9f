/// Whether a local book can be trusted.
public enum BookState: String, Sendable, Hashable {
    /// Buffering diffs and waiting for the first snapshot.
    case syncing
    /// In step with the exchange.
    case live
    /// A gap or reconnect was seen; rebuilding from a fresh snapshot.
    case resyncing
}

/// The spec's "How to manage a local order book correctly", as a pure state machine.
///
/// Feed it diff events (``receive(_:)``), snapshots (``load(_:)``) and reconnects
/// (``reconnected()``); it answers with what to do next (fetch a snapshot). It buffers diffs
/// while a snapshot is pending, drops events with `u` < `lastUpdateId`, starts at the event with
/// `U` ≤ `lastUpdateId` ≤ `u`, requires `pu` == previous `u` afterwards, and resynchronises on
/// any gap and after every reconnect.
///
/// ```swift
/// var sync = OrderBookSynchronizer(symbol: "BTCUSDT")
/// if sync.receive(diff) == .fetchSnapshot { sync.load(try await rest.depth("BTCUSDT", limit: 1000)) }
/// ```
public struct OrderBookSynchronizer: Sendable {
    /// What the owner must do.
    public enum Action: Sendable, Hashable {
        /// Fetch a REST snapshot and pass it to ``OrderBookSynchronizer/load(_:)``.
        case fetchSnapshot
    }

    /// The book (meaningful when ``state`` is live).
    public private(set) var book: LocalOrderBook
    /// Current state.
    public private(set) var state: BookState = .syncing
    /// Diff events applied.
    public private(set) var updatesApplied = 0
    /// Resynchronisations after the first sync (gaps, reconnects, stale snapshots).
    public private(set) var resyncs = 0
    /// Events dropped as older than the snapshot.
    public private(set) var dropped = 0

    private var buffer: [DepthUpdate] = []
    private var snapshotPending = false
    private var lastFinalId: Int64?
    private var snapshotId: Int64?
    /// Diffs buffered while a snapshot is pending, at most.
    public static let maxBuffered = 50_000

    /// Creates a synchroniser for one symbol.
    public init(symbol: String) { book = LocalOrderBook(symbol: symbol) }

    /// Takes one diff event.
    public mutating func receive(_ update: DepthUpdate) -> Action? {
        switch state {
        case .live:
            guard update.previousFinalUpdateId == lastFinalId else { return resync(keeping: update) }
            apply(update)
            return nil
        case .syncing, .resyncing:
            if let snapshotId, !snapshotPending {
                return start(update, snapshotId: snapshotId)
            }
            buffer.append(update)
            if buffer.count > Self.maxBuffered { buffer.removeFirst(buffer.count - Self.maxBuffered) }
            if snapshotPending { return nil }
            snapshotPending = true
            return .fetchSnapshot
        }
    }

    /// Takes the snapshot that was asked for, then replays the buffered diffs onto it.
    public mutating func load(_ snapshot: DepthSnapshot) -> Action? {
        snapshotPending = false
        book.load(snapshot)
        snapshotId = snapshot.lastUpdateId
        lastFinalId = nil
        var pending = buffer[...]
        buffer = []
        while let update = pending.popFirst() {
            // A resync keeps the diffs still waiting: the next snapshot re-bridges from them.
            if let action = receive(update) {
                buffer.append(contentsOf: pending)
                return action
            }
        }
        return nil
    }

    /// The connection was re-established: the book must be rebuilt from a new snapshot.
    public mutating func reconnected() {
        guard state != .syncing || snapshotId != nil else { return }
        state = .resyncing
        resyncs += 1
        buffer = []
        snapshotPending = false
        snapshotId = nil
        lastFinalId = nil
    }

    /// The first event after a snapshot: drop the stale, start at the one that spans it.
    private mutating func start(_ update: DepthUpdate, snapshotId: Int64) -> Action? {
        if update.finalUpdateId < snapshotId {  // step 4
            dropped += 1
            return nil
        }
        guard update.firstUpdateId <= snapshotId else {  // step 5 failed: the snapshot is too old
            return resync(keeping: update)
        }
        state = .live
        self.snapshotId = nil
        apply(update)
        return nil
    }

    private mutating func apply(_ update: DepthUpdate) {
        book.apply(update)
        lastFinalId = update.finalUpdateId
        updatesApplied += 1
    }

    private mutating func resync(keeping update: DepthUpdate) -> Action? {
        if state == .live {
            resyncs += 1
            state = .resyncing
        }
        snapshotId = nil
        lastFinalId = nil
        buffer = [update]
        snapshotPending = true
        return .fetchSnapshot
    }
}
