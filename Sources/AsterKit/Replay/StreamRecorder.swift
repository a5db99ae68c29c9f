import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes every received raw frame, with its receive time, to a file for later replay.
///
/// One frame per line: `<receive time in ms>\t<frame>`. Files rotate at `maxBytes`
/// (`name` → `name.1` → `name.2` …, keeping `keep`). Listen keys and other secrets are redacted
/// before anything is written (``Redaction``).
///
/// Lines are gathered in memory and written in blocks of `bufferBytes` (64 KiB by default), when a
/// second of receive time has passed since the last write, on ``flush()`` and on ``close()``: the
/// recorder costs a small fraction of what decoding the same frames costs.
///
/// ```swift
/// let recorder = try StreamRecorder(path: "btc.rec")
/// let client = StreamClient(base: "wss://fstream.asterdex.com", streams: [.aggTrade(symbol: "BTCUSDT")])
/// let frames = client.rawFrames()
/// // in a task of the client's task group:
/// for await frame in frames { recorder.record(frame) }
/// recorder.close()
/// ```
public final class StreamRecorder: Sendable {
    /// The file being written.
    public let path: String
    /// Size at which the file rotates.
    public let maxBytes: Int
    /// Rotated files kept.
    public let keep: Int
    /// Bytes gathered before a write.
    public let bufferBytes: Int

    private struct State {
        /// The open file, or -1 once closed (or if reopening after a rotation failed).
        var fd: Int32
        /// Bytes in the file, written or buffered.
        var bytes: Int
        var failures: Int
        var buffer: [UInt8]
        /// Receive time (ms) of the last write.
        var lastWrite: Int64
    }

    private let state: Mutex<State>

    /// Opens (appends to) `path`.
    ///
    /// - Parameters:
    ///   - path: the file; created (mode 0600) when missing.
    ///   - maxBytes: the size at which the file rotates.
    ///   - keep: rotated files kept.
    ///   - bufferBytes: bytes gathered in memory between writes.
    public init(path: String, maxBytes: Int = 256 << 20, keep: Int = 10, bufferBytes: Int = 64 << 10) throws {
        self.path = path
        self.maxBytes = max(1, maxBytes)
        self.keep = max(1, keep)
        self.bufferBytes = max(1, bufferBytes)
        let fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: path])
        }
        let size = lseek(fd, 0, SEEK_END)
        var buffer: [UInt8] = []
        buffer.reserveCapacity(self.bufferBytes + 4096)
        state = Mutex(State(fd: fd, bytes: Int(max(0, size)), failures: 0, buffer: buffer, lastWrite: 0))
    }

    deinit {
        close()
    }

    /// Records one frame.
    public func record(_ frame: String, receivedAt ms: Int64) {
        var frame = frame
        frame.withUTF8 { bytes in
            state.withLock { s in append(bytes, receivedAt: ms, to: &s) }
        }
    }

    /// Records one raw frame as the client received it.
    public func record(_ frame: RawFrame) {
        record(frame.text, receivedAt: frame.receivedAt)
    }

    /// Records frames in order, taking the lock once.
    public func record(contentsOf frames: some Sequence<RawFrame>) {
        state.withLock { s in
            for frame in frames {
                var text = frame.text
                text.withUTF8 { append($0, receivedAt: frame.receivedAt, to: &s) }
            }
        }
    }

    /// Frames that could not be written (disk full, file gone), so far.
    public var writeFailures: Int { state.withLock { $0.failures } }

    /// Writes what is buffered.
    public func flush() {
        state.withLock { s in write(&s) }
    }

    /// Flushes and closes the file. Frames recorded afterwards are dropped quietly.
    public func close() {
        state.withLock { s in
            write(&s)
            if s.fd >= 0 { closeDescriptor(s.fd) }
            s.fd = -1
        }
    }

    private func append(_ frame: UnsafeBufferPointer<UInt8>, receivedAt ms: Int64, to s: inout State) {
        guard s.fd >= 0 else { return }  // closed: frames still arriving are not written
        let before = s.buffer.count
        Redaction.appendLine(time: ms, frame: frame, to: &s.buffer)
        let line = s.buffer.count - before
        if s.bytes > 0 && s.bytes + line > maxBytes {
            // The line goes to the next file: write what came before it, then rotate.
            let pending = Array(s.buffer[before...])
            s.buffer.removeSubrange(before...)
            write(&s)
            rotate(&s)
            s.buffer.append(contentsOf: pending)
        }
        s.bytes += line
        if s.buffer.count >= bufferBytes || ms - s.lastWrite >= 1_000 || ms < s.lastWrite {
            write(&s)
            s.lastWrite = ms
        }
    }

    /// Writes the buffer; a failed write (full disk, vanished file) is counted once per line lost.
    private func write(_ s: inout State) {
        guard s.fd >= 0, !s.buffer.isEmpty else {
            s.buffer.removeAll(keepingCapacity: true)
            return
        }
        let fd = s.fd
        let failed = s.buffer.withUnsafeBytes { !writeAll(fd, $0) }
        if failed { s.failures += s.buffer.reduce(0) { $0 + ($1 == UInt8(ascii: "\n") ? 1 : 0) } }
        s.buffer.removeAll(keepingCapacity: true)
    }

    private func rotate(_ s: inout State) {
        if s.fd >= 0 { closeDescriptor(s.fd) }
        s.fd = -1
        let fm = FileManager.default
        try? fm.removeItem(atPath: "\(path).\(keep)")
        for i in stride(from: keep - 1, through: 1, by: -1) where fm.fileExists(atPath: "\(path).\(i)") {
            try? fm.moveItem(atPath: "\(path).\(i)", toPath: "\(path).\(i + 1)")
        }
        try? fm.moveItem(atPath: path, toPath: "\(path).1")
        s.fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        s.bytes = 0
    }
}

private func closeDescriptor(_ fd: Int32) {
    _ = close(fd)
}

/// Writes every byte of `bytes` to `fd`, retrying after signals; `false` on an error.
private func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> Bool {
    guard let base = bytes.baseAddress else { return true }
    var offset = 0
    while offset < bytes.count {
        let n = write(fd, base + offset, bytes.count - offset)
        if n < 0 {
            if errno == EINTR { continue }
            return false
        }
        offset += n
    }
    return true
}
