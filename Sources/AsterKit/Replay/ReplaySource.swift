import CompressNIO
import Foundation
import NIOCore

/// Replays recorded raw frames through the same decoder and event sequence as a live stream.
///
/// Reads one or more files in order. Frames are separated by a delimiter: newlines (the
/// ``StreamRecorder`` format `<ms>\t<frame>`, or plain one frame per line) or `;;` as other
/// recorders write. Pacing: as fast as possible, real time, or ×N, using the recorded receive
/// times or else the events' own `E`. Gzip-compressed files (recognised by their magic bytes,
/// whatever their name) are decompressed as they are read.
///
/// ```swift
/// let replay = ReplaySource(paths: ["btc.rec"], pacing: .speed(10))
/// for await event in replay.events() { … }   // the same StreamEvent values a MarketStream gives
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

    /// Every frame of the files, with its recorded receive time when there is one.
    public func frames() throws -> [(receivedAt: Int64?, text: String)] {
        var out: [(Int64?, String)] = []
        for path in paths {
            let text = try Self.readText(path)
            let separator: String
            switch delimiter {
            case .newline: separator = "\n"
            case .custom(let s): separator = s
            case .automatic: separator = text.contains(";;") ? ";;" : "\n"
            }
            for raw in text.components(separatedBy: separator) {
                let piece = raw.trimmingCharacters(in: .whitespacesAndNewlines)
                guard !piece.isEmpty else { continue }
                if let tab = piece.firstIndex(of: "\t"), let ms = Int64(piece[..<tab]) {
                    out.append((ms, String(piece[piece.index(after: tab)...])))
                } else {
                    out.append((nil, piece))
                }
            }
        }
        return out
    }

    /// A file's text, gunzipped when it starts with gzip's magic bytes.
    static func readText(_ path: String) throws -> String {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        guard data.count >= 2, data[data.startIndex] == 0x1f, data[data.startIndex + 1] == 0x8b else {
            return String(decoding: data, as: UTF8.self)
        }
        var compressed = ByteBuffer(bytes: data)
        let plain: ByteBuffer
        do {
            plain = try compressed.decompress(with: .gzip())
        } catch {
            throw ReplayError.corruptGzip(path: path, reason: "\(error)")
        }
        // zlib stops quietly at the end of a truncated file: the trailer (CRC-32 and size of the
        // data) is what proves the whole recording is there.
        guard data.count >= 18 else { throw ReplayError.corruptGzip(path: path, reason: "too short") }
        let trailer = data.suffix(8).withUnsafeBytes { Array($0) }
        func le32(_ at: Int) -> UInt32 { (0..<4).reduce(UInt32(0)) { $0 | UInt32(trailer[at + $1]) << (8 * UInt32($1)) } }
        let bytes = plain.readableBytesView
        guard le32(4) == UInt32(truncatingIfNeeded: bytes.count), le32(0) == CRC32.checksum(bytes) else {
            throw ReplayError.corruptGzip(path: path, reason: "truncated or damaged (CRC-32 or length mismatch)")
        }
        return String(buffer: plain)
    }

    /// The replayed events: `.state(.connected)`, the frames' messages (or decode failures),
    /// then `.state(.stopped)`.
    public func events() -> AsyncStream<StreamEvent> {
        let (stream, continuation) = AsyncStream.makeStream(of: StreamEvent.self, bufferingPolicy: .unbounded)
        let task = Task { [self] in
            do {
                let frames = try self.frames()
                continuation.yield(.state(.connected))
                let decoder = EventDecoder()
                var firstTime: Int64?
                let started = ContinuousClock.now
                for frame in frames {
                    if Task.isCancelled { break }
                    counters.frame(bytes: frame.text.utf8.count, at: .now)
                    let message: StreamMessage
                    do throws(DecodingFailure) {
                        message = try decoder.decode(frame.text)
                    } catch {
                        counters.decodeError()
                        continuation.yield(.decodeFailure(error))
                        continue
                    }
                    if let factor = factor, let time = frame.receivedAt ?? message.event.firstEventTime {
                        let origin = firstTime ?? time
                        firstTime = origin
                        let due = started + .milliseconds(Double(time - origin) / factor)
                        if due > .now { try? await Task.sleep(until: due) }
                    }
                    continuation.yield(.message(message))
                }
                continuation.yield(.state(.stopped))
            } catch {
                continuation.yield(.state(.disconnected(reason: "replay failed: \(error)")))
                continuation.yield(.state(.stopped))
            }
            continuation.finish()
        }
        continuation.onTermination = { _ in task.cancel() }
        return stream
    }

    private var factor: Double? {
        switch pacing {
        case .asFastAsPossible: nil
        case .realTime: 1
        case .speed(let x): x > 0 ? x : nil
        }
    }
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

    public var description: String {
        switch self {
        case .corruptGzip(let path, let reason): "\(path): not valid gzip (\(reason))"
        }
    }
}

/// CRC-32 (IEEE 802.3, as gzip uses), table driven.
enum CRC32 {
    static let table: [UInt32] = (0..<256).map { n in
        (0..<8).reduce(UInt32(n)) { c, _ in c & 1 == 1 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
    }

    static func checksum<C: Collection>(_ bytes: C) -> UInt32 where C.Element == UInt8 {
        ~bytes.reduce(~UInt32(0)) { c, b in table[Int((c ^ UInt32(b)) & 0xff)] ^ (c >> 8) }
    }
}
