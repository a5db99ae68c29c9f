import DequeModule
import Synchronization

/// The bounded, drop-oldest buffer behind one ``EventFeed``, shared by its iterators (readers).
///
/// Elements are numbered: `base` is the number of the oldest one held, and each reader keeps
/// the number of the next one it takes. A producer collects a batch outside the lock, then adds
/// it under the lock, dropping the oldest beyond the limit. A sole reader takes everything
/// waiting at once by swapping storage with the buffer (so steady-state delivery copies
/// nothing); with several readers each copies its part and what all have taken is released.
@usableFromInline
final class FeedBuffer<Element: Sendable>: Sendable {
    @usableFromInline
    struct ReaderState {
        @usableFromInline let id: Int
        /// Number of the next element this reader takes.
        @usableFromInline var position: Int
        /// The reader, suspended until elements arrive, the feed ends or it is cancelled.
        @usableFromInline var waiter: UnsafeContinuation<Void, Never>?
    }

    @usableFromInline
    struct State {
        @usableFromInline var items: Deque<Element> = []
        /// Number of `items.first`.
        @usableFromInline var base = 0
        @usableFromInline var readers: [ReaderState] = []
        var nextReader = 0
        @usableFromInline var finished = false
        var dropped = 0
        /// How many elements the sole reader took last time (its storage comes back with the next take).
        @usableFromInline var lastTaken = 0

        /// Releases what every reader has taken (nothing while no reader exists: a reader made
        /// later sees what is still held).
        @usableFromInline
        mutating func release() {
            guard let slowest = readers.lazy.map(\.position).min(), slowest > base else { return }
            items.removeFirst(min(slowest - base, items.count))
            base = slowest
        }
    }

    /// Storage of batches up to this size is reused; a larger one is released once consumed, so
    /// a burst does not keep its memory for the life of the feed.
    @usableFromInline static var recycledCapacity: Int { 4_096 }

    @usableFromInline let state = Mutex(State())
    private let limit: Int
    /// Called with the number of elements dropped (the client's total).
    private let onDrop: @Sendable (Int) -> Void
    /// Called after a reader took elements or went away (a replay waiting on backlogs re-checks).
    @usableFromInline let onProgress: @Sendable () -> Void
    /// Called once when the feed ends (producer finished or every reference released).
    private let onGone: Mutex<(@Sendable () -> Void)?>

    init(limit: Int, onDrop: @escaping @Sendable (Int) -> Void, onProgress: @escaping @Sendable () -> Void = {},
         onGone: @escaping @Sendable () -> Void) {
        self.limit = max(1, limit)
        self.onDrop = onDrop
        self.onProgress = onProgress
        self.onGone = Mutex(onGone)
    }

    var dropped: Int { state.withLock { $0.dropped } }

    /// Whether an iterated feed's slowest reader has more than half the buffer waiting (a feed
    /// nobody iterates is never backlogged: it must not hold a replay back).
    var isBacklogged: Bool {
        state.withLock { s in
            guard !s.finished, let slowest = s.readers.lazy.map(\.position).min() else { return false }
            return s.base + s.items.count - max(slowest, s.base) > limit / 2
        }
    }

    /// Lets `collect` take its elements out of `batch` (outside the lock: it may call back into
    /// the client), then adds them, dropping the oldest beyond the limit, and wakes the readers.
    func append<Batch: Sendable>(_ batch: Batch, collecting collect: @Sendable (Batch, inout FeedSink<Element>) -> Void) {
        var sink = FeedSink<Element>()
        collect(batch, &sink)
        guard !sink.items.isEmpty else { return }
        var lost = 0
        let waiters: [UnsafeContinuation<Void, Never>] = state.withLock { s in
            guard !s.finished else { return [] }
            if s.items.isEmpty {
                swap(&s.items, &sink.items)
            } else {
                s.items.append(contentsOf: sink.items)
            }
            if s.items.count > limit {
                lost = s.items.count - limit
                s.items.removeFirst(lost)
                s.base += lost
                s.dropped += lost
            }
            var woken: [UnsafeContinuation<Void, Never>] = []
            for i in s.readers.indices {
                if let w = s.readers[i].waiter {
                    woken.append(w)
                    s.readers[i].waiter = nil
                }
            }
            return woken
        }
        if lost > 0 { onDrop(lost) }
        for w in waiters { w.resume() }
    }

