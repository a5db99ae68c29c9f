import DequeModule
import Synchronization

/// One consumer's typed view of a client (``StreamClient`` or ``UserDataStream``): an
/// `AsyncSequence` of `Element` that never throws, with a bounded buffer of its own.
///
/// Buffer policy: at most `bufferLimit` elements wait for the consumer; when new elements arrive
/// at a full buffer the **oldest** waiting ones are discarded and counted in ``dropped`` (and in
/// the client's `statistics`). The socket reader never waits for a consumer, so a slow consumer
/// only ever loses its own oldest elements: it never delays the other consumers or the
/// connection. Elements arrive in batches (everything one socket read produced): the consumer
/// crosses one async boundary per batch, not per element, and is woken only when it waits for
/// more (a consumer still busy with the last batch finds the next one waiting). Iteration ends
/// when the client's `run()` returns or the consumer's task is cancelled.
///
/// ```swift
/// for await trade in client.aggregateTrades(bufferLimit: 1_000) { print(trade.price) }
/// ```
public struct EventFeed<Element: Sendable>: AsyncSequence, Sendable {
    public typealias Failure = Never
    @usableFromInline let buffer: FeedBuffer<Element>

    init(buffer: FeedBuffer<Element>) { self.buffer = buffer }

    /// Elements this consumer lost because its buffer was full.
    public var dropped: Int { buffer.dropped }

    public func makeAsyncIterator() -> Iterator { Iterator(buffer: buffer, owner: Owner(buffer: buffer)) }

    /// Ends the feed when the last copy of its iterator goes away (a consumer that stops early).
    @usableFromInline
    final class Owner: Sendable {
        let buffer: FeedBuffer<Element>
        init(buffer: FeedBuffer<Element>) { self.buffer = buffer }
        deinit { buffer.finish() }
    }

    /// Takes a whole batch from the shared buffer, then hands it out element by element.
    ///
    /// Inlinable, so the per-element part is specialised for `Element` in the consumer's module.
    public struct Iterator: AsyncIteratorProtocol {
        @usableFromInline let buffer: FeedBuffer<Element>
        @usableFromInline let owner: Owner
        /// The batch being handed out; its storage goes back to the buffer for the next batch.
        @usableFromInline var local: Deque<Element> = []

        init(buffer: FeedBuffer<Element>, owner: Owner) {
            self.buffer = buffer
            self.owner = owner
        }

        /// Elements of the current batch not yet handed out: `0` means the next `next()` may wait.
        /// A consumer that buffers its own output (lines to print, rows to write) flushes it then.
        @inlinable
        public var bufferedInBatch: Int { local.count }

        @inlinable
        public mutating func next() async -> Element? {
            if let element = local.popFirst() { return element }
            guard await buffer.take(into: &local, isolation: nil) else { return nil }
            return local.popFirst()
        }

        @inlinable
        public mutating func next(isolation actor: isolated (any Actor)?) async -> Element? {
            if let element = local.popFirst() { return element }
            guard await buffer.take(into: &local, isolation: actor) else { return nil }
            return local.popFirst()
        }
    }
}

/// Where a feed's collector puts the elements it takes out of a batch of events (see
/// ``EventFeeds/feed(bufferLimit:collecting:)``).
public struct FeedSink<Element: Sendable>: Sendable {
    @usableFromInline var items: Deque<Element> = []

    @usableFromInline init() {}

    /// Appends one element for the consumer.
    public mutating func append(_ element: Element) { items.append(element) }

    /// Appends elements for the consumer, in order.
    public mutating func append<S: Sequence>(contentsOf elements: S) where S.Element == Element {
        items.append(contentsOf: elements)
    }
}

/// The bounded, drop-oldest buffer behind one ``EventFeed``: producers collect whole batches into
/// it under one lock; the single consumer takes everything waiting at once, swapping in the empty
/// storage of the batch it has finished (so steady-state delivery allocates nothing).
@usableFromInline
final class FeedBuffer<Element: Sendable>: Sendable {
    @usableFromInline
    struct State {
        @usableFromInline var sink = FeedSink<Element>()
        /// The consumer, suspended until elements arrive or the feed ends.
        @usableFromInline var waiter: UnsafeContinuation<Void, Never>?
        @usableFromInline var finished = false
        var dropped = 0
        /// How many elements the consumer took last time (its storage comes back with the next take).
        @usableFromInline var lastTaken = 0
    }

    /// Storage of batches up to this size is reused; a larger one is released once consumed, so
    /// a burst does not keep its memory for the life of the feed.
    @usableFromInline static var recycledCapacity: Int { 4_096 }

    @usableFromInline let state = Mutex(State())
    private let limit: Int
    /// Called with the number of elements dropped (the client's total).
    private let onDrop: @Sendable (Int) -> Void
    /// Called once when the consumer goes away (cancelled or iterator released at the end).
    private let onGone: Mutex<(@Sendable () -> Void)?>

    init(limit: Int, onDrop: @escaping @Sendable (Int) -> Void, onGone: @escaping @Sendable () -> Void) {
        self.limit = max(1, limit)
        self.onDrop = onDrop
        self.onGone = Mutex(onGone)
    }

