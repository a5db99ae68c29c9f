import Foundation
import ServiceLifecycle

/// The account kept live: the user data stream (listen keys handled), a REST snapshot every
/// time it (re)connects, and every delta reconciled in between, so a listen-key renewal or a
/// reconnect never leaves a gap: whatever happened while no stream was open is in the next
/// snapshot, and what arrives while a snapshot is in flight is applied on top of it (older
/// changes are ignored per balance, position and order).
///
/// ```swift
/// let live = LiveAccount(account: accountClient, webSocketBase: AsterEndpoint.productionWebSocket)
/// group.addTask { try await live.run() }      // a Service: returns after the listen key is deleted
/// for await update in live.updates() { print(update.connection, update.state?.marginBalance() ?? 0) }
/// ```
public actor LiveAccount: Service {
    /// What ``updates()`` delivers: the account (once snapshotted) and the stream's state.
    public struct Status: Sendable, Hashable {
        public var state: AccountState?
        public var connection: ConnectionState
        /// Why the last snapshot failed, if it did (never contains a secret).
        public var lastError: String?
        /// Local time (ms) of the last margin call received.
        public var marginCallAt: Int64?

        public init(state: AccountState? = nil, connection: ConnectionState, lastError: String? = nil, marginCallAt: Int64? = nil) {
            self.state = state
            self.connection = connection
            self.lastError = lastError
            self.marginCallAt = marginCallAt
        }
    }

    /// Authenticated REST calls.
    public nonisolated let account: AccountClient
    /// The user data stream.
    public nonisolated let stream: UserDataStream
    /// The reconciled account; `nil` until the first snapshot.
    public private(set) var state: AccountState?
    /// The user stream's latest state.
    public private(set) var connection: ConnectionState = .connecting
    /// Snapshots taken so far (one per connection).
    public private(set) var snapshots = 0
    /// Why the last snapshot failed, if it did.
    public private(set) var lastError: String?
    private var pending: [AsterEvent] = []
    private var snapshotting = false
    private var marks: [String: ExactDecimal] = [:]
    private var watchers: [Int: AsyncStream<Status>.Continuation] = [:]
    private var marginCallAt: Int64?
    private var nextWatcher = 0

    /// Creates the monitor; nothing happens until ``run()``.
    public init(account: AccountClient, webSocketBase: String, keepAliveInterval: Duration = .seconds(1_800),
                configuration: StreamConfiguration = .init()) {
        self.account = account
        self.stream = UserDataStream(account: account, webSocketBase: webSocketBase, keepAliveInterval: keepAliveInterval,
                                     configuration: configuration)
    }

    /// Follows the account until cancelled or gracefully shut down; returns once the user data
    /// stream has stopped (its listen key deleted).
    public func run() async throws {
        let events = stream.events()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await self.stream.run() }
            for await event in events { await handle(event) }
            try await group.waitForAll()
        }
        for w in watchers.values { w.finish() }
    }

    /// The status now.
    public var status: Status { Status(state: state, connection: connection, lastError: lastError, marginCallAt: marginCallAt) }

    /// Every change (snapshots, applied deltas, connection states); only the newest is kept
    /// when the consumer lags.
    public func updates() -> AsyncStream<Status> {
        let (stream, continuation) = AsyncStream.makeStream(of: Status.self, bufferingPolicy: .bufferingNewest(1))
        let id = nextWatcher
        nextWatcher += 1
        watchers[id] = continuation
        continuation.yield(status)
        continuation.onTermination = { [weak self] _ in Task { await self?.unwatch(id) } }
        return stream
    }

    private func unwatch(_ id: Int) { watchers[id] = nil }

    /// Marks a position to a mark price (from a market stream): its unrealised PnL follows.
    public func mark(_ symbol: String, price: ExactDecimal) {
        marks[symbol] = price
        state?.mark(symbol, price: price)
    }

    /// Handles one event of the user data stream (``run()`` calls this; exposed for tests).
    public func handle(_ event: StreamEvent) async {
        switch event {
        case .state(let update):
            connection = update.state
            publish()
            if case .connected = update.state { await resnapshot() }
        case .message(let m) where m.event.isUserEvent:
            if case .marginCall = m.event { marginCallAt = Int64(Date().timeIntervalSince1970 * 1000) }
            if state == nil || snapshotting {
                pending.append(m.event)
                if pending.count > 10_000 { pending.removeFirst(pending.count - 10_000) }
            }
            if state != nil {
                state?.apply(m.event)
                publish()
            }
        default: break
        }
    }

    /// Takes a REST snapshot and re-applies what arrived meanwhile.
    public func resnapshot() async {
        snapshotting = true
        defer { snapshotting = false }
        do {
            try? await account.synchronizeTime()
            let time = account.timestamp()
            async let info = account.account()
            async let orders = account.openOrders()
            var fresh = AccountState(account: try await info, openOrders: try await orders, at: time)
            for e in pending { fresh.apply(e) }
            pending = []
            for (symbol, price) in marks { fresh.mark(symbol, price: price) }
            state = fresh
            snapshots += 1
            lastError = nil
            publish()
        } catch {
            lastError = "\(error)"
            publish()
        }
    }

    private func publish() {
        let now = status
        for w in watchers.values { w.yield(now) }
    }
}
