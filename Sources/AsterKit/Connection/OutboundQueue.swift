import DequeModule
import NIOCore
import NIOWebSocket

/// Every frame a connection sends (requests, pings, pongs, the close frame), in order, within the
/// spec's limit of 10 incoming messages a second per connection, with headroom: at most
/// ``maxMessages`` in any ``window``, so network jitter can never make the server count more than
/// 10 in one of its seconds. The limit counts the moments frames are actually written, on the
/// event loop.
final class OutboundQueue {
    /// Frames at most per ``window``: 8 per 1.25 s leaves two messages and a quarter second of
    /// headroom under the server's 10 per second.
    static let maxMessages = 8
    static let window = TimeAmount.milliseconds(1_250)
    private let channel: any Channel
    private let now: () -> NIODeadline
    private var waiting: Deque<(frame: WebSocketFrame, written: (Bool) -> Void)> = []
    /// Pings, pongs and the close frame: they go before the waiting requests (still within the
    /// limit), so a burst of requests cannot hold the connection's liveness back.
    private var control: Deque<(frame: WebSocketFrame, written: (Bool) -> Void)> = []
    private var sent: Deque<NIODeadline> = []
    private var scheduled: Scheduled<Void>?

    /// - Parameter now: the clock (tests pass their own).
    init(channel: any Channel, now: @escaping () -> NIODeadline = { .now() }) {
        self.channel = channel
        self.now = now
    }

    /// Frames waiting for the limit.
    var backlog: Int { waiting.count + control.count }

    /// Queues a text frame; `written` says whether it went out.
    func enqueue(text: String, written: @escaping (Bool) -> Void) {
        var buffer = channel.allocator.buffer(capacity: text.utf8.count)
        buffer.writeString(text)
        enqueue(frame: WebSocketFrame(fin: true, opcode: .text, maskKey: .random(), data: buffer), written: written)
    }

    /// Queues any frame; `written` says whether it went out. Control frames go first; a pong
    /// replaces one still waiting (only the latest ping needs an answer).
    func enqueue(frame: WebSocketFrame, written: @escaping (Bool) -> Void) {
        if frame.opcode == .pong, let index = control.firstIndex(where: { $0.frame.opcode == .pong }) {
            let replaced = control[index].written
            control[index] = (frame, written)
            replaced(false)
        } else if frame.opcode.isControlOpcode {
            control.append((frame, written))
        } else {
            waiting.append((frame, written))
        }
        drain()
    }

    /// Writes what the limit allows now; schedules the rest.
    func drain() {
        while let next = control.first ?? waiting.first {
            let now = self.now()
            while let first = sent.first, now - first >= Self.window { sent.removeFirst() }
            if sent.count >= Self.maxMessages {
                if scheduled == nil {
                    let due = sent[sent.count - Self.maxMessages] + Self.window
                    scheduled = channel.eventLoop.scheduleTask(deadline: due) { [weak self] in
                        self?.scheduled = nil
                        self?.drain()
                    }
                }
                return
            }
            if control.isEmpty { waiting.removeFirst() } else { control.removeFirst() }
            sent.append(now)
            let promise = channel.eventLoop.makePromise(of: Void.self)
            channel.writeAndFlush(next.frame, promise: promise)
            let written = next.written
            promise.futureResult.whenComplete { written((try? $0.get()) != nil) }
        }
    }
}
