import Synchronization

/// The registry of a producer's feeds. Each consumer is a closure that collects its kind out of
/// a batch of events into its own buffer in one step. Called from the connections' event loops
/// (or an actor), registered from any thread; no lock is held while a collector runs.
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
    /// Signalled whenever a reader of any feed takes elements or goes away.
    let progress = ProgressSignal()

    var count: Int { state.withLock { $0.consumers.count } }

    /// Registers a consumer of `Element`: `collect` takes the elements out of each batch of
    /// events (none, one, or several per event) and appends them to the consumer's buffer.
    /// `initial` elements are waiting in the feed from the start.
    func feed<Element: Sendable>(
        bufferLimit: Int, initial: [Element] = [], _ collect: @escaping @Sendable ([Event], inout FeedSink<Element>) -> Void
    ) -> EventFeed<Element> {
        let total = self
        let progress = self.progress
        let id: UInt64 = state.withLock { s in
            s.nextID += 1
            return s.nextID
        }
        let buffer = FeedBuffer<Element>(
            limit: bufferLimit, onDrop: { total.totalDropped.add($0, ordering: .relaxed) },
            onProgress: { progress.signal() },
            onGone: { [weak self] in _ = self?.state.withLock { $0.consumers.removeValue(forKey: id) } })
        if !initial.isEmpty { buffer.append(initial) { batch, sink in sink.append(contentsOf: batch) } }
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

    /// Whether any iterated feed has more than half its buffer waiting (a replay waits for it).
    var isBacklogged: Bool { state.withLock { $0.list }.contains { $0.backlogged() } }

    /// Returns once no iterated feed is backlogged (at once if none is), or when cancelled;
    /// wakes on the readers' progress, never by polling.
    func waitWhileBacklogged() async {
        while !Task.isCancelled {
            let epoch = progress.epoch
            guard isBacklogged else { return }
            await progress.wait(past: epoch)
        }
    }

    /// Ends every feed; later feeds end at once.
    func finish() {
        let consumers = state.withLock { s -> [Consumer] in
            s.finished = true
            return s.list
        }
        consumers.forEach { $0.finish() }
    }
}

/// A counter of progress events that tasks can wait on without polling.
final class ProgressSignal: Sendable {
    private struct State {
        var epoch = 0
        var waiters: [Int: CheckedContinuation<Void, Never>] = [:]
        var nextID = 0
    }

    private let state = Mutex(State())

    /// The number of progress events so far.
    var epoch: Int { state.withLock { $0.epoch } }

    /// Notes progress and wakes every waiter.
    func signal() {
        let waiters = state.withLock { s -> [CheckedContinuation<Void, Never>] in
            s.epoch &+= 1
            guard !s.waiters.isEmpty else { return [] }
            defer { s.waiters = [:] }
            return Array(s.waiters.values)
        }
        for w in waiters { w.resume() }
    }

    /// Returns once the epoch has moved past `epoch`, or when cancelled.
    func wait(past epoch: Int) async {
        let id = state.withLock { s in
            s.nextID += 1
            return s.nextID
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let now = state.withLock { s -> Bool in
                    if s.epoch != epoch || Task.isCancelled { return true }
                    s.waiters[id] = continuation
                    return false
                }
                if now { continuation.resume() }
            }
        } onCancel: {
            let waiter = state.withLock { $0.waiters.removeValue(forKey: id) }
            waiter?.resume()
        }
    }
}
