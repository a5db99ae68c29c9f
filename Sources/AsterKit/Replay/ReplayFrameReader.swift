import CompressNIO
import Foundation
import NIOCore

/// One recorded frame as a replay reads it.
public struct ReplayFrame: Sendable, Hashable {
    /// Where the frame starts in the recording's (decompressed) bytes: a replay can start here.
    public var offset: Int64
    /// The recorded receive time (ms), when the line has one (`<ms>\t<frame>`).
    public var receivedAt: Int64?
    /// The frame's text.
    public var text: String
}

/// Reads a recording's frames one at a time from any frame's offset, a chunk at a time
/// (constant memory whatever the file's size), gunzipping files that start with gzip's magic
/// bytes. Not shared between tasks: one reader per replay.
///
/// The one mechanism every replay reads with (``ReplaySource`` plays it through, ``ReplayIndex``
/// scans it, ``ReplayPlayer`` seeks in it).
///
/// ```swift
/// let reader = try ReplayFrameReader(path: "btc.rec")
/// while let frame = try reader.next() { print(frame.offset, frame.text) }
/// try reader.seek(to: offset)   // an offset a frame was read at, or an index checkpoint's
/// ```
public final class ReplayFrameReader {
    /// The file read.
    public let path: String
    /// The separator in use (detected from the file's start with ``ReplaySource/Delimiter/automatic``).
    public private(set) var separator: [UInt8]
    /// The file is gzip-compressed (offsets count decompressed bytes).
    public private(set) var gzip = false

    private var chunks: ChunkSource
    private var pending: [UInt8] = []
    private var start = 0
    private var scanned = 0
    /// The data offset of `pending[0]`.
    private var base: Int64 = 0
    private var atEnd = false

    /// Opens `path`.
    ///
    /// - Throws: ``ReplayError/unreadable(path:)`` when it cannot be opened, ``ReplayError/corruptGzip(path:reason:)``.
    public init(path: String, delimiter: ReplaySource.Delimiter = .automatic) throws {
        self.path = path
        chunks = try ChunkSource(path: path)
        gzip = chunks.gzip
        let first = try chunks.next() ?? []
        switch delimiter {
        case .newline: separator = [UInt8(ascii: "\n")]
        case .custom(let s): separator = s.isEmpty ? [UInt8(ascii: "\n")] : Array(s.utf8)
        case .automatic:
            let sample = first.prefix(1 << 16)
            let semicolons = sample.indices.dropLast().contains { sample[$0] == UInt8(ascii: ";") && sample[$0 + 1] == UInt8(ascii: ";") }
            separator = semicolons ? Array(";;".utf8) : [UInt8(ascii: "\n")]
        }
        pending = first
        atEnd = first.isEmpty
    }

    /// Goes back (or forward) to a frame's offset: the next ``next()`` returns the frame there.
    public func seek(to offset: Int64) throws {
        if offset >= base && offset <= base + Int64(pending.count) {
            start = Int(offset - base)
            scanned = start
            return
        }
        if !gzip, offset >= 0 {
            try chunks.seek(to: offset)
        } else {
            chunks = try ChunkSource(path: path)
            var skipped: Int64 = 0
            while let chunk = try chunks.next() {
                if skipped + Int64(chunk.count) > offset {
                    pending = Array(chunk[Int(offset - skipped)...])
                    base = offset
                    start = 0
                    scanned = 0
                    atEnd = false
                    return
                }
                skipped += Int64(chunk.count)
            }
        }
        pending = []
        base = max(0, offset)
        start = 0
        scanned = 0
        atEnd = false
    }

    /// The next frame, or `nil` at the end of the file. Blank pieces are skipped.
    public func next() throws -> ReplayFrame? {
        while true {
            guard let range = try nextPiece() else { return nil }
            if let parsed = Self.frame(pending[range], offset: base + Int64(range.lowerBound)) { return parsed }
        }
    }

    private func nextPiece() throws -> Range<Int>? {
        let sep = separator
        let first = sep[0]
        while true {
            var i = scanned
            let n = pending.count - sep.count
            while i <= n {
                if pending[i] == first && (sep.count == 1 || pending[i..<(i + sep.count)].elementsEqual(sep)) {
                    let range = start..<i
                    start = i + sep.count
                    scanned = start
                    return range
                }
                i += 1
            }
            scanned = max(start, pending.count - sep.count + 1)
            if atEnd {
                guard start < pending.count else { return nil }
                let range = start..<pending.count
                start = pending.count
                scanned = start
                return range
            }
            if let chunk = try chunks.next() {
                if start > 0 {
                    pending.removeFirst(start)
                    base += Int64(start)
                    scanned -= start
                    start = 0
                }
                pending.append(contentsOf: chunk)
            } else {
                atEnd = true
            }
        }
    }

