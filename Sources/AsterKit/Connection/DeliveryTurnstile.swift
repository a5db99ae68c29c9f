import DequeModule
import Synchronization

/// Hands a shard's batches to the consumers in the order the shard decided them, without running
/// the consumers (user closures) under the shard's lock.
///
/// The shard calls ``enter(_:)`` while it holds its lock: that call fixes the batch's place in line.
/// After releasing the lock, the caller that was told it holds the turnstile delivers with
/// ``pass(_:)``: its own batch first, then every batch other event loops queued meanwhile, in
/// order. A caller that found the turnstile taken just returns: its batch goes out after the
/// earlier ones, from the holder's thread. So a batch decided later can never overtake an earlier
/// one (a rollover's held frames and the successor's next read, say), and no lock is held while
/// consumers run.
final class DeliveryTurnstile: Sendable {
    private struct State {
        var busy = false
        var queue: Deque<[StreamEvent]> = []
    }

    private let state = Mutex(State())
    private let deliver: @Sendable ([StreamEvent]) -> Void

    /// - Parameter deliver: hands one batch to the consumers.
    init(deliver: @escaping @Sendable ([StreamEvent]) -> Void) { self.deliver = deliver }

    /// Takes `events`' place in line; `true` when the caller now holds the turnstile and must call
    /// ``pass(_:)`` with the same events once it has released its own lock.
    func enter(_ events: [StreamEvent]) -> Bool {
        guard !events.isEmpty else { return false }
        return state.withLock { s in
            if s.busy {
                s.queue.append(events)
                return false
            }
            s.busy = true
            return true
        }
    }

    /// Delivers `first` (the holder's batch), then whatever was queued behind it, and frees the
    /// turnstile. Called with no lock held.
    func pass(_ first: [StreamEvent]) {
        var next = first
        while true {
            deliver(next)
            let more = state.withLock { s -> [StreamEvent]? in
                if let queued = s.queue.popFirst() { return queued }
                s.busy = false
                return nil
            }
            guard let more else { return }
            next = more
        }
    }
}
