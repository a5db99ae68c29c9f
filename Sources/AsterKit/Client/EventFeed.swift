import Synchronization

/// One consumer's typed view of a ``StreamClient``: an `AsyncSequence` of `Element` with a
/// bounded buffer of its own.
///
/// Buffer policy: at most `bufferLimit` elements wait for the consumer; when a new element
/// arrives at a full buffer the **oldest** waiting element is discarded and counted in
/// ``dropped`` (and in the client's ``StreamClient/statistics``). The socket reader never waits
/// for a consumer, so a slow consumer only ever loses its own oldest elements: it never delays
/// other consumers or the connection. Iterating ends when the client stops or the consumer's task
/// is cancelled; dropping the feed unregisters it.
public struct EventFeed<Element: Sendable>: AsyncSequence, Sendable {
    public typealias AsyncIterator = AsyncStream<Element>.AsyncIterator

    let stream: AsyncStream<Element>
    let drops: DropCounter

    /// Elements this consumer lost because its buffer was full.
    public var dropped: Int { drops.value }

    public func makeAsyncIterator() -> AsyncStream<Element>.AsyncIterator { stream.makeAsyncIterator() }
}

/// Counts one consumer's drops; the client sums them too.
final class DropCounter: Sendable {
    private let count = Atomic<Int>(0)
    var value: Int { count.load(ordering: .relaxed) }
    func increment() { count.add(1, ordering: .relaxed) }
}

/// The registry of consumers: each is a closure that picks its kind out of a message and
/// yields it without waiting. Called from the single pump task, registered from any thread.
final class FanOut: Sendable {
    struct Consumer: Sendable {
        let deliver: @Sendable (StreamEvent) -> Void
        let finish: @Sendable () -> Void
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
    /// element (none, one, or several for the all-market arrays) to the sink it is given — no
    /// array is built per event.
    func feed<Element: Sendable>(
        bufferLimit: Int, _ pick: @escaping @Sendable (StreamEvent, (Element) -> Void) -> Void
    ) -> EventFeed<Element> {
        let (stream, continuation) = AsyncStream.makeStream(
            of: Element.self, bufferingPolicy: .bufferingNewest(max(1, bufferLimit)))
        let drops = DropCounter()
        let total = self
        let consumer = Consumer(
            deliver: { event in
                pick(event) { element in
                    if case .dropped = continuation.yield(element) {
                        drops.increment()
                        total.totalDropped.add(1, ordering: .relaxed)
                    }
                }
            },
            finish: { continuation.finish() })
        let id: UInt64? = state.withLock { s in
            guard !s.finished else { return nil }
            s.nextID += 1
            s.consumers[s.nextID] = consumer
            return s.nextID
        }
        guard let id else {
            continuation.finish()
            return EventFeed(stream: stream, drops: drops)
        }
        continuation.onTermination = { [weak self] _ in
            _ = self?.state.withLock { $0.consumers.removeValue(forKey: id) }
        }
        return EventFeed(stream: stream, drops: drops)
    }

    /// Hands an event to every consumer.
    func deliver(_ event: StreamEvent) {
        let consumers = state.withLock { $0.list }
        for consumer in consumers { consumer.deliver(event) }
    }

    /// Ends every feed; later feeds end at once.
    func finish() {
        let consumers = state.withLock { s -> [Consumer] in
            s.finished = true
            defer { s.consumers = [:] }
            return Array(s.consumers.values)
        }
        consumers.forEach { $0.finish() }
    }
}
