import Foundation

/// Where a replay can start without reading what comes before: one checkpoint (recorded time,
/// byte offset, frame number) every ``spacing`` ms of recorded time.
///
/// Built by one scan of the recording (receive times are read from the `<ms>\t` prefixes;
/// recordings without them, one frame per line as older recorders wrote, are decoded for their
/// events' `E`), then kept next to it as `FILE.idx` (``open(for:spacing:)``) so the next open
/// reads it instead. The recording's format is unchanged: every recording plays, with or without
/// an index.
///
/// Times are made monotonic: a frame's time is the latest time seen up to it, so "the
/// recording at time T" is one place in the file.
///
/// ```swift
/// let (index, note) = try ReplayIndex.open(for: "btc.rec")   // note: why it was rebuilt, if it was
/// let start = index.checkpoint(atOrBefore: index.lastTime - 60_000)
/// ```
public struct ReplayIndex: Sendable, Hashable {
    /// A place a replay can start from.
    public struct Checkpoint: Sendable, Hashable {
        /// The recorded time (ms) of the frame here (monotonic).
        public var time: Int64
        /// The frame's byte offset (in the decompressed data of a gzip recording).
        public var offset: Int64
        /// The frame's number, from 0.
        public var frame: Int

        /// Creates a checkpoint.
        public init(time: Int64, offset: Int64, frame: Int) {
            self.time = time
            self.offset = offset
            self.frame = frame
        }
    }

    /// Checkpoints in file order; the first is the file's start.
    public var checkpoints: [Checkpoint]
    /// Frames in the recording.
    public var frames: Int
    /// The first and last recorded times (ms); `nil` when no frame has a time.
    public var firstTime: Int64?
    public var lastTime: Int64?
    /// Recorded ms between checkpoints.
    public var spacing: Int64
    /// The recording's size and modification time (ms) when indexed: a changed file is re-indexed.
    public var sourceSize: Int64
    public var sourceModified: Int64
    /// Why the recording could not be read to its end (a damaged gzip file): the index covers
    /// the frames before. Such an index is never saved.
    public var problem: String?

    /// Creates an index (``build(path:delimiter:spacing:)`` makes one from a recording).
    public init(checkpoints: [Checkpoint], frames: Int, firstTime: Int64?, lastTime: Int64?, spacing: Int64,
                sourceSize: Int64, sourceModified: Int64) {
        self.checkpoints = checkpoints
        self.frames = frames
        self.firstTime = firstTime
        self.lastTime = lastTime
        self.spacing = spacing
        self.sourceSize = sourceSize
        self.sourceModified = sourceModified
    }

    /// The checkpoint spacing used unless told otherwise (10 s of recorded time).
    public static let defaultSpacing: Int64 = 10_000

    /// The index file kept next to a recording.
    public static func sidecarPath(for path: String) -> String { path + ".idx" }

    /// The last checkpoint at or before `time` (the first when `time` is before it).
    public func checkpoint(atOrBefore time: Int64) -> Int {
        var lo = 0
        var hi = checkpoints.count - 1
        guard hi > 0 else { return 0 }
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if checkpoints[mid].time <= time { lo = mid } else { hi = mid - 1 }
        }
        return lo
    }

    /// The time a replay takes for a frame: its receive time, else its event's `E`, else none.
    public static func time(of frame: ReplayFrame, decoder: EventDecoder = EventDecoder()) -> Int64? {
        if let t = frame.receivedAt { return t }
        return (try? decoder.decode(frame.text))?.event.firstEventTime
    }

    /// Scans `path` once.
    ///
    /// - Parameters:
    ///   - path: the recording.
    ///   - delimiter: its frame separator.
    ///   - spacing: recorded ms between checkpoints (at least 1).
    /// - Throws: ``ReplayError`` when the recording cannot be read to its end.
    public static func build(path: String, delimiter: ReplaySource.Delimiter = .automatic,
                             spacing: Int64 = defaultSpacing) throws -> ReplayIndex {
        let (size, modified) = try sourceStamp(path)
        let reader = try ReplayFrameReader(path: path, delimiter: delimiter)
        let decoder = EventDecoder()
        var checkpoints = [Checkpoint(time: 0, offset: 0, frame: 0)]
        var frames = 0
        var latest: Int64?
        var first: Int64?
        let spacing = max(1, spacing)
        var problem: String?
        while true {
            let frame: ReplayFrame
            do {
                guard let next = try reader.next() else { break }
                frame = next
            } catch {
                // A damaged end (a cut gzip file): the frames before it still play.
                guard frames > 0 else { throw error }
                problem = "\(error)"
                break
            }
            if let t = time(of: frame, decoder: decoder) { latest = max(latest ?? t, t) }
            if let now = latest {
                if first == nil {
                    first = now
                    checkpoints[0].time = now
                }
                let last = checkpoints[checkpoints.count - 1]
                let (gap, overflow) = now.subtractingReportingOverflow(last.time)
                if frames > 0 && (overflow || gap >= spacing) {
                    checkpoints.append(Checkpoint(time: now, offset: frame.offset, frame: frames))
                }
            }
            frames += 1
        }
        var index = ReplayIndex(checkpoints: checkpoints, frames: frames, firstTime: first, lastTime: latest, spacing: spacing,
                                sourceSize: size, sourceModified: modified)
        index.problem = problem
        return index
    }

    /// A recording's size and modification time (ms).
    static func sourceStamp(_ path: String) throws(ReplayError) -> (Int64, Int64) {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
              let size = (attributes[.size] as? NSNumber)?.int64Value else {
            throw ReplayError.unreadable(path: path)
        }
        let modified = (attributes[.modificationDate] as? Date).map { Int64(($0.timeIntervalSince1970 * 1000).rounded()) } ?? 0
        return (size, modified)
    }

    /// The index of `path`: read from `FILE.idx` when it is there and matches the recording,
    /// else built and written there (a directory that cannot be written keeps it in memory).
    ///
    /// - Returns: the index, and a note saying why it was built anew (`nil` when read, or when
    ///   there was none yet) or why it could not be saved.
    /// - Throws: ``ReplayError`` only when the recording itself cannot be read.
    public static func open(for path: String, delimiter: ReplaySource.Delimiter = .automatic,
                            spacing: Int64 = defaultSpacing) throws -> (index: ReplayIndex, note: String?) {
        let sidecar = sidecarPath(for: path)
        var note: String?
        if FileManager.default.fileExists(atPath: sidecar) {
            do {
                let index = try read(from: sidecar, source: path)
                if index.spacing == max(1, spacing) { return (index, nil) }
            } catch {
                note = "\(error); rebuilt"
            }
        }
        let index = try build(path: path, delimiter: delimiter, spacing: spacing)
        if let problem = index.problem { return (index, (note.map { $0 + "; " } ?? "") + problem) }
        do { try index.write(to: sidecar) } catch {
            note = (note.map { $0 + "; " } ?? "") + "index not saved: \(error)"
        }
        return (index, note)
    }
}
