import Logging
import Synchronization

/// One slot of a client's connections: the streams it should carry (at most 200), its live
/// connection, and during a rollover the successor opened beside it. It reconnects with
/// backoff, replaces its connection before the 24-hour limit without a gap or reordering, and
/// reconciles what each connection carries with what it should (so a change made at any moment,
/// a reconnect or an overlap included, reaches every connection).
final class Shard: Sendable {
    let index: Int
    let target: Target
    let configuration: StreamConfiguration
    let hub: EventHub
    let requestIDs: RequestIDs
    let logger: Logger
    let state: Mutex<State>
    /// Whether frames must carry hashes (an overlap or its tail is under way).
    private let hashing = Atomic<Bool>(false)
    /// Puts batches in the order decided under `state`'s lock; consumers run outside it.
    private let turnstile: DeliveryTurnstile
    /// Tests only: runs in ``promote(_:)`` after the successor took over and the shard's lock was
    /// released, before the held frames go out (where another event loop's batch may arrive).
    let afterTakeOver = Locked<(@Sendable () -> Void)?>(nil)

    /// Where the shard connects.
    enum Target: Sendable {
        /// `<base>/stream?streams=…` built from the streams it should carry.
        case combined(base: String)
        /// A fixed URL (a raw `/ws/<name>` endpoint, or a listen key's).
        case fixed(url: String)
    }

    /// One open connection and the streams the server confirmed it carries.
    struct Open {
        var connection: WebSocketConnection
        /// Those of its URL, then changed by every request the server confirmed.
        var confirmed: [StreamName]
        /// A request failed or timed out, so `confirmed` may be wrong: the server is asked first.
        var uncertain = false
        /// The ``State/version`` of the desired streams it was last found to carry.
        var settled = 0
    }

    struct State {
        var desired: [StreamName]
        /// Counts the changes of `desired`.
        var version = 0
        /// Each open connection's reconciler, woken by a change.
        var wakes: [ConnectionID: AsyncStream<Void>.Continuation] = [:]
        /// Callers of ``settle(_:)`` waiting for the live connection to carry their change.
        var waiters: [Waiter] = []
        var generation: Int
        var primary: Open?
        /// The connection being opened to become the primary.
        var opening: ConnectionID?
        var successor: Open?
        var retiring: [WebSocketConnection] = []
        var overlap: Overlap?
        var signal: AsyncStream<Signal>.Continuation?
    }

    enum Signal: Sendable {
        case rolloverDue(ConnectionID)
        case successorOpened(WebSocketConnection)
        case successorFailed(ConnectionID, String)
        case overlapProven(ConnectionID)
        case retireDue(ConnectionID)
        case ended(ConnectionID, String)
    }

    init(index: Int, target: Target, streams: [StreamName], configuration: StreamConfiguration, hub: EventHub,
         requestIDs: RequestIDs, logger: Logger, firstGeneration: Int = 1) {
        self.index = index
        self.target = target
        self.configuration = configuration
        self.hub = hub
        self.requestIDs = requestIDs
        self.logger = logger
        self.state = Mutex(State(desired: streams, generation: firstGeneration - 1))
        self.turnstile = DeliveryTurnstile(deliver: { [hub] events in hub.deliver(events) })
    }

    /// The streams the shard should carry.
    var streams: [StreamName] { state.withLock { $0.desired } }

    // MARK: Running

    /// Connects, reconnects and rolls over until cancelled (or, without reconnects, until the
    /// connection ends); then closes every connection politely and returns, once all are closed,
    /// the last reason a connection ended.
    @discardableResult
    func run(reportStopped: Bool = true) async -> String {
        var last = "stopped"
        var retries = configuration.backoff.retries()
        while !Task.isCancelled {
            let id = nextID()
            report(id, .connecting)
            retries.begin()
            let reason: String
            var delivered = false
            do {
                let connection = try await open(id)
                reason = await runConnected(connection)
                delivered = connection.receivedFrames.load(ordering: .relaxed)
            } catch {
                reason = configuration.redact("\(error)")
            }
            if Task.isCancelled { break }
            last = configuration.redact(reason)
            report(id, .disconnected(reason: last))
            logger.info("stream disconnected", metadata: ["connection": "\(id)", "reason": "\(configuration.redact(reason))"])
            guard configuration.reconnect else { break }
            // Only a connection that stayed healthy for a while resets the backoff, so a server
            // that accepts and drops at once is not hammered.
            let delay = retries.failed(resettingAfter: delivered ? configuration.healthyPeriod : nil)
            hub.counters.reconnect()
            report(id, .reconnecting(attempt: retries.attempt, delay: delay))
            guard await retries.sleep(for: delay) else { break }
        }
        await closeAll()
        if reportStopped { report(ConnectionID(shard: index, generation: state.withLock { $0.generation }), .stopped) }
        return last
    }

    private func nextID() -> ConnectionID {
        state.withLock { s in
            s.generation += 1
            return ConnectionID(shard: index, generation: s.generation)
        }
    }

    private func url(for streams: [StreamName]) -> String {
        switch target {
        case .combined(let base): AsterEndpoint.combined(base: base, streams: streams)
        case .fixed(let url): url
        }
    }

