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
    }

    private let state: Mutex<State>
    static let maxMessagesPerSecond = 10

    init(streams: [StreamName]) {
        state = Mutex(State(streams: streams))
    }

    var streams: [StreamName] { state.withLock { $0.streams } }

    func attach(_ writer: WebSocketOutboundWriter?) { state.withLock { $0.writer = writer } }

    /// Records the change and returns the request to send now (nil when nothing changes).
    func change(subscribe: [StreamName], unsubscribe: [StreamName]) -> (writer: WebSocketOutboundWriter?, requests: [LiveRequest]) {
        state.withLock { s in
            let adding = subscribe.filter { !s.streams.contains($0) }
            let removing = unsubscribe.filter { s.streams.contains($0) }
            s.streams.removeAll { removing.contains($0) }
            s.streams += adding
            var requests: [LiveRequest] = []
            if !removing.isEmpty {
                requests.append(.unsubscribe(removing, id: s.nextId))
                s.nextId += 1
            }
            if !adding.isEmpty {
                requests.append(.subscribe(adding, id: s.nextId))
                s.nextId += 1
            }
            return (s.writer, requests)
        }
    }

    /// How long to wait before the next outbound message keeps within the rate limit; records it.
    func reserveSendSlot(now: ContinuousClock.Instant = .now) -> Duration {
        state.withLock { s in
            s.sent = s.sent.filter { now - $0 < .seconds(1) }
            var at = now
            if s.sent.count >= Self.maxMessagesPerSecond {
                at = s.sent[s.sent.count - Self.maxMessagesPerSecond] + .seconds(1)
            }
            s.sent.append(at)
            return at - now
        }
    }
}
