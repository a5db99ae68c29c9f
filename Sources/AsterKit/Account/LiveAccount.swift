import Foundation
import ServiceLifecycle

/// The account kept live: the user data stream (listen keys handled), a REST snapshot every
/// time it (re)connects, and every delta reconciled in between, so a listen-key renewal or a
/// reconnect never leaves a gap: whatever happened while no stream was open is in the next
/// snapshot.
///
/// A snapshot that fails is retried with backoff until it succeeds (or the stream reconnects,
/// which starts a fresh one). Until then the status says the account is not synced
/// (``Status/synced`` is `false`): a consumer shows "syncing", not the last numbers. Events that
/// arrive meanwhile are kept, and applied in event-time order on top of the snapshot when it
/// lands (what the snapshot already includes is ignored per balance, position and order).
///
/// Loss is never silent: an event the user stream's feed dropped (a burst beyond its buffer),
/// an event pushed out of the capped list kept while unsynced, or a fill that skips one of its
/// order's earlier fills (the spec's cumulative filled quantity `z` minus the last fill `l` is
/// more than the order's known filled quantity) each make the account unsynced and take a fresh
/// snapshot, counted in ``Status/resyncs`` with ``Status/lastResync`` saying why.
///
/// ```swift
/// let live = LiveAccount(account: accountClient, webSocketBase: AsterEndpoint.productionWebSocket)
/// group.addTask { try await live.run() }      // a Service: returns after the listen key is deleted
/// for await update in live.updates() { print(update.connection, update.state?.marginBalance() ?? 0) }
/// ```
public actor LiveAccount: Service {
    /// What ``updates()`` delivers: the account (once snapshotted) and the stream's state.
    public struct Status: Sendable, Hashable {
        /// The reconciled account: `nil` until the first snapshot. While ``synced`` is `false`
        /// it is the last synced state, kept for reference only.
        public var state: AccountState?
        public var connection: ConnectionState
        /// Why the last snapshot failed, if it did (never contains a secret).
        public var lastError: String?
        /// Local time (ms) of the last margin call received.
        public var marginCallAt: Int64?
        /// `true` once a snapshot of the current connection has landed.
        public var synced: Bool
        /// Snapshot attempts of the current synchronisation (1 on the first try).
        public var syncAttempts: Int
        /// Fresh snapshots taken because events were found lost (dropped, pushed out or skipped).
        public var resyncs: Int
        /// Why the last of those was taken.
        public var lastResync: String?

        public init(state: AccountState? = nil, connection: ConnectionState, lastError: String? = nil, marginCallAt: Int64? = nil,
                    synced: Bool = false, syncAttempts: Int = 0, resyncs: Int = 0, lastResync: String? = nil) {
            self.state = state
            self.connection = connection
            self.lastError = lastError
            self.marginCallAt = marginCallAt
            self.synced = synced
            self.syncAttempts = syncAttempts
            self.resyncs = resyncs
            self.lastResync = lastResync
        }
    }

    /// Authenticated REST calls.
    public nonisolated let account: AccountClient
    /// The user data stream.
    public nonisolated let stream: UserDataStream
    /// Delays between failed snapshot attempts.
    public nonisolated let backoff: Backoff
    /// The reconciled account; `nil` until the first snapshot.
    public private(set) var state: AccountState?
    /// The user stream's latest state.
    public private(set) var connection: ConnectionState = .connecting
    /// Snapshots taken so far (one per connection).
    public private(set) var snapshots = 0
    /// Why the last snapshot failed, if it did.
    public private(set) var lastError: String?
    /// Whether the current connection's snapshot has landed.
    public private(set) var synced = false
    /// Fresh snapshots taken because events were found lost.
    public private(set) var resyncs = 0
    /// Why the last loss-driven snapshot was taken.
    public private(set) var lastResync: String?
    private var syncAttempts = 0
    /// Whether a snapshot attempt began since the last request (events lost after that need a newer one).
    private var snapshotBegun = true
    private var syncGeneration = 0
    private var syncRequests: AsyncStream<Int>.Continuation?
    private var pending: [AsterEvent] = []
    private var brackets: [SymbolBrackets] = []
    private var marks: [String: ExactDecimal] = [:]
    private let watchers = FanOut<Status>()
    private var marginCallAt: Int64?
    /// Events kept while unsynced, at most.
    public static let pendingLimit = 10_000

    /// Creates the monitor; nothing happens until ``run()``.
    public init(account: AccountClient, webSocketBase: String, keepAliveInterval: Duration = .seconds(1_800),
                configuration: StreamConfiguration = .init(), backoff: Backoff = Backoff(initial: .milliseconds(500), maximum: .seconds(30))) {
        self.account = account
        self.backoff = backoff
        self.stream = UserDataStream(account: account, webSocketBase: webSocketBase, keepAliveInterval: keepAliveInterval,
                                     configuration: configuration)
    }

    /// Follows the account until cancelled or gracefully shut down; returns once the user data
    /// stream has stopped (its listen key deleted) and no snapshot is in flight.
    public func run() async throws {
        defer { watchers.finish() }
        let events = stream.events()
        let (requests, continuation) = AsyncStream.makeStream(of: Int.self, bufferingPolicy: .bufferingNewest(1))
        syncRequests = continuation
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await self.stream.run() }
            await withTaskGroup(of: Void.self) { sync in
                sync.addTask { for await generation in requests { await self.synchronize(generation) } }
                var iterator = events.makeAsyncIterator()
                var dropped = 0
                while let event = await iterator.next() {
                    if iterator.dropped > dropped {
                        lost("the user stream's feed dropped \(iterator.dropped - dropped) event(s)")
                        dropped = iterator.dropped
                    }
                    handle(event)
                }
                continuation.finish()
                sync.cancelAll()
            }
            try await group.waitForAll()
        }
        syncRequests = nil
    }

    /// The status now.
    public var status: Status {
        Status(state: state, connection: connection, lastError: lastError, marginCallAt: marginCallAt, synced: synced,
               syncAttempts: syncAttempts, resyncs: resyncs, lastResync: lastResync)
    }

    /// Every change (snapshots, applied deltas, connection states), starting with the status
    /// now; by default only the newest is kept when the consumer lags. It ends when ``run()``
    /// returns (at once when made after that), or for one iterator when its task is cancelled.
    public func updates(bufferLimit: Int = 1) -> EventFeed<Status> {
        watchers.feed(bufferLimit: bufferLimit, initial: [status]) { (batch: [Status], sink: inout FeedSink<Status>) in
            sink.append(contentsOf: batch)
        }
    }

    /// Marks a position to a mark price (from a market stream): its unrealised PnL follows.
    public func mark(_ symbol: String, price: ExactDecimal) {
        marks[symbol] = price
        state?.mark(symbol, price: price)
    }

    /// Handles one event of the user data stream (``run()`` calls this; exposed for tests).
    public func handle(_ event: StreamEvent) {
        switch event {
        case .state(let update):
            connection = update.state
            if case .connected = update.state { requestSync() }
            publish()
        case .message(let m) where m.event.isUserEvent:
            if case .marginCall = m.event { marginCallAt = Int64(Date().timeIntervalSince1970 * 1000) }
            if synced, let current = state {
                if let gap = current.skippedFill(before: m.event) {
                    lost(gap)
                    pending.append(m.event)
                } else {
                    state?.apply(m.event)
                }
            } else {
                pending.append(m.event)
                if pending.count > Self.pendingLimit {
                    let over = pending.count - Self.pendingLimit
                    pending.removeFirst(over)
                    // The snapshot in flight may predate what was pushed out: take a newer one.
                    lost("\(over) event(s) pushed out of the \(Self.pendingLimit) kept while unsynced")
                }
            }
            publish()
        default: break
        }
    }

    /// Events were lost: the account is unsynced until a snapshot taken from now on lands.
    private func lost(_ why: String) {
        // A snapshot asked for but not begun yet is taken after this loss: it covers it.
        guard synced || snapshotBegun else { return }
        resyncs += 1
        lastResync = why
        requestSync()
    }

    /// Asks for a fresh snapshot (the stream (re)connected): the state is unsynced until it lands.
    private func requestSync() {
        syncGeneration += 1
        synced = false
        snapshotBegun = false
        syncAttempts = 0
        syncRequests?.yield(syncGeneration)
    }

    /// Takes snapshots until one lands or a newer request supersedes this one.
    private func synchronize(_ generation: Int) async {
        var retries = backoff.retries()
        while !Task.isCancelled, generation == syncGeneration {
            syncAttempts = retries.attempt + 1
            do {
                try await snapshot(generation)
                return
            } catch {
                guard generation == syncGeneration else { return }
                lastError = "\(error)"
                publish()
            }
            guard await retries.wait() else { return }
        }
    }

    /// One snapshot attempt: account, open orders and brackets, then what arrived meanwhile.
    private func snapshot(_ generation: Int) async throws {
        snapshotBegun = true
        try? await account.synchronizeTime()
        let time = account.timestamp()
        async let info = account.account()
        async let orders = account.openOrders()
        // Brackets change rarely: keep the last ones when this read fails.
        if let fresh = try? await account.leverageBrackets(), !fresh.isEmpty { brackets = fresh }
        var fresh = AccountState(account: try await info, openOrders: try await orders, brackets: brackets, at: time)
        guard generation == syncGeneration else { return }
        for e in pending.sorted(by: { Self.eventTime($0) < Self.eventTime($1) }) { fresh.apply(e) }
        pending = []
        for (symbol, price) in marks { fresh.mark(symbol, price: price) }
        state = fresh
        synced = true
        snapshots += 1
        lastError = nil
        publish()
    }

    /// Takes a REST snapshot now (the stream's `connected` state does this by itself).
    public func resnapshot() async {
        requestSync()
    }

    static func eventTime(_ event: AsterEvent) -> Int64 {
        switch event {
        case .accountUpdate(let u): u.eventTime
        case .orderTradeUpdate(let o): o.eventTime
        case .marginCall(let m): m.eventTime
        case .accountConfigUpdate(let c): c.eventTime
        default: 0
        }
    }

    private func publish() {
        watchers.deliver([status])
    }
}
