import DequeModule

/// One typed view of a client (``StreamClient``, ``UserDataStream``) or of a state keeper
/// (``LiveAccount/updates(bufferLimit:)``, ``OrderBookManager/changes(bufferLimit:)``): an
/// `AsyncSequence` of `Element` that never throws, with a bounded buffer of its own. It is the
/// library's one consumer convention: everything that delivers values over time hands out an
/// `EventFeed`.
///
/// **Multicast.** Every iterator of a feed sees every element the feed collects while that
/// iterator exists, plus those still waiting when it is made (so iterators made before the
/// first element is taken all see everything). Iterators never steal elements from each other.
///
/// **Buffer policy.** At most `bufferLimit` elements wait for the slowest iterator; when new
/// elements arrive at a full buffer the **oldest** waiting ones are discarded and counted in
/// ``dropped`` (and in the client's `statistics`); each iterator counts what it missed in
/// ``Iterator/dropped``, which grows just before the first element after the gap is returned, so
/// a consumer that must not lose anything (a local book, an account) knows when to resynchronise.
/// A limit of 1 keeps only the newest value. The producer never waits for a consumer, so a slow
/// consumer only ever loses its own oldest elements. Elements arrive in batches (everything one
/// socket read produced): an iterator crosses one async boundary per batch, not per element.
///
/// **Ending.** Iteration ends when the producer stops (a client's `run()` returns), or for one
/// iterator when its task is cancelled (the others go on). A feed whose value and iterators are
/// all released stops collecting. A replay paces itself to the feeds that are being iterated; a
/// feed not (yet) iterated keeps up to its limit and never holds a replay back.
///
/// Collectors (``EventFeeds/feed(bufferLimit:collecting:)``) run outside every lock of the
/// feed, so one may call back into the client.
///
/// ```swift
/// let trades = client.aggregateTrades(bufferLimit: 1_000)
/// for await trade in trades { print(trade.price) }
/// ```
public struct EventFeed<Element: Sendable>: AsyncSequence, Sendable {
    public typealias Failure = Never
    @usableFromInline let buffer: FeedBuffer<Element>
    @usableFromInline let lifetime: Lifetime

    init(buffer: FeedBuffer<Element>) {
        self.buffer = buffer
        self.lifetime = Lifetime(buffer: buffer)
    }

    /// Elements discarded (the buffer was full) before every iterator had taken them.
    public var dropped: Int { buffer.dropped }

    public func makeAsyncIterator() -> Iterator {
        Iterator(buffer: buffer, lifetime: lifetime, reader: Reader(buffer: buffer))
    }

    /// Stops the feed once neither the feed nor any of its iterators is referenced any more.
    @usableFromInline
    final class Lifetime: Sendable {
        let buffer: FeedBuffer<Element>
        init(buffer: FeedBuffer<Element>) { self.buffer = buffer }
        deinit { buffer.finish() }
    }

    /// One iterator's place in the buffer; released with the last copy of the iterator.
    @usableFromInline
    final class Reader: Sendable {
        @usableFromInline let id: Int
        let buffer: FeedBuffer<Element>
        init(buffer: FeedBuffer<Element>) {
            self.buffer = buffer
            self.id = buffer.addReader()
        }
        deinit { buffer.removeReader(id) }
    }

    /// Takes a whole batch from the shared buffer, then hands it out element by element.
    ///
    /// Inlinable, so the per-element part is specialised for `Element` in the consumer's module.
    public struct Iterator: AsyncIteratorProtocol, Sendable {
        @usableFromInline let buffer: FeedBuffer<Element>
        @usableFromInline let lifetime: Lifetime
        @usableFromInline let reader: Reader
        /// The batch being handed out; its storage goes back to the buffer for the next batch.
        @usableFromInline var local: Deque<Element> = []
        @usableFromInline var lost = 0

        /// Elements this iterator missed because the buffer was full (see ``EventFeed``).
        public var dropped: Int { lost }

        init(buffer: FeedBuffer<Element>, lifetime: Lifetime, reader: Reader) {
            self.buffer = buffer
            self.lifetime = lifetime
            self.reader = reader
        }

        /// Elements of the current batch not yet handed out: `0` means the next `next()` may wait.
        /// A consumer that buffers its own output (lines to print, rows to write) flushes it then.
        @inlinable
        public var bufferedInBatch: Int { local.count }

        @inlinable
        public mutating func next() async -> Element? {
            if let element = local.popFirst() { return element }
            guard await buffer.take(reader: reader.id, into: &local, dropped: &lost, isolation: nil) else { return nil }
            return local.popFirst()
        }

        @inlinable
        public mutating func next(isolation actor: isolated (any Actor)?) async -> Element? {
            if let element = local.popFirst() { return element }
            guard await buffer.take(reader: reader.id, into: &local, dropped: &lost, isolation: actor) else { return nil }
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