    /// Opens connection `id` carrying `carried` (a fixed URL starts with none: it is told).
    private func connect(_ id: ConnectionID) async throws -> (WebSocketConnection, [StreamName]) {
        let desired = streams
        let carried: [StreamName]
        switch target {
        case .combined: carried = desired
        case .fixed: carried = []
        }
        let settings = configuration.connectionSettings(
            counters: hub.counters, staleTimeout: configuration.staleTimeout(carrying: desired), logger: logger)
        let hub = self.hub
        let callbacks = ConnectionCallbacks(
            deliver: { [weak self] id, frames in self?.deliver(from: id, frames) },
            rolloverDue: { [weak self] id in self?.signal(.rolloverDue(id)) },
            hashing: { [weak self] in self?.hashing.load(ordering: .relaxed) ?? false },
            wantsRaw: { hub.wantsRaw },
            raw: { frames in hub.raw.deliver(frames) })
        let connection = try await WebSocketConnection.connect(id: id, url: url(for: carried), settings: settings,
                                                               callbacks: callbacks)
        return (connection, carried)
    }

    /// Opens the live connection `id`.
    private func open(_ id: ConnectionID) async throws -> WebSocketConnection {
        // Frames can arrive before the handshake call returns: they are this connection's.
        state.withLock { $0.opening = id }
        defer { state.withLock { $0.opening = nil } }
        let (connection, carried) = try await connect(id)
        state.withLock { $0.primary = Open(connection: connection, confirmed: carried) }
        return connection
    }

    private func signal(_ signal: Signal) {
        _ = state.withLock { $0.signal }?.yield(signal)
    }

    /// Runs the primary connection, and the successors that replace it, until the live
    /// connection ends with no successor; returns why.
    private func runConnected(_ connection: WebSocketConnection) async -> String {
        let (signals, continuation) = AsyncStream.makeStream(of: Signal.self)
        state.withLock { $0.signal = continuation }
        report(connection.id, .connected)
        if case .combined = target, !streams.isEmpty { report(connection.id, .subscribed(streams: streams.count)) }
        return await withTaskGroup(of: Void.self) { group in
            defer {
                state.withLock { $0.signal = nil }
                continuation.finish()
                group.cancelAll()
            }
            group.addTask { await self.reconcile(connection) }
            group.addTask {
                let reason = await connection.waitClosed()
                continuation.yield(.ended(connection.id, reason))
            }
            let reason = await withTaskCancellationHandler {
                for await signal in signals {
                    if let reason = await handle(signal, group: &group) { return reason }
                }
                return "stopped"
            } onCancel: {
                continuation.finish()
            }
            // Stopping: the connections' watchers in this group end once their sockets are closed.
            if Task.isCancelled { await closeAll() }
            return reason
        }
    }

    /// Acts on one signal; returns a reason when the shard has no live connection left.
    private func handle(_ signal: Signal, group: inout TaskGroup<Void>) async -> String? {
        switch signal {
        case .rolloverDue(let id):
            let successorID: ConnectionID? = state.withLock { s in
                // A previous rollover's tail (its successor already in charge) gives way to this one.
                guard s.primary?.connection.id == id, s.successor == nil, s.overlap?.isTakenOver ?? true else { return nil }
                s.generation += 1
                let next = ConnectionID(shard: index, generation: s.generation)
                s.overlap = Overlap(old: id, new: next)
                return next
            }
            guard let successorID else { return nil }
            hashing.store(true, ordering: .relaxed)
            logger.info("rolling over", metadata: ["connection": "\(id)", "successor": "\(successorID)"])
            group.addTask {
                do {
                    let next = try await self.openSuccessor(successorID)
                    self.signal(.successorOpened(next))
                } catch {
                    self.signal(.successorFailed(successorID, "\(error)"))
                }
            }
        case .successorOpened(let next):
            // No `connected` state: nothing was lost, so consumers (books) must not start over;
            // `rolledOver` says when the successor takes charge.
            group.addTask { await self.reconcile(next) }
            group.addTask {
                let reason = await next.waitClosed()
                self.signal(.ended(next.id, reason))
            }
            let grace = configuration.rolloverGrace
            group.addTask {
                try? await Task.sleep(for: grace)
                self.signal(.retireDue(next.id))
            }
        case .successorFailed(let id, let reason):
            logger.warning("rollover successor failed", metadata: ["connection": "\(id)", "reason": "\(configuration.redact(reason))"])
            endOverlap(successor: id)
        case .overlapProven(let id), .retireDue(let id):
            if let old = promote(id) {
                group.addTask { await old.close(reason: "rolled over") }
            }
        case .ended(let id, let reason):
            let (wasPrimary, promoted) = state.withLock { s -> (Bool, Bool) in
                s.retiring.removeAll { $0.id == id }
                if s.successor?.connection.id == id { return (false, false) }
                guard s.primary?.connection.id == id else { return (false, false) }
                return (true, s.successor != nil)
            }
            if !wasPrimary {
                endOverlap(successor: id)
                return nil
            }
            if promoted {
                // Closed during the overlap (the server's age limit): the successor takes over now.
                if let next = state.withLock({ $0.successor?.connection.id }) { _ = promote(next) }
                return nil
            }
            let ended = state.withLock { s in
                defer {
                    s.primary = nil
                    s.overlap = nil  // a successor still opening is abandoned
                }
                return s.primary?.connection
            }
            if let ended, ended.wentStale.load(ordering: .relaxed) { report(id, .stale) }
            hashing.store(false, ordering: .relaxed)
            return reason
        }
        return nil
    }