    var dropped: Int { state.withLock { $0.dropped } }

    /// Whether more than half the buffer waits for the consumer.
    var isBacklogged: Bool { state.withLock { !$0.finished && $0.sink.items.count > limit / 2 } }

    /// Lets `collect` append what it takes out of `batch`, dropping the oldest beyond the limit;
    /// wakes the consumer if it waits and anything was added.
    func append<Batch: Sendable>(_ batch: Batch, collecting collect: @Sendable (Batch, inout FeedSink<Element>) -> Void) {
        var lost = 0
        let waiter: UnsafeContinuation<Void, Never>? = state.withLock { s in
            guard !s.finished else { return nil }
            let before = s.sink.items.count
            collect(batch, &s.sink)
            let count = s.sink.items.count
            guard count != before else { return nil }
            if count > limit {
                lost = count - limit
                s.sink.items.removeFirst(lost)
                s.dropped += lost
            }
            defer { s.waiter = nil }
            return s.waiter
        }
        if lost > 0 { onDrop(lost) }
        waiter?.resume()
    }

    /// Moves everything waiting into `local` (which must be empty; its storage is kept for the
    /// next batch), waiting until something arrives. `false` once finished and drained (or
    /// cancelled). Inlinable, so it is specialised for `Element` in the consumer's module.
    @inlinable
    func take(into local: inout Deque<Element>, isolation: isolated (any Actor)?) async -> Bool {
        while true {
            let ready: Bool? = state.withLock { s in
                if !s.sink.items.isEmpty {
                    swap(&local, &s.sink.items)
                    if s.lastTaken > Self.recycledCapacity { s.sink.items = [] }
                    s.lastTaken = local.count
                    return true
                }
                if s.finished || Task.isCancelled { return false }
                return nil
            }
            if let ready { return ready }
            await withTaskCancellationHandler {
                await withUnsafeContinuation(isolation: isolation) { (continuation: UnsafeContinuation<Void, Never>) in
                    let now = state.withLock { s -> Bool in
                        if !s.sink.items.isEmpty || s.finished || Task.isCancelled { return true }
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

    /// Ends the feed: the consumer gets what is waiting, then `nil`.
    @usableFromInline
    func finish() {
        let waiter = state.withLock { s -> UnsafeContinuation<Void, Never>? in
            s.finished = true
            defer { s.waiter = nil }
            return s.waiter
        }
        waiter?.resume()
        onGone.withLock { f in
            defer { f = nil }
            return f
        }?()
    }
}

/// The registry of consumers. Each consumer is a closure that collects its kind out of a batch of
/// events into its own buffer in one step. Called from the connections' event loops, registered
/// from any thread.
final class FanOut<Event: Sendable>: Sendable {
    struct Consumer: Sendable {
        let deliver: @Sendable ([Event]) -> Void
        let finish: @Sendable () -> Void
        let backlogged: @Sendable () -> Bool
    }

    private struct State {
        var consumers: [UInt64: Consumer] = [:] { didSet { list = Array(consumers.values) } }
        /// The consumers as an array, rebuilt on change so delivering allocates nothing.
        var list: [Consumer] = []
        var nextID: UInt64 = 0
        var finished = false
    }

    private let state = Mutex(State())
    let totalDropped = Atomic<Int>(0)

    var count: Int { state.withLock { $0.consumers.count } }

    /// Registers a consumer of `Element`: `collect` takes the elements out of each batch of
    /// events (none, one, or several per event) and appends them to the consumer's buffer.
    func feed<Element: Sendable>(
        bufferLimit: Int, _ collect: @escaping @Sendable ([Event], inout FeedSink<Element>) -> Void
    ) -> EventFeed<Element> {
        let total = self
        let id: UInt64 = state.withLock { s in
            s.nextID += 1
            return s.nextID
        }
        let buffer = FeedBuffer<Element>(
            limit: bufferLimit, onDrop: { total.totalDropped.add($0, ordering: .relaxed) },
            onGone: { [weak self] in _ = self?.state.withLock { $0.consumers.removeValue(forKey: id) } })
        let consumer = Consumer(
            deliver: { events in buffer.append(events, collecting: collect) },
            finish: { buffer.finish() },
            backlogged: { buffer.isBacklogged })
        let registered = state.withLock { s in
            guard !s.finished else { return false }
            s.consumers[id] = consumer
            return true
        }
        if !registered { buffer.finish() }
        return EventFeed(buffer: buffer)
    }

    /// Hands a batch of events to every consumer.
    func deliver(_ events: [Event]) {
        guard !events.isEmpty else { return }
        let consumers = state.withLock { $0.list }
        for consumer in consumers { consumer.deliver(events) }
    }

    /// Whether any consumer has more than half its buffer waiting (a replay waits for it).
    var isBacklogged: Bool { state.withLock { $0.list }.contains { $0.backlogged() } }

    /// Ends every feed; later feeds end at once.
    func finish() {
        let consumers = state.withLock { s -> [Consumer] in
            s.finished = true
            return s.list
        }
        consumers.forEach { $0.finish() }
    }
}
