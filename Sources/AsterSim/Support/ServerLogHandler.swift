import Logging

/// The log handler the simulator's HTTP servers log through: everything goes to `inner` except
/// HummingbirdCore's report that its accept loop was cancelled.
///
/// The simulator stops by task cancellation (the dashboard quitting, a test ending, `aster-tui
/// sim` interrupted). HummingbirdCore then logs `Waiting on child channel: CancellationError()` at
/// error level although nothing went wrong: that one record is dropped, so a normal stop logs no
/// error. Any other error, including other failures of the accept loop, is logged as before.
struct ServerLogHandler: LogHandler {
    var inner: any LogHandler

    var logLevel: Logger.Level {
        get { inner.logLevel }
        set { inner.logLevel = newValue }
    }

    var metadata: Logger.Metadata {
        get { inner.metadata }
        set { inner.metadata = newValue }
    }

    var metadataProvider: Logger.MetadataProvider? {
        get { inner.metadataProvider }
        set { inner.metadataProvider = newValue }
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { inner[metadataKey: key] }
        set { inner[metadataKey: key] = newValue }
    }

    func log(event: LogEvent) {
        guard !Self.isCancelledAcceptLoop(event.message.description) else { return }
        inner.log(event: event)
    }

    /// `true` for the record HummingbirdCore writes when its accept loop ends by cancellation.
    static func isCancelledAcceptLoop(_ message: String) -> Bool {
        message.hasPrefix("Waiting on child channel:") && message.contains("CancellationError")
    }
}

extension Logger {
    /// This logger, minus the accept-loop cancellation record (see ``ServerLogHandler``).
    var forServer: Logger {
        var copy = self
        copy.handler = ServerLogHandler(inner: handler)
        return copy
    }
}

extension SimServer {
    /// `logger` as the simulator's HTTP servers use it (see ``ServerLogHandler``).
    public static func serverLogger(_ logger: Logger) -> Logger { logger.forServer }
}
