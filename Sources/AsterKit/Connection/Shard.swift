import Logging
import Synchronization

/// One slot of a client's connections: the streams it should carry (at most 200), its live
/// connection, and during a rollover the successor opened beside it. It reconnects with
/// backoff, replaces its connection before the 24-hour limit without a gap or reordering, and
/// reconciles what each connection carries with what it should (so a change made at any moment,
/// a reconnect or an overlap included, reaches every connection).
final class Shard: Sendable {
    let index: Int
    private let target: Target
    private let configuration: StreamConfiguration
    private let hub: EventHub
    private let requestIDs: RequestIDs
    private let logger: Logger
    private let state: Mutex<State>
    /// Whether frames must carry hashes (an overlap or its tail is under way).
    private let hashing = Atomic<Bool>(false)

    /// Where the shard connects.
    enum Target: Sendable {
        /// `<base>/stream?streams=…` built from the streams it should carry.
        case combined(base: String)
        /// A fixed URL (a raw `/ws/<name>` endpoint, or a listen key's).
        case fixed(url: String)
    }

    /// One open connection and the streams it carries.
    struct Open {
        var connection: WebSocketConnection
        var carried: [StreamName]
    }

    private struct State {
        var desired: [StreamName]
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
        state.withLock { $0.primary = Open(connection: connection, carried: carried) }
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
            s.successor = Open(connection: connection, carried: carried)
            return true
        }
        if !kept {
            await connection.close(reason: "rollover abandoned")
            throw ConnectionError("rollover abandoned")
        }
        return connection
    }

    /// The successor `id` takes over: the buffered frames the old connection had not delivered go
    /// out, in order, and the old connection is handed back for closing.
    private func promote(_ id: ConnectionID) -> WebSocketConnection? {
        let (old, flushed) = state.withLock { s -> (WebSocketConnection?, [StreamEvent]) in
            guard let next = s.successor, next.connection.id == id, s.overlap != nil else { return (nil, []) }
            let out = s.overlap!.takeOver()
            let old = s.primary?.connection
            s.primary = next
            s.successor = nil
            if let old { s.retiring.append(old) }
            return (old, out)
        }
        guard let old else { return nil }
        hub.deliver(flushed)
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
    private func deliver(from id: ConnectionID, _ frames: FrameBatch) {
        var proven: ConnectionID?
        state.withLock { s in
            if s.overlap != nil {
                // Mutated in place: the held frames are never copied.
                let (out, provenNow) = s.overlap!.receive(from: id, frames)
                if provenNow { proven = s.overlap!.new }
                if s.overlap!.isFinished {
                    s.overlap = nil
                    hashing.store(false, ordering: .relaxed)
                }
                hub.deliver(out)
            } else if s.primary?.connection.id == id || s.opening == id {
                hub.deliver(frames.events)
            }
        }
        if let proven { signal(.overlapProven(proven)) }
    }

    // MARK: Live changes

    /// The requests that carry out a change, per open connection.
    typealias Plan = [(WebSocketConnection, [LiveRequest], Bool)]

    /// Records a change of what the shard carries (at once, so callers that follow see it) and
    /// returns the requests that tell every open connection; ``perform(_:)`` sends them.
    func prepare(subscribe add: [StreamName], unsubscribe remove: [StreamName]) -> Plan {
        state.withLock { s in
            s.desired.removeAll { remove.contains($0) }
            for name in add where !s.desired.contains(name) { s.desired.append(name) }
            return plan(&s)
        }
    }

    /// Sends what a newly opened connection lacks (a change made while it was opening).
    private func reconcile(_ connection: WebSocketConnection) async {
        let sends = state.withLock { s in plan(&s).filter { $0.0 === connection } }
        do { try await perform(sends) } catch {
            logger.warning("resubscribe failed", metadata: ["connection": "\(connection.id)", "error": "\(error)"])
        }
    }

    /// The requests that bring every open connection to the desired streams (and the record that
    /// they carry them now). Only `combined` targets compute streams from the URL; a fixed URL
    /// starts with none and is told everything.
    private func plan(_ s: inout State) -> Plan {
        var out: [(WebSocketConnection, [LiveRequest], Bool)] = []
        for isPrimary in [true, false] {
            guard var open = isPrimary ? s.primary : s.successor else { continue }
            let removing = open.carried.filter { !s.desired.contains($0) }
            let adding = s.desired.filter { !open.carried.contains($0) }
            guard !removing.isEmpty || !adding.isEmpty else { continue }
            var requests: [LiveRequest] = []
            for chunk in removing.chunked(100) { requests.append(.unsubscribe(chunk, id: nextRequestID())) }
            for chunk in adding.chunked(100) { requests.append(.subscribe(chunk, id: nextRequestID())) }
            open.carried = s.desired
            if isPrimary { s.primary = open } else { s.successor = open }
            out.append((open.connection, requests, isPrimary))
        }
        return out
    }

    /// Sends a plan's requests in order; waits for the live connection's replies.
    func perform(_ sends: Plan) async throws {
        for (connection, requests, isPrimary) in sends {
            for request in requests {
                do {
                    _ = try await send(request, on: connection)
                } catch where !isPrimary {
                    logger.warning("request on successor failed", metadata: ["error": "\(error)"])
                }
            }
            if isPrimary { report(connection.id, .subscribed(streams: streams.count)) }
        }
    }

    func nextRequestID() -> Int64 { requestIDs.next() }

    /// Sends a request on the live connection within the outbound limit and waits for its reply.
    func send(_ request: LiveRequest) async throws -> SubscriptionReply {
        guard let connection = state.withLock({ $0.primary?.connection }) else { throw LiveRequestError.notConnected }
        return try await send(request, on: connection)
    }

    private func send(_ request: LiveRequest, on connection: WebSocketConnection) async throws -> SubscriptionReply {
        let sentAt = ContinuousClock.now
        let reply = try await connection.request(request, timeout: configuration.requestTimeout)
        hub.counters.roundTrip(ContinuousClock.now - sentAt)
        return reply
    }

    // MARK: Reporting

    private func report(_ id: ConnectionID, _ state: ConnectionState) {
        hub.state(ConnectionUpdate(connection: id, state: state, streams: streams.map(\.name)))
    }
}

extension Array {
    func chunked(_ size: Int) -> [[Element]] {
        stride(from: 0, to: count, by: size).map { Array(self[$0..<Swift.min($0 + size, count)]) }
    }
}
