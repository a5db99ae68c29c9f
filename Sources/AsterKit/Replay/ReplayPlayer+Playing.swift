/// Reading, pacing, stepping and seeking (all run on the player's ``ReplayPlayer/run()`` loop).
extension ReplayPlayer {
    /// What the run loop does next.
    enum Next {
        /// Frames were played; look again (commands first).
        case more
        /// The next frame is due then.
        case due(C.Instant)
        /// Paused, or at the end: wait for a command.
        case idle
    }

    /// Plays the frames due now (at most 256 before the loop looks at commands again).
    func advance() async -> Next {
        guard !timeline.paused else { return .idle }
        var batch: [(event: StreamEvent, receivedAt: Int64)] = []
        for _ in 0..<256 {
            guard let next = peek() else {
                await flush(&batch)
                finished = true
                return .idle
            }
            if let t = next.time, let due = timeline.due(t), due > clock.now {
                await flush(&batch)
                return .due(due)
            }
            await play(next, into: &batch)
        }
        await flush(&batch)
        return .more
    }

    /// Carries out one command.
    func carryOut(_ command: ReplayCommand) async {
        let now = clock.now
        switch command {
        case .togglePause: if timeline.paused { timeline.resume(at: now) } else { timeline.pause(at: now) }
        case .pause: timeline.pause(at: now)
        case .resume: timeline.resume(at: now)
        case .faster: timeline.faster(at: now)
        case .slower: timeline.slower(at: now)
        case .step: await step()
        case .seek(let by):
            let (target, overflow) = status().time.addingReportingOverflow(by)
            await seek(to: overflow ? (by < 0 ? .min : .max) : target)
        case .seekTo(let time): await seek(to: time)
        case .rebuild:
            keyframes = [:]
            keyframeStride = 1
            await seek(to: status().time, rebuilding: true)
        }
    }

    /// Pauses, then plays the next frame and the frames recorded in the same millisecond.
    func step() async {
        timeline.pause(at: clock.now)
        var batch: [(event: StreamEvent, receivedAt: Int64)] = []
        var started = false
        var time: Int64?
        while let next = peek() {
            if started && next.time != time { break }
            await play(next, into: &batch)
            time = next.time
            started = true
        }
        if !started { finished = true }
        await flush(&batch)
        if let t = time ?? latest { timeline.seek(to: t, at: clock.now) }
    }

    /// Puts the consumer at `target` (clamped to the recording's span): from the nearest keyframe
    /// at or before it, or from where the replay is when that is nearer; then the frames up to
    /// the target, as fast as they decode.
    func seek(to target: Int64, rebuilding: Bool = false) async {
        seeking = true
        defer { seeking = false }
        var t = target
        if let first = index.firstTime { t = max(t, first) }
        if let last = index.lastTime { t = min(t, last) }
        let k = index.checkpoint(atOrBefore: t)
        var start = k
        while start > 0 && keyframes[start] == nil { start -= 1 }
        let fromHere = !rebuilding && reader != nil && (latest.map { $0 <= t } ?? true) && (start == 0 || nextCheckpoint > start)
        if !fromHere {
            await consumer.restore(start == 0 ? nil : keyframes[start])
            pending = nil
            finished = false
            let checkpoint = index.checkpoints[start]
            do {
                if reader == nil { reader = try ReplayFrameReader(path: path, delimiter: delimiter) }
                try reader?.seek(to: checkpoint.offset)
            } catch {
                problem = "\(error)"
                reader = nil
            }
            latest = start == 0 ? nil : checkpoint.time
            nextCheckpoint = max(1, start)
        }
        var batch: [(event: StreamEvent, receivedAt: Int64)] = []
        while let next = peek(), (next.time ?? .min) <= t {
            await play(next, into: &batch)
            if batch.count >= 1_024 { await flush(&batch) }
        }
        finished = peek() == nil
        await flush(&batch)
        timeline.seek(to: t, at: clock.now)
    }

    /// The next frame, read and decoded once (kept in `pending` until played); `nil` at the end.
    /// A read error (a damaged end) is kept as the problem and ends the replay there.
    func peek() -> Decoded? {
        if let pending { return pending }
        guard let reader else { return nil }
        let frame: ReplayFrame
        do {
            guard let next = try reader.next() else { return nil }
            frame = next
        } catch {
            problem = "\(error)"
            self.reader = nil
            return nil
        }
        var time = frame.receivedAt
        let event: StreamEvent
        do throws(DecodingFailure) {
            let message = try decoder.decode(frame.text)
            event = .message(message)
            if time == nil { time = message.event.firstEventTime }
        } catch {
            event = .decodeFailure(error)
        }
        let monotonic = time.map { max(latest ?? $0, $0) } ?? latest
        let decoded = Decoded(frame: frame, time: monotonic, event: event)
        pending = decoded
        return decoded
    }

    /// Plays the pending frame: a keyframe first when it starts a checkpoint, then its events.
    func play(_ next: Decoded, into batch: inout [(event: StreamEvent, receivedAt: Int64)]) async {
        let checkpoints = index.checkpoints
        while nextCheckpoint < checkpoints.count && checkpoints[nextCheckpoint].offset < next.frame.offset { nextCheckpoint += 1 }
        if nextCheckpoint < checkpoints.count && checkpoints[nextCheckpoint].offset == next.frame.offset {
            let k = nextCheckpoint
            nextCheckpoint += 1
            if k % keyframeStride == 0 && keyframes[k] == nil {
                await flush(&batch)
                keyframes[k] = await consumer.keyframe()
                if keyframes.count > maxKeyframes {
                    keyframeStride *= 2
                    keyframes = keyframes.filter { $0.key % keyframeStride == 0 }
                }
            }
        }
        pending = nil
        latest = next.time ?? latest
        var failed = 0
        if case .decodeFailure = next.event { failed = 1 }
        counters.add(frames: 1, bytes: next.frame.text.utf8.count, decodeErrors: failed, at: .now)
        batch.append((next.event, next.time ?? index.firstTime ?? 0))
    }

    func flush(_ batch: inout [(event: StreamEvent, receivedAt: Int64)]) async {
        guard !batch.isEmpty else { return }
        await consumer.replay(batch)
        batch.removeAll(keepingCapacity: true)
    }
}
