import Foundation
import Logging
import Synchronization

/// A swift-log handler appending lines to a file, so nothing reaches the screen while it is active.
struct FileLogHandler: LogHandler {
    private final class Sink: Sendable {
        let handle: Mutex<FileHandle?>
        init(path: String) {
            if !FileManager.default.fileExists(atPath: path) { FileManager.default.createFile(atPath: path, contents: nil) }
            let handle = FileHandle(forWritingAtPath: path)
            _ = try? handle?.seekToEnd()
            self.handle = Mutex(handle)
        }
        func write(_ line: String) { handle.withLock { $0?.write(Data(line.utf8)) } }
    }

    private let sink: Sink?
    private let label: String
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .info

    /// Logs to `path`, or nowhere when `path` is nil.
    init(label: String, path: String?) {
        self.label = label
        sink = path.map { Sink(path: $0) }
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(level: Logger.Level, message: Logger.Message, metadata: Logger.Metadata?, source: String, file: String,
             function: String, line: UInt) {
        guard let sink else { return }
        let all = self.metadata.merging(metadata ?? [:]) { $1 }
        let extra = all.isEmpty ? "" : " " + all.map { "\($0)=\($1)" }.sorted().joined(separator: " ")
        sink.write("\(Date()) \(level) \(label): \(message)\(extra)\n")
    }
}
