import Logging

/// A caller of ``Shard/settle(_:)``: waits until connection `connection` (the live one) carries
/// the desired streams of `version` or later, or a request toward them fails.
struct Waiter {
    var version: Int
    var connection: ConnectionID
    var continuation: CheckedContinuation<Void, any Error>
}

/// Live changes: the shard keeps the streams each connection should carry (desired) apart from
/// those the server confirmed (per connection). One reconciler per open connection sends what
/// differs, waits for the replies, and records only what the server confirmed; a request that
/// times out or is refused is retried with backoff (the server's list is asked first, since a
/// timed-out request may have been applied), until the connection carries the desired streams.
extension Shard {
    /// Records a change of what the shard carries (at once, so callers that follow see it), wakes
    /// every connection's reconciler, and returns the change's version for ``settle(_:)``.
    func prepare(subscribe add: [StreamName], unsubscribe remove: [StreamName]) -> Int {
        let (version, wakes) = state.withLock { s in
            s.desired.removeAll { remove.contains($0) }
            for name in add where !s.desired.contains(name) { s.desired.append(name) }
            s.version += 1
            return (s.version, Array(s.wakes.values))
        }
        wakes.forEach { $0.yield() }
        return version
    }

    /// Waits until the live connection carries change `version` (confirmed by the server); returns
    /// at once when no connection is live (the change is carried on connecting).
    ///
    /// - Throws: the error of a request toward it that failed (the reconciler keeps retrying), or
    ///   ``LiveRequestError/notConnected`` when the connection ended first.
    func settle(_ version: Int) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            let done = state.withLock { s -> Bool in
                // Only a connection whose reconciler runs takes waiters (it settles or fails them
                // all before it ends); without one the change is carried on connecting.
                guard let primary = s.primary, primary.settled < version, s.wakes[primary.connection.id] != nil else {
                    return true
                }
                s.waiters.append(Waiter(version: version, connection: primary.connection.id, continuation: continuation))
                return false
            }
            if done { continuation.resume() }
        }
    }

    /// What a reconciler does next.
    private enum Step {
        /// Ask the server what the connection carries.
        case list(LiveRequest)
        /// Send these (unsubscribes first).
        case send([LiveRequest])
        /// Nothing to do: the connection carries the desired streams. The waiters it satisfies.
        case settled([Waiter])
    }

    /// Brings `connection` to the desired streams and keeps it there until it closes or is no
    /// longer the shard's.
    func reconcile(_ connection: WebSocketConnection) async {
        let (wakes, wake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        state.withLock { $0.wakes[connection.id] = wake }
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                _ = await connection.waitClosed()
                wake.finish()
            }
            await reconcileLoop(connection, wakes: wakes)
            group.cancelAll()
        }
        let orphans = state.withLock { s -> [Waiter] in
            s.wakes[connection.id] = nil
            let mine = s.waiters.filter { $0.connection == connection.id }
            s.waiters.removeAll { $0.connection == connection.id }
            return mine
        }
        orphans.forEach { $0.continuation.resume(throwing: LiveRequestError.notConnected) }
    }

    private func reconcileLoop(_ connection: WebSocketConnection, wakes: AsyncStream<Void>) async {
        let id = connection.id
        var pauses = configuration.backoff.retries()
        var sent = false
        var iterator = wakes.makeAsyncIterator()
        while !Task.isCancelled {
            guard let step = state.withLock({ s in nextStep(for: id, &s) }) else { return }
            let failure: (any Error)?
            switch step {
            case .settled(let waiters):
                waiters.forEach { $0.continuation.resume() }
                if sent, isPrimary(id) { report(id, .subscribed(streams: streams.count)) }
                sent = false
                pauses.reset()
                guard await iterator.next() != nil else { return }
                continue
            case .list(let request):
                failure = await list(request, on: connection)
            case .send(let requests):
                sent = true
                failure = await send(requests, on: connection)
            }
            guard let failure else { continue }
            if Task.isCancelled || !connection.channel.isActive { return }
            let waiters = state.withLock { s -> [Waiter] in
                let mine = s.waiters.filter { $0.connection == id }
                s.waiters.removeAll { $0.connection == id }
                return mine
            }
            waiters.forEach { $0.continuation.resume(throwing: failure) }
            let delay = pauses.failed()
            logger.warning("live change failed; retrying", metadata: [
                "connection": "\(id)", "error": "\(configuration.redact("\(failure)"))", "retryIn": "\(delay)",
            ])
            guard await pauses.sleep(for: delay) else { return }
        }
    }

    private func isPrimary(_ id: ConnectionID) -> Bool { state.withLock { $0.primary?.connection.id == id } }

    /// The next step for connection `id`; `nil` when it is no longer the shard's.
    private func nextStep(for id: ConnectionID, _ s: inout State) -> Step? {
        let isPrimary = s.primary?.connection.id == id
        guard let open = isPrimary ? s.primary : s.successor, open.connection.id == id else { return nil }
        if open.uncertain { return .list(.listSubscriptions(id: nextRequestID())) }
        let removing = open.confirmed.filter { !s.desired.contains($0) }
        let adding = s.desired.filter { !open.confirmed.contains($0) }
        guard removing.isEmpty && adding.isEmpty else {
            var requests: [LiveRequest] = []
            for chunk in removing.chunked(100) { requests.append(.unsubscribe(chunk, id: nextRequestID())) }
            for chunk in adding.chunked(100) { requests.append(.subscribe(chunk, id: nextRequestID())) }
            return .send(requests)
        }
        let version = s.version
        update(id, &s) { $0.settled = version }
        let done = s.waiters.filter { $0.connection == id && $0.version <= version }
        s.waiters.removeAll { $0.connection == id && $0.version <= version }
        return .settled(done)
    }

    /// Changes connection `id`'s record, whichever role it has now.
    private func update(_ id: ConnectionID, _ s: inout State, _ change: (inout Open) -> Void) {
        if var open = s.primary, open.connection.id == id {
            change(&open)
            s.primary = open
        } else if var open = s.successor, open.connection.id == id {
            change(&open)
            s.successor = open
        }
    }

    /// Sends `requests` at once (in order, within the outbound limit) and records what the server
    /// confirmed; returns the first failure.
    private func send(_ requests: [LiveRequest], on connection: WebSocketConnection) async -> (any Error)? {
        let sentAt = ContinuousClock.now
        let results = await connection.requests(requests, timeout: configuration.requestTimeout)
        var failure: (any Error)?
        let carried = state.withLock { s -> [StreamName]? in
            for (request, result) in zip(requests, results) {
                guard case .success = result else {
                    if failure == nil, case .failure(let error) = result { failure = error }
                    update(connection.id, &s) { $0.uncertain = true }
                    continue
                }
                let names = request.params.compactMap { param -> StreamName? in
                    if case .string(let text) = param { try? StreamName(parsing: text) } else { nil }
                }
                update(connection.id, &s) { open in
                    if request.method == .unsubscribe {
                        open.confirmed.removeAll { names.contains($0) }
                    } else {
                        for name in names where !open.confirmed.contains(name) { open.confirmed.append(name) }
                    }
                }
            }
            return confirmedStreams(connection.id, s)
        }
        if failure == nil { hub.counters.roundTrip(ContinuousClock.now - sentAt) }
        if let carried { connection.watchSilence(configuration.staleTimeout(carrying: carried)) }
        return failure
    }

    /// Asks the server what the connection carries and records it.
    private func list(_ request: LiveRequest, on connection: WebSocketConnection) async -> (any Error)? {
        do {
            let reply = try await connection.request(request, timeout: configuration.requestTimeout)
            guard case .streams(let names) = reply.result else {
                return LiveRequestError.unexpectedReply(id: request.id)
            }
            let parsed = names.compactMap { try? StreamName(parsing: $0) }
            let carried = state.withLock { s -> [StreamName]? in
                update(connection.id, &s) {
                    $0.confirmed = parsed
                    $0.uncertain = false
                }
                return confirmedStreams(connection.id, s)
            }
            if let carried { connection.watchSilence(configuration.staleTimeout(carrying: carried)) }
            return nil
        } catch {
            return error
        }
    }

    private func confirmedStreams(_ id: ConnectionID, _ s: State) -> [StreamName]? {
        if s.primary?.connection.id == id { return s.primary?.confirmed }
        if s.successor?.connection.id == id { return s.successor?.confirmed }
        return nil
    }

    func nextRequestID() -> Int64 { requestIDs.next() }

    /// Sends a request on the live connection within the outbound limit and waits for its reply.
    func send(_ request: LiveRequest) async throws -> SubscriptionReply {
        guard let connection = state.withLock({ $0.primary?.connection }) else { throw LiveRequestError.notConnected }
        let sentAt = ContinuousClock.now
        let reply = try await connection.request(request, timeout: configuration.requestTimeout)
        hub.counters.roundTrip(ContinuousClock.now - sentAt)
        return reply
    }
}
