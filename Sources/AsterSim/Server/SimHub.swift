import Synchronization

/// Routes the engine's payloads to the websocket connections that subscribed to them.
///
/// Each connection owns a bounded ``SimOutbox``; a connection that cannot keep up loses its
/// oldest frames and the loss is counted, so one slow client never slows the market.
final class SimHub: Sendable {
    struct Subscriber {
        var state: SubscriptionState
        let outbox: SimOutbox
    }

    private struct State {
        var nextId = 0
        var subscribers: [Int: Subscriber] = [:]
        var byStream: [String: Set<Int>] = [:]
        var dropped = 0
        var sent = 0
        var stalled = false
    }

    private let state = Mutex(State())

    /// Websocket connections open now.
    var connectionCount: Int { state.withLock { $0.subscribers.count } }

    /// The streams of every open connection, by connection id.
    var subscriptions: [[String]] {
        state.withLock { s in s.subscribers.sorted { $0.key < $1.key }.map { Array($0.value.state.streams) } }
    }

    /// Registers a connection; returns its id and outbox.
    func connect(_ subscription: SubscriptionState, buffer: Int = 50_000) -> (id: Int, outbox: SimOutbox) {
        let outbox = SimOutbox(limit: buffer)
        let id = state.withLock { s in
            let id = s.nextId
            s.nextId += 1
            s.subscribers[id] = Subscriber(state: subscription, outbox: outbox)
            for name in subscription.streams { s.byStream[name, default: []].insert(id) }
            return id
        }
        return (id, outbox)
    }

    /// Replaces a connection's subscriptions.
    func update(_ id: Int, _ subscription: SubscriptionState) {
        state.withLock { s in
            guard let old = s.subscribers[id] else { return }
            for name in old.state.streams { s.byStream[name]?.remove(id) }
            for name in subscription.streams { s.byStream[name, default: []].insert(id) }
            s.byStream = s.byStream.filter { !$0.value.isEmpty }
            s.subscribers[id]?.state = subscription
        }
    }

    /// Removes a connection.
    func disconnect(_ id: Int) {
        state.withLock { s in
            guard let old = s.subscribers.removeValue(forKey: id) else { return }
            old.outbox.finish()
            for name in old.state.streams { s.byStream[name]?.remove(id) }
            s.byStream = s.byStream.filter { !$0.value.isEmpty }
        }
    }

    /// Ends every connection's outbox, which closes its websocket.
    func disconnectAll() {
        state.withLock { s in
            for sub in s.subscribers.values { sub.outbox.finish() }
        }
    }

    /// Closes (with a close frame) every connection listening to `stream`: a deleted listen key's.
    func close(stream: String, reason: String) {
        state.withLock { s in
            for id in s.byStream[stream] ?? [] { s.subscribers[id]?.outbox.append(.close(code: 1000, reason: reason)) }
        }
    }

    /// Queues a frame for one connection only (replies to its requests).
    func send(_ id: Int, _ text: String) {
        state.withLock { s in
            guard !s.stalled else { return }
            s.subscribers[id]?.outbox.append(.text(text))
        }
    }

    /// Sends a frame to every connection.
    func broadcast(_ frame: SimFrame) {
        state.withLock { s in s.subscribers.values.forEach { $0.outbox.append(frame) } }
    }

    /// Stops (or resumes) all traffic to clients while keeping their sockets open.
    func setStalled(_ value: Bool) { state.withLock { $0.stalled = value } }

    /// The streams someone listens to now.
    var wantedStreams: Set<String> { state.withLock { Set($0.byStream.keys) } }

    /// Frames sent and dropped so far.
    var counts: (sent: Int, dropped: Int) { state.withLock { ($0.sent, $0.dropped) } }

    /// Delivers payloads to their subscribers, wrapping them for combined connections; each
    /// connection gets its share of the batch in one step (one wake-up of its writer).
    func publish(_ batch: [SimOutgoing]) {
        guard !batch.isEmpty else { return }
        state.withLock { s in
            guard !s.stalled else { return }
            var perConnection: [Int: [SimFrame]] = [:]
            for item in batch {
                guard let ids = s.byStream[item.stream] else { continue }
                var wrapped: String?
                for id in ids {
                    guard let sub = s.subscribers[id] else { continue }
                    let text: String
                    if sub.state.combined {
                        if wrapped == nil { wrapped = SimPayload.wrap(stream: item.stream, item.payload) }
                        text = wrapped!
                    } else {
                        text = item.payload
                    }
                    perConnection[id, default: []].append(.text(text))
                }
            }
            for (id, frames) in perConnection {
                guard let sub = s.subscribers[id] else { continue }
                let dropped = sub.outbox.append(contentsOf: frames)
                s.dropped += dropped
                s.sent += frames.count - dropped
            }
        }
    }
}

/// One thing to send to a client.
public enum SimFrame: Sendable, Hashable {
    /// A text frame.
    case text(String)
    /// A binary frame (Aster never sends one: clients must count it and go on).
    case binary([UInt8])
    /// A close frame with this code, then the connection ends.
    case close(code: UInt16, reason: String)
    /// The TCP connection is cut with no close frame.
    case drop
}
