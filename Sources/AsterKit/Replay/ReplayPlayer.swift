/// A replay you can travel in: pause and resume, step, ×0.25 to ×64, seek back and forward and to
/// any recorded time, with the consumer's state rebuilt at the seek point.
///
/// Paces frames by their recorded times on an injected clock (``ReplayTimeline``) and folds
/// them into a ``ReplayConsumer``. At each checkpoint of the recording's ``ReplayIndex`` it
/// keeps the consumer's keyframe (at most ``maxKeyframes``: past that, every other one is
/// dropped); a seek restores the nearest keyframe at or before the target and plays the
/// frames from its offset to the target as fast as it can — at most one checkpoint spacing
/// (10 s by default, more once keyframes were thinned) of frames, or, forward into a part not
/// played yet, from where it is. ``prepare()`` plays the whole recording once in the background
/// into a second consumer to have every keyframe from the start.
///
/// Commands (``enqueue(_:)``, ``perform(_:)``) are carried out by ``run()`` in order, between
/// frames; `run()` returns when cancelled.
///
/// ```swift
/// let (index, _) = try ReplayIndex.open(for: "btc.rec")
/// let player = ReplayPlayer(path: "btc.rec", index: index, consumer: books)
/// group.addTask { await player.run() }
/// await player.perform(.seek(by: -60_000))        // a minute back
/// await player.perform(.faster)                    // ×2
/// let status = await player.status()               // replay clock, speed, paused
/// ```
public actor ReplayPlayer<Consumer: ReplayConsumer, C: Clock> where C.Duration == Duration {
    /// The recording.
    public nonisolated let path: String
    /// Its index.
    public nonisolated let index: ReplayIndex
    /// What the frames are played into.
    public let consumer: Consumer
    /// Frames played, as a live stream counts them.
    public nonisolated let counters = StreamCounters()
    /// The most keyframes kept.
    public let maxKeyframes: Int

    let clock: C
    let delimiter: ReplaySource.Delimiter
    var timeline: ReplayTimeline<C.Instant>
    var keyframes: [Int: Consumer.Keyframe] = [:]
    /// Keyframes are kept at checkpoints whose number is a multiple of this.
    var keyframeStride = 1
    var reader: ReplayFrameReader?
    /// The frame read but not yet played (not due yet, or past a seek target).
    var pending: Decoded?
    /// The latest recorded time played (frames' times are made monotonic with it).
    var latest: Int64?
    /// The checkpoint whose offset the reader reaches next.
    var nextCheckpoint = 1
    var finished = false
    var seeking = false
    var problem: String?
    var stepping = false
    var commands: [(ReplayCommand, CheckedContinuation<Void, Never>?)] = []
    let wake: AsyncStream<Void>.Continuation
    let wakes: AsyncStream<Void>
    let decoder = EventDecoder()

    /// A frame read and decoded, with its (monotonic) time.
    struct Decoded {
        var frame: ReplayFrame
        var time: Int64?
        var event: StreamEvent
    }

    /// Creates a player (``run()`` starts it).
    ///
    /// - Parameters:
    ///   - path: the recording.
    ///   - index: its index (``ReplayIndex/open(for:delimiter:spacing:)``).
    ///   - consumer: what the frames are played into.
    ///   - clock: paces the replay (tests pass a manual clock).
    ///   - speed: the first speed (1: real time).
    ///   - paused: start paused.
    ///   - maxKeyframes: keyframes kept at most.
    ///   - note: a problem to show from the start (why the index was rebuilt).
    public init(path: String, index: ReplayIndex, consumer: Consumer, clock: C, speed: Double = 1, paused: Bool = false,
                delimiter: ReplaySource.Delimiter = .automatic, maxKeyframes: Int = 240, note: String? = nil) {
        self.path = path
        self.index = index
        self.consumer = consumer
        self.clock = clock
        self.delimiter = delimiter
        self.maxKeyframes = max(2, maxKeyframes)
        var timeline = ReplayTimeline(start: index.firstTime ?? 0, at: clock.now, speed: speed)
        if paused { timeline.pause(at: clock.now) }
        self.timeline = timeline
        problem = note ?? index.problem
        (wakes, wake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// The replay now: clock, speed, paused, finished, the recording's span and any problem.
    public func status() -> ReplayStatus {
        var time = timeline.time(at: clock.now)
        if finished, let end = index.lastTime { time = min(time, max(end, latest ?? end)) }
        if !finished, let next = pending?.time, !timeline.paused { time = min(time, next) }
        return ReplayStatus(time: time, speed: timeline.speed, paused: timeline.paused, finished: finished,
                            seeking: seeking, start: index.firstTime, end: index.lastTime, problem: problem)
    }

    /// Keyframes held now (for tests and diagnostics).
    public var keyframeCount: Int { keyframes.count }

    /// Queues a command; ``run()`` carries it out after the commands queued before it.
    public func enqueue(_ command: ReplayCommand) {
        commands.append((command, nil))
        wake.yield()
    }

    /// Carries out a command and returns once it is done (a seek: once the consumer is at the target).
    public func perform(_ command: ReplayCommand) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            commands.append((command, continuation))
            wake.yield()
        }
    }

    /// Plays until cancelled (at the end of the recording it waits for a seek back).
    public func run() async {
        var wakeups = wakes.makeAsyncIterator()
        do {
            reader = try ReplayFrameReader(path: path, delimiter: delimiter)
        } catch {
            problem = "\(error)"
            finished = true
        }
        await consumer.replay([(.state(ConnectionUpdate(connection: ConnectionID(shard: 0, generation: 1), state: .connected)),
                                index.firstTime ?? 0)])
        loop: while !Task.isCancelled {
            if !commands.isEmpty {
                let (command, continuation) = commands.removeFirst()
                await carryOut(command)
                continuation?.resume()
                continue
            }
            switch await advance() {
            case .more: continue
            case .due(let instant):
                let timer = Task { [clock, wake] in
                    do {
                        try await clock.sleep(until: instant, tolerance: nil)
                        wake.yield()
                    } catch {}
                }
                let woken = await wakeups.next()
                timer.cancel()
                if woken == nil { break loop }
            case .idle:
                if await wakeups.next() == nil { break loop }
            }
        }
        for (_, continuation) in commands { continuation?.resume() }
        commands = []
    }
}

extension ReplayPlayer where C == ContinuousClock {
    /// Creates a player paced by the real clock.
    public init(path: String, index: ReplayIndex, consumer: Consumer, speed: Double = 1, paused: Bool = false,
                delimiter: ReplaySource.Delimiter = .automatic, maxKeyframes: Int = 240, note: String? = nil) {
        self.init(path: path, index: index, consumer: consumer, clock: ContinuousClock(), speed: speed, paused: paused,
                  delimiter: delimiter, maxKeyframes: maxKeyframes, note: note)
    }
}