    /// A piece as a frame: ASCII whitespace trimmed, an `<ms>\t` prefix taken as the receive time.
    static func frame(_ piece: ArraySlice<UInt8>, offset: Int64) -> ReplayFrame? {
        func space(_ b: UInt8) -> Bool { b == 0x20 || b == 0x0a || b == 0x0d || b == 0x09 || b == 0x0b || b == 0x0c }
        var lo = piece.startIndex
        var hi = piece.endIndex
        while lo < hi && space(piece[lo]) { lo += 1 }
        while hi > lo && space(piece[hi - 1]) { hi -= 1 }
        guard lo < hi else { return nil }
        let trimmed = piece[lo..<hi]
        if let tab = trimmed.firstIndex(of: 0x09), let ms = parseInt(trimmed[lo..<tab]) {
            return ReplayFrame(offset: offset, receivedAt: ms, text: String(decoding: trimmed[(tab + 1)...], as: UTF8.self))
        }
        return ReplayFrame(offset: offset, receivedAt: nil, text: String(decoding: trimmed, as: UTF8.self))
    }

    /// A decimal integer (optional sign), or `nil` (empty, other bytes, or out of Int64's range).
    static func parseInt(_ bytes: ArraySlice<UInt8>) -> Int64? {
        var i = bytes.startIndex
        var negative = false
        if i < bytes.endIndex, bytes[i] == UInt8(ascii: "-") || bytes[i] == UInt8(ascii: "+") {
            negative = bytes[i] == UInt8(ascii: "-")
            i += 1
        }
        guard i < bytes.endIndex, bytes.endIndex - i <= 19 else { return nil }
        var value: Int64 = 0
        while i < bytes.endIndex {
            let d = bytes[i] &- UInt8(ascii: "0")
            guard d < 10 else { return nil }
            let (m, o1) = value.multipliedReportingOverflow(by: 10)
            let (s, o2) = m.addingReportingOverflow(Int64(d))
            guard !o1, !o2 else { return nil }
            value = s
            i += 1
        }
        return negative ? -value : value
    }
}

/// A file's bytes in chunks of about a megabyte, gunzipped when it starts with gzip's magic
/// bytes (and then its CRC-32 and length checked at the end).
private struct ChunkSource {
    let path: String
    let handle: FileHandle
    let gzip: Bool
    private var first: [UInt8]?
    private var decompressor: NIODecompressor?
    private var crc = ~UInt32(0)
    private var length: UInt32 = 0
    private var tail: [UInt8] = []
    private var finished = false
    static let chunkSize = 1 << 20

    init(path: String) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw ReplayError.unreadable(path: path) }
        self.path = path
        self.handle = handle
        let first = (try? handle.read(upToCount: Self.chunkSize)).map { [UInt8]($0) } ?? []
        gzip = first.count >= 2 && first[0] == 0x1f && first[1] == 0x8b
        self.first = first
        if gzip {
            let d = CompressionAlgorithm.gzip().decompressor
            d.window = ByteBufferAllocator().buffer(capacity: Self.chunkSize)
            do { try d.startStream() } catch { throw ReplayError.corruptGzip(path: path, reason: "\(error)") }
            decompressor = d
        }
    }

    /// Plain files only: continue from a byte offset.
    mutating func seek(to offset: Int64) throws {
        do { try handle.seek(toOffset: UInt64(offset)) } catch { throw ReplayError.unreadable(path: path) }
        first = nil
        finished = false
    }

    private mutating func read() throws -> [UInt8] {
        if let f = first {
            first = nil
            return f
        }
        do { return try handle.read(upToCount: Self.chunkSize).map { [UInt8]($0) } ?? [] } catch {
            throw ReplayError.unreadable(path: path)
        }
    }

    mutating func next() throws -> [UInt8]? {
        guard !finished else { return nil }
        guard let decompressor else {
            let bytes = try read()
            if bytes.isEmpty { finished = true }
            return bytes.isEmpty ? nil : bytes
        }
        while true {
            let input = try read()
            if input.isEmpty {
                finished = true
                do { try decompressor.finishStream() } catch { throw ReplayError.corruptGzip(path: path, reason: "\(error)") }
                // zlib stops quietly at the end of a truncated file: the trailer (CRC-32 and size of
                // the data) is what proves the whole recording is there.
                func le32(_ at: Int) -> UInt32 { (0..<4).reduce(UInt32(0)) { $0 | UInt32(tail[at + $1]) << (8 * UInt32($1)) } }
                guard tail.count == 8, le32(4) == length, le32(0) == ~crc else {
                    throw ReplayError.corruptGzip(path: path, reason: "truncated or damaged (CRC-32 or length mismatch)")
                }
                return nil
            }
            tail = Array((tail + input.suffix(8)).suffix(8))
            var buffer = ByteBuffer(bytes: input)
            var out: [UInt8] = []
            do {
                try buffer.decompressStream(with: decompressor) { window in out.append(contentsOf: window.readableBytesView) }
            } catch {
                throw ReplayError.corruptGzip(path: path, reason: "\(error)")
            }
            crc = CRC32.update(crc, out)
            length &+= UInt32(truncatingIfNeeded: out.count)
            if !out.isEmpty { return out }
        }
    }
}
