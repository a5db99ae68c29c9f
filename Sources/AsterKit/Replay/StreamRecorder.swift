import Foundation
import Synchronization

/// Writes every received raw frame, with its receive time, to a file for later replay.
///
/// One frame per line: `<receive time in ms>\t<frame>`. Files rotate at `maxBytes`
/// (`name` → `name.1` → `name.2` …, keeping `keep`). Listen keys and other secrets are redacted
/// before anything is written.
///
/// ```swift
/// let recorder = try StreamRecorder(path: "btc.rec")
/// let stream = MarketStream(url: url, configuration: StreamConfiguration(recorder: recorder))
/// ```
public final class StreamRecorder: Sendable {
    /// The file being written.
    public let path: String
    /// Size at which the file rotates.
    public let maxBytes: Int
    /// Rotated files kept.
    public let keep: Int
    /// The open file (`nil` once closed or if reopening after a rotation failed) and its size.
    private let state: Mutex<(handle: FileHandle?, bytes: Int, failures: Int)>

    /// Opens (appends to) `path`.
    public init(path: String, maxBytes: Int = 256 << 20, keep: Int = 10) throws {
        self.path = path
        self.maxBytes = maxBytes
        self.keep = keep
        if !FileManager.default.fileExists(atPath: path) {
            guard FileManager.default.createFile(atPath: path, contents: nil) else {
                throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: path])
            }
        }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        let size = try handle.seekToEnd()
        state = Mutex((handle, Int(size), 0))
    }

    /// Records one frame.
    public func record(_ frame: String, receivedAt ms: Int64) {
        let clean = Redaction.redact(frame).replacingOccurrences(of: "\n", with: " ")
        let line = Data("\(ms)\t\(clean)\n".utf8)
        state.withLock { s in
            guard s.handle != nil else { return }   // closed: frames still arriving are not written
            if s.bytes + line.count > maxBytes && s.bytes > 0 { rotate(&s) }
            // The throwing write: a full disk or a vanished file is counted, never a crash.
            do {
                try s.handle?.write(contentsOf: line)
                s.bytes += line.count
            } catch {
                s.failures += 1
            }
        }
    }

    /// Frames that could not be written (disk full, file gone), so far.
    public var writeFailures: Int { state.withLock { $0.failures } }

    private func rotate(_ s: inout (handle: FileHandle?, bytes: Int, failures: Int)) {
        try? s.handle?.close()
        s.handle = nil
        let fm = FileManager.default
        try? fm.removeItem(atPath: "\(path).\(keep)")
        for i in stride(from: keep - 1, through: 1, by: -1) where fm.fileExists(atPath: "\(path).\(i)") {
            try? fm.moveItem(atPath: "\(path).\(i)", toPath: "\(path).\(i + 1)")
        }
        try? fm.moveItem(atPath: path, toPath: "\(path).1")
        fm.createFile(atPath: path, contents: nil)
        if let handle = try? FileHandle(forWritingTo: URL(fileURLWithPath: path)) { s.handle = handle }
        s.bytes = 0
    }

    /// Flushes and closes the file.
    public func close() {
        state.withLock { s in
            try? s.handle?.close()
            s.handle = nil
        }
    }
}

/// Removes secrets from text before it is stored or shown.
public enum Redaction {
    /// JSON keys whose string values are secrets.
    public static let secretKeys = ["listenKey", "signature", "apiKey", "secret", "privateKey", "signerKey"]

    /// `text` with the values of secret keys replaced by `"<redacted>"`.
    public static func redact(_ text: String) -> String {
        guard secretKeys.contains(where: { text.contains($0) }) else { return text }
        var out = text
        for key in secretKeys {
            var searchStart = out.startIndex
            while let range = out.range(of: "\"\(key)\"", range: searchStart..<out.endIndex) {
                guard let colon = out[range.upperBound...].firstIndex(where: { !$0.isWhitespace }), out[colon] == ":",
                      let open = out[out.index(after: colon)...].firstIndex(where: { !$0.isWhitespace }), out[open] == "\"",
                      let close = out[out.index(after: open)...].firstIndex(of: "\"")
                else {
                    searchStart = range.upperBound
                    continue
                }
                out.replaceSubrange(out.index(after: open)..<close, with: "<redacted>")
                searchStart = out.index(open, offsetBy: 12, limitedBy: out.endIndex) ?? out.endIndex
            }
        }
        return out
    }
}