    /// Registers a reader; it starts at the oldest element held.
    func addReader() -> Int {
        state.withLock { s in
            s.nextReader += 1
            s.readers.append(ReaderState(id: s.nextReader, position: s.base))
            return s.nextReader
        }
    }

    /// Removes a reader (its iterator went away or its task was cancelled), waking it if it waits.
    @usableFromInline
    func removeReader(_ id: Int) {
        let waiter = state.withLock { s -> UnsafeContinuation<Void, Never>? in
            guard let i = s.readers.firstIndex(where: { $0.id == id }) else { return nil }
            let waiter = s.readers[i].waiter
            s.readers.remove(at: i)
            s.release()
            return waiter
        }
        waiter?.resume()
        onProgress()
    }

    /// Moves everything waiting for reader `id` into `local` (which must be empty; a sole
    /// reader's storage is kept for the next batch), waiting until something arrives; adds what
    /// the reader missed to `dropped`. `false` once finished and drained, or once the reader was
    /// cancelled (removed). Inlinable, so it is specialised for `Element` in the consumer's module.
    @inlinable
    func take(reader id: Int, into local: inout Deque<Element>, dropped: inout Int,
              isolation: isolated (any Actor)?) async -> Bool {
        while true {
            let ready: Bool? = state.withLock { s in
                guard let r = s.readers.firstIndex(where: { $0.id == id }) else { return false }
                if s.readers[r].position < s.base {
                    dropped += s.base - s.readers[r].position
                    s.readers[r].position = s.base
                }
                let end = s.base + s.items.count
                if s.readers[r].position < end {
                    if s.readers.count == 1 {
                        s.items.removeFirst(s.readers[r].position - s.base)
                        swap(&local, &s.items)
                        if s.lastTaken > Self.recycledCapacity { s.items = [] }
                        s.lastTaken = local.count
                        s.base = end
                    } else {
                        local.append(contentsOf: s.items[(s.readers[r].position - s.base)...])
                    }
                    s.readers[r].position = end
                    s.release()
                    return true
                }
                if s.finished || Task.isCancelled { return false }
                return nil
            }
            if let ready {
                if ready { onProgress() } else if Task.isCancelled { removeReader(id) }
                return ready
            }
            await withTaskCancellationHandler {
                await withUnsafeContinuation(isolation: isolation) { (continuation: UnsafeContinuation<Void, Never>) in
                    let now = state.withLock { s -> Bool in
                        guard let r = s.readers.firstIndex(where: { $0.id == id }) else { return true }
                        if s.base + s.items.count > s.readers[r].position || s.finished || Task.isCancelled { return true }
                        s.readers[r].waiter = continuation
                        return false
                    }
                    if now { continuation.resume() }
                }
            } onCancel: {
                removeReader(id)
            }
        }
    }

    /// Ends the feed: each reader gets what is waiting for it, then `nil`.
    @usableFromInline
    func finish() {
        let waiters = state.withLock { s -> [UnsafeContinuation<Void, Never>] in
            s.finished = true
            var woken: [UnsafeContinuation<Void, Never>] = []
            for i in s.readers.indices {
                if let w = s.readers[i].waiter {
                    woken.append(w)
                    s.readers[i].waiter = nil
                }
            }
            return woken
        }
        for w in waiters { w.resume() }
        onProgress()
        onGone.withLock { f in
            defer { f = nil }
            return f
        }?()
    }
}