    private func openSuccessor(_ id: ConnectionID) async throws -> WebSocketConnection {
        let (connection, carried) = try await connect(id)
        let kept = state.withLock { s -> Bool in
            guard s.overlap?.new == id else { return false }
            s.successor = Open(connection: connection, confirmed: carried)
            return true
        }
        if !kept {
            await connection.close(reason: "rollover abandoned")
            throw ConnectionError("rollover abandoned")
        }
        return connection
    }

    /// The successor `id` takes over: the buffered frames the old connection had not delivered go
    /// out, in order and before any batch the successor delivers after the takeover (they take
    /// their place in the turnstile's line under the lock), and the old connection is handed back
    /// for closing.
    func promote(_ id: ConnectionID) -> WebSocketConnection? {
        let (old, flushed, holds) = state.withLock { s -> (WebSocketConnection?, [StreamEvent], Bool) in
            guard let next = s.successor, next.connection.id == id, s.overlap != nil else { return (nil, [], false) }
            let out = s.overlap!.takeOver()
            let old = s.primary?.connection
            s.primary = next
            s.successor = nil
            // Changes waited for on the old connection are now the successor's to carry.
            for i in s.waiters.indices where s.waiters[i].connection == old?.id { s.waiters[i].connection = id }
            if let old { s.retiring.append(old) }
            // In line before any batch the successor delivers from now on.
            return (old, out, turnstile.enter(out))
        }
        afterTakeOver.value?()
        if holds { turnstile.pass(flushed) }
        guard let old else { return nil }
        hub.counters.rollover()
        report(id, .rolledOver)
        logger.info("rolled over", metadata: ["from": "\(old.id)", "to": "\(id)"])
        return old
    }

    /// Abandons an overlap whose successor failed or closed.
    private func endOverlap(successor id: ConnectionID) {
        let ended = state.withLock { s -> Bool in
            guard s.overlap?.new == id else { return false }
            s.overlap = nil
            if s.successor?.connection.id == id { s.successor = nil }
            return true
        }
        if ended { hashing.store(false, ordering: .relaxed) }
    }

    /// Closes every connection politely; returns once all are closed.
    private func closeAll() async {
        let all = state.withLock { s -> [WebSocketConnection] in
            defer {
                s.primary = nil
                s.successor = nil
                s.retiring = []
                s.overlap = nil
            }
            return [s.primary?.connection, s.successor?.connection].compactMap { $0 } + s.retiring
        }
        await withTaskGroup(of: Void.self) { group in
            for connection in all { group.addTask { await connection.close() } }
        }
    }

    // MARK: Delivering

    /// Takes a batch from a connection's event loop. Outside a rollover the primary's frames go
    /// straight on; during one, the successor's are held until the old connection has delivered
    /// everything sent before the successor subscribed, so each stream stays in server order.
    func deliver(from id: ConnectionID, _ frames: FrameBatch) {
        var proven: ConnectionID?
        // The order is fixed under the lock (the turnstile's line); consumers run after it.
        let (out, holds) = state.withLock { s -> ([StreamEvent], Bool) in
            if s.overlap != nil {
                // Mutated in place: the held frames are never copied.
                let (out, provenNow) = s.overlap!.receive(from: id, frames)
                if provenNow { proven = s.overlap!.new }
                if s.overlap!.isFinished {
                    s.overlap = nil
                    hashing.store(false, ordering: .relaxed)
                }
                return (out, turnstile.enter(out))
            } else if s.primary?.connection.id == id || s.opening == id {
                return (frames.events, turnstile.enter(frames.events))
            }
            return ([], false)
        }
        if holds { turnstile.pass(out) }
        if let proven { signal(.overlapProven(proven)) }
    }

    /// Tests only: `primary` is live and `successor` overlaps it (as after a rollover's successor
    /// opened), both carrying the desired streams.
    func installOverlap(primary: WebSocketConnection, successor: WebSocketConnection) {
        hashing.store(true, ordering: .relaxed)
        state.withLock { s in
            s.primary = Open(connection: primary, confirmed: s.desired)
            s.successor = Open(connection: successor, confirmed: s.desired)
            s.overlap = Overlap(old: primary.id, new: successor.id)
        }
    }

    // MARK: Reporting

    func report(_ id: ConnectionID, _ state: ConnectionState) {
        hub.state(ConnectionUpdate(connection: id, state: state, streams: streams.map(\.name)))
    }
}

extension Array {
    func chunked(_ size: Int) -> [[Element]] {
        stride(from: 0, to: count, by: size).map { Array(self[$0..<Swift.min($0 + size, count)]) }
    }
}
