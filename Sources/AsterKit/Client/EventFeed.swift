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
/// crosses one async boundary per batch, not per element. Iteration ends when the client's
/// `run()` returns or the consumer's task is cancelled.
///
/// ```swift
/// for await trade in client.aggregateTrades(bufferLimit: 1_000) { print(trade.price) }
/// ```
public struct EventFeed<Element: Sendable>: AsyncSequence, Sendable {
    public typealias Failure = Never
    let buffer: FeedBuffer<Element>

    /// Elements this consumer lost because its buffer was full.
    public var dropped: Int { buffer.dropped }

    public func makeAsyncIterator() -> Iterator { Iterator(buffer: buffer, owner: Owner(buffer: buffer)) }

    /// Ends the feed when the last copy of its iterator goes away (a consumer that stops early).
    final class Owner: Sendable {
        let buffer: FeedBuffer<Element>
        init(buffer: FeedBuffer<Element>) { self.buffer = buffer }
        deinit { buffer.finish() }
    }

    /// Takes a whole batch from the shared buffer, then hands it out element by element.
    public struct Iterator: AsyncIteratorProtocol {
        let buffer: FeedBuffer<Element>
        let owner: Owner
        var local: Deque<Element> = []

        public mutating func next() async -> Element? {
            if let element = local.popFirst() { return element }
            guard let batch = await buffer.take() else { return nil }
            local = batch
            return local.popFirst()
        }

        public mutating func next(isolation actor: isolated (any Actor)?) async -> Element? {
            if let element = local.popFirst() { return element }
            guard let batch = await buffer.take() else { return nil }
            local = batch
            return local.popFirst()
        }
    }
}

/// The bounded, drop-oldest buffer behind one ``EventFeed``: producers append whole batches
/// under one lock; the single consumer takes everything waiting at once.
final class FeedBuffer<Element: Sendable>: Sendable {
    private struct State {
        var items: Deque<Element> = []
        var waiter: CheckedContinuation<Deque<Element>?, Never>?
        var finished = false
        var dropped = 0
    }

    private let state = Mutex(State())
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
    var isBacklogged: Bool { state.withLock { !$0.finished && $0.items.count > limit / 2 } }

    /// Appends elements, dropping the oldest beyond the limit; wakes the consumer.
    func append<S: Sequence>(contentsOf elements: S) where S.Element == Element {
        var lost = 0
        let resume: (CheckedContinuation<Deque<Element>?, Never>, Deque<Element>)? = state.withLock { s in
            guard !s.finished else { return nil }
            s.items.append(contentsOf: elements)
            if s.items.count > limit {
                lost = s.items.count - limit
                s.items.removeFirst(lost)
                s.dropped += lost
            }
            guard let waiter = s.waiter, !s.items.isEmpty else { return nil }
            s.waiter = nil
            defer { s.items = [] }
            return (waiter, s.items)
        }
        if lost > 0 { onDrop(lost) }
        if let (waiter, items) = resume { waiter.resume(returning: items) }
    }

    /// Everything waiting, or `nil` once finished and drained (or cancelled).
    func take() async -> Deque<Element>? {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Deque<Element>?, Never>) in
                let ready: Deque<Element>?? = state.withLock { s in
                    if !s.items.isEmpty {
                        defer { s.items = [] }
                        return .some(s.items)
                    }
                    if s.finished || Task.isCancelled { return .some(nil) }
                    s.waiter = continuation
                    return .none
                }
                if let ready { continuation.resume(returning: ready) }
            }
        } onCancel: {
            finish()
        }
    }

    /// Ends the feed: the consumer gets what is waiting, then `nil`.
    func finish() {
        let waiter = state.withLock { s -> CheckedContinuation<Deque<Element>?, Never>? in
            s.finished = true
            defer { s.waiter = nil }
            return s.waiter
        }
        waiter?.resume(returning: nil)
        onGone.withLock { f in
            defer { f = nil }
            return f
        }?()
    }
}

/// The registry of consumers. Each consumer is a closure that picks its kind out of a batch of
/// events and appends the picked elements to its own buffer in one step. Called from the
/// connections' event loops, registered from any thread.
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

    /// Registers a consumer of `Element`, picked out of each event by `pick`, which hands each
    /// element (none, one, or several for the all-market arrays) to the sink it is given.
    func feed<Element: Sendable>(
        bufferLimit: Int, _ pick: @escaping @Sendable (Event, (Element) -> Void) -> Void
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
            deliver: { events in
                var picked: [Element] = []
                for event in events { pick(event) { picked.append($0) } }
                if !picked.isEmpty { buffer.append(contentsOf: picked) }
            },
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
