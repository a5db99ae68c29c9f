import Logging
import Synchronization

/// A logger whose lines (`level message key=value …`) a test can read back.
public final class CapturedLog: Sendable {
    public init() {}

    private let store = Mutex<[String]>([])

    /// Every line logged so far.
    public var lines: [String] { store.withLock { $0 } }

    /// A logger writing here.
    public var logger: Logger {
        var logger = Logger(label: "captured") { _ in Handler(log: self) }
        logger.logLevel = .trace
        return logger
    }

    public func append(_ line: String) { store.withLock { $0.append(line) } }

    struct Handler: LogHandler {
        let log: CapturedLog
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(level: Logger.Level, message: Logger.Message, metadata: Logger.Metadata?, source: String, file: String,
                 function: String, line: UInt) {
            let all = self.metadata.merging(metadata ?? [:]) { $1 }
            let fields = all.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
            log.append("\(level) \(message) \(fields)")
        }
    }
}
