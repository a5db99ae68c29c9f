import DequeModule
import Synchronization

/// One websocket connection's bounded queue of frames: the hub appends, the connection's writer
/// takes everything waiting at once (and writes it with one flush). A writer that falls `limit`
/// frames behind loses the oldest ones, so one slow client never slows the market.
final class SimOutbox: Sendable {
    private struct State {
        var frames: Deque<SimFrame> = []
        var waiter: CheckedContinuation<Void, Never>?
        var finished = false
    }

    private let state = Mutex(State())
    private let limit: Int

    init(limit: Int) { self.limit = max(1, limit) }

    /// Appends frames (nothing once finished); wakes the writer. Returns how many of the oldest
    /// waiting frames were dropped to stay within the limit.
    @discardableResult
    func append<S: Sequence<SimFrame>>(contentsOf frames: S) -> Int {
        var dropped = 0
        let waiter = state.withLock { s -> CheckedContinuation<Void, Never>? in
            guard !s.finished else { return nil }
            s.frames.append(contentsOf: frames)
            if s.frames.count > limit {
                dropped = s.frames.count - limit
                s.frames.removeFirst(dropped)
            }
            defer { s.waiter = nil }
            return s.frames.isEmpty ? nil : s.waiter
        }
        waiter?.resume()
        return dropped
    }

    /// Appends one frame; see ``append(contentsOf:)``.
    @discardableResult
    func append(_ frame: SimFrame) -> Int { append(contentsOf: CollectionOfOne(frame)) }

    /// Ends the queue: the writer gets what is waiting, then `nil`.
    func finish() {
        state.withLock { s in
            s.finished = true
            defer { s.waiter = nil }
            return s.waiter
        }?.resume()
    }

    /// Everything waiting, once something is; `nil` once finished and drained (or cancelled).
    func take() async -> Deque<SimFrame>? {
        while true {
            let ready: Deque<SimFrame>?? = state.withLock { s in
                if !s.frames.isEmpty {
                    defer { s.frames = [] }
                    return .some(s.frames)
                }
                return s.finished || Task.isCancelled ? .some(nil) : .none
            }
            if let ready { return ready }
            await withTaskCancellationHandler {
                await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                    let now = state.withLock { s -> Bool in
                        if !s.frames.isEmpty || s.finished || Task.isCancelled { return true }
                        s.waiter = continuation
                        return false
                    }
                    if now { continuation.resume() }
                }
            } onCancel: {
                finish()
            }
        }
    }
}
