import Foundation

/// Replays recorded raw frames through the same decoder and event sequence as a live stream.
///
/// Reads one or more files in order. Frames are separated by a delimiter: newlines (the
/// ``StreamRecorder`` format `<ms>\t<frame>`, or plain one frame per line) or `;;` as other
/// recorders write. Pacing: as fast as possible, real time, or ×N, using the recorded receive
/// times or else the events' own `E`. Gzip-compressed files (recognised by their magic bytes,
/// whatever their name) are decompressed as they are read.
///
/// ```swift
/// let client = StreamClient(replay: ReplaySource(paths: ["btc.rec"], pacing: .speed(10)))
/// let trades = client.aggregateTrades()      // the same feeds as live
/// group.addTask { try await client.run() }   // returns when the files are done
/// ```
public struct ReplaySource: Sendable {
    /// How fast to replay.
    public enum Pacing: Sendable, Hashable {
        case asFastAsPossible
        case realTime
        case speed(Double)
    }

    /// Frame separator.
    public enum Delimiter: Sendable, Hashable {
        /// `;;` if the file contains it, else newlines.
        case automatic
        case newline
        case custom(String)
    }

    /// Files, replayed in order.
    public let paths: [String]
    /// Pacing.
    public let pacing: Pacing
    /// Separator.
    public let delimiter: Delimiter
    /// Counters, as a live stream keeps them.
    public let counters = StreamCounters()

    /// Creates a replay.
    public init(paths: [String], delimiter: Delimiter = .automatic, pacing: Pacing = .asFastAsPossible) {
        self.paths = paths
        self.delimiter = delimiter
        self.pacing = pacing
    }

    /// Every frame of the files, with its recorded receive time when there is one (read into
    /// memory: for tests and small files; ``StreamClient/init(replay:bufferLimit:)`` streams).
    public func frames() async throws -> [(receivedAt: Int64?, text: String)] {
        var out: [(Int64?, String)] = []
        try await forEachFrame { out.append(($0, $1)) }
        return out
    }

    /// Reads the files in order, a chunk at a time (constant memory whatever their size), and
    /// hands each frame to `body` (``ReplayFrameReader``).
    func forEachFrame(_ body: (Int64?, String) async throws -> Void) async throws {
        for path in paths {
            let reader = try ReplayFrameReader(path: path, delimiter: delimiter)
            while let frame = try reader.next() { try await body(frame.receivedAt, frame.text) }
        }
    }

    /// Plays the files into `hub`: a connected state, the frames' events in batches (waiting,
    /// never dropping, while an iterated feed is backlogged), then a stopped state.
    func play(into hub: EventHub) async {
        let id = ConnectionID(shard: 0, generation: 1)
        hub.state(ConnectionUpdate(connection: id, state: .connected))
        let decoder = EventDecoder()
        var batch: [StreamEvent] = []
        var firstTime: Int64?
        let started = ContinuousClock.now
        let factor = self.factor
        func flush() async throws {
            hub.deliver(batch)
            batch.removeAll(keepingCapacity: true)
            // Waits (woken by the readers, no polling) while an iterated feed is backlogged; a
            // feed nobody iterates never holds the replay.
            await hub.fanOut.waitWhileBacklogged()
            try Task.checkCancellation()
        }
        do {
            try await forEachFrame { receivedAt, text in
                try Task.checkCancellation()
                hub.counters.add(frames: 1, bytes: text.utf8.count, decodeErrors: 0, at: .now)
                let message: StreamMessage
                do throws(DecodingFailure) {
                    message = try decoder.decode(text)
                } catch {
                    hub.counters.decodeError()
                    batch.append(.decodeFailure(error))
                    return
                }
                if !message.skippedElements.isEmpty {
                    hub.counters.add(frames: 0, bytes: 0, decodeErrors: 0, skippedElements: message.skippedElements.count,
                                     at: .now)
                }
                if let factor, let time = receivedAt ?? message.event.firstEventTime {
                    let origin = firstTime ?? time
                    firstTime = origin
                    // Times come from the file: a gap past a year (or an overflowing one) is taken as a year.
                    let (gap, overflow) = time.subtractingReportingOverflow(origin)
                    let wait = overflow ? Self.longestGapMs : min(gap, Self.longestGapMs)
                    let due = started + .milliseconds(Double(wait) / factor)
                    if due > .now {
                        try await flush()
                        try await Task.sleep(until: due)
                    }
                }
                batch.append(.message(message))
                if batch.count >= 256 { try await flush() }
            }
            try await flush()
            hub.state(ConnectionUpdate(connection: id, state: .stopped))
        } catch is CancellationError {
            hub.deliver(batch)
            hub.state(ConnectionUpdate(connection: id, state: .stopped))
        } catch {
            hub.deliver(batch)
            hub.state(ConnectionUpdate(connection: id, state: .disconnected(reason: "replay failed: \(error)")))
            hub.state(ConnectionUpdate(connection: id, state: .stopped))
        }
    }

    private var factor: Double? {
        switch pacing {
        case .asFastAsPossible: nil
        case .realTime: 1
        // At least ×0.001 (a smaller or non-finite speed would make every wait unrepresentable).
        case .speed(let x): x > 0 && x.isFinite ? max(x, 0.001) : nil
        }
    }

    /// The longest wait between two recorded frames, in recorded milliseconds (a year).
    static let longestGapMs: Int64 = 365 * 86_400_000
}

extension AsterEvent {
    /// The event time of the event (or its first element), when it has one.
    public var firstEventTime: Int64? {
        switch self {
        case .aggregateTrade(let e): e.eventTime
        case .markPrice(let e): e.eventTime
        case .markPrices(let v): v.first?.eventTime
        case .kline(let e): e.eventTime
        case .miniTicker(let e): e.eventTime
        case .miniTickers(let v): v.first?.eventTime
        case .ticker(let e): e.eventTime
        case .tickers(let v): v.first?.eventTime
        case .bookTicker(let e): e.eventTime
        case .liquidation(let e): e.eventTime
        case .depth(let e): e.eventTime
        case .tradePro(let e): e.eventTime
        case .listenKeyExpired(let e): e.eventTime
        case .marginCall(let e): e.eventTime
        case .accountUpdate(let e): e.eventTime
        case .orderTradeUpdate(let e): e.eventTime
        case .accountConfigUpdate(let e): e.eventTime
        case .announcement(let e): e.eventTime
        case .batch(let v): v.first?.firstEventTime
        case .subscriptionReply, .serverError, .unknown: nil
        }
    }
}

/// Why a replay file could not be read.
public enum ReplayError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The file starts like gzip but does not decompress.
    case corruptGzip(path: String, reason: String)
    /// The file cannot be opened.
    case unreadable(path: String)

    public var description: String {
        switch self {
        case .corruptGzip(let path, let reason): "\(path): not valid gzip (\(reason))"
        case .unreadable(let path): "\(path): cannot be opened"
        }
    }
}

/// CRC-32 (IEEE 802.3, as gzip uses), table driven.
enum CRC32 {
    static let table: [UInt32] = (0..<256).map { n in
        (0..<8).reduce(UInt32(n)) { c, _ in c & 1 == 1 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
    }

    static func checksum<C: Collection>(_ bytes: C) -> UInt32 where C.Element == UInt8 {
        ~update(~UInt32(0), bytes)
    }

    /// Continues a running (inverted) CRC over more bytes.
    static func update<C: Collection>(_ crc: UInt32, _ bytes: C) -> UInt32 where C.Element == UInt8 {
        bytes.reduce(crc) { c, b in table[Int((c ^ UInt32(b)) & 0xff)] ^ (c >> 8) }
    }
}
