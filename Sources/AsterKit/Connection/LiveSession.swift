import Synchronization
import WSClient

/// The live side of a combined-stream connection: the streams it should carry, the current
/// socket's writer, request ids, and the spec's 10-messages-per-second outbound limit.
final class LiveSession: Sendable {
    private struct State {
        var writer: WebSocketOutboundWriter?
        var streams: [StreamName]
        var nextId: Int64 = 1
        var sent: [ContinuousClock.Instant] = []
        var pending: [Int64: CheckedContinuation<SubscriptionReply, any Error>] = [:]
    }

    private let state: Mutex<State>
    static let maxMessagesPerSecond = 10
    /// The window the limit is kept over: a little over a second, so network jitter can never
    /// make the server count 11 messages in one of its seconds.
    static let window = Duration.milliseconds(1_250)

    init(streams: [StreamName]) {
        state = Mutex(State(streams: streams))
    }

    var streams: [StreamName] { state.withLock { $0.streams } }

    var writer: WebSocketOutboundWriter? { state.withLock { $0.writer } }

    func nextRequestId() -> Int64 {
        state.withLock { s in
            defer { s.nextId += 1 }
            return s.nextId
        }
    }

    /// Waits for the reply to request `id` (registered before the request is sent).
    func register(_ id: Int64, _ continuation: CheckedContinuation<SubscriptionReply, any Error>) {
        state.withLock { $0.pending[id] = continuation }
    }

    /// Completes the request a reply or error answers; `false` when nobody waits for it.
    @discardableResult
    func resolve(_ event: AsterEvent) -> Bool {
        let (id, result): (Int64, Result<SubscriptionReply, any Error>)
        switch event {
        case .subscriptionReply(let reply): (id, result) = (reply.id, .success(reply))
        case .serverError(let error):
            guard let errorId = error.id else { return false }
            (id, result) = (errorId, .failure(error))
        default: return false
        }
        guard let continuation = state.withLock({ $0.pending.removeValue(forKey: id) }) else { return false }
        continuation.resume(with: result)
        return true
    }

    /// Fails a waiting request (timeout, disconnect).
    func fail(_ id: Int64, _ error: any Error) {
        state.withLock { $0.pending.removeValue(forKey: id) }?.resume(throwing: error)
    }

    /// Fails every waiting request (the connection closed).
    func failAll(_ error: any Error) {
        let waiting = state.withLock { s in
            defer { s.pending = [:] }
            return Array(s.pending.values)
        }
        waiting.forEach { $0.resume(throwing: error) }
    }

    func attach(_ writer: WebSocketOutboundWriter?) { state.withLock { $0.writer = writer } }

    /// Records the change and returns the request to send now (nil when nothing changes).
    func change(subscribe: [StreamName], unsubscribe: [StreamName]) -> (writer: WebSocketOutboundWriter?, requests: [LiveRequest]) {
        state.withLock { s in
            let adding = subscribe.filter { !s.streams.contains($0) }
            let removing = unsubscribe.filter { s.streams.contains($0) }
            s.streams.removeAll { removing.contains($0) }
            s.streams += adding
            var requests: [LiveRequest] = []
            for start in stride(from: 0, to: removing.count, by: 100) {
                requests.append(.unsubscribe(Array(removing[start..<min(start + 100, removing.count)]), id: s.nextId))
                s.nextId += 1
            }
            for start in stride(from: 0, to: adding.count, by: 100) {
                requests.append(.subscribe(Array(adding[start..<min(start + 100, adding.count)]), id: s.nextId))
                s.nextId += 1
            }
            return (s.writer, requests)
        }
    }

    /// How long to wait before the next outbound message keeps within the rate limit; records it.
    func reserveSendSlot(now: ContinuousClock.Instant = .now) -> Duration {
        state.withLock { s in
            s.sent = s.sent.filter { now - $0 < Self.window }
            var at = now
            if s.sent.count >= Self.maxMessagesPerSecond {
                at = s.sent[s.sent.count - Self.maxMessagesPerSecond] + Self.window
            }
            s.sent.append(at)
            return at - now
        }
    }
}
