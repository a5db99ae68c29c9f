import DequeModule
import NIOCore
import NIOWebSocket

/// Text frames to send, in order, within the spec's limit of 10 incoming messages a second per
/// connection (kept over 1.25 s, so network jitter can never make the server count 11 in one of
/// its seconds). The limit counts the moments frames are actually written, on the event loop.
final class OutboundQueue {
    static let maxMessages = 10
    static let window = TimeAmount.milliseconds(1_250)
    private let channel: any Channel
    private var waiting: Deque<(text: String, written: (Bool) -> Void)> = []
    private var sent: Deque<NIODeadline> = []
    private var scheduled: Scheduled<Void>?

    init(channel: any Channel) { self.channel = channel }

    /// Queues a frame; `written` says whether it went out.
    func enqueue(_ text: String, written: @escaping (Bool) -> Void) {
        waiting.append((text, written))
        drain()
    }

    private func drain() {
        while let next = waiting.first {
            let now = NIODeadline.now()
            while let first = sent.first, now - first >= Self.window { sent.removeFirst() }
            if sent.count >= Self.maxMessages {
                if scheduled == nil {
                    let due = sent[sent.count - Self.maxMessages] + Self.window
                    let channel = self.channel
                    scheduled = channel.eventLoop.scheduleTask(deadline: due) { [weak self] in
                        self?.scheduled = nil
                        self?.drain()
                    }
                }
                return
            }
            waiting.removeFirst()
            sent.append(now)
            var buffer = channel.allocator.buffer(capacity: next.text.utf8.count)
            buffer.writeString(next.text)
            let frame = WebSocketFrame(fin: true, opcode: .text, maskKey: .random(), data: buffer)
            let promise = channel.eventLoop.makePromise(of: Void.self)
            channel.writeAndFlush(frame, promise: promise)
            let written = next.written
            promise.futureResult.whenComplete { written((try? $0.get()) != nil) }
        }
    }
}
