import AsterKit
import AsterSim
import AsterTestSupport
import Logging
import Testing

/// Keeps every record logged through it.
struct CapturingLogHandler: LogHandler {
    let records: Collected<(level: Logger.Level, message: String)>
    var logLevel: Logger.Level = .trace
    var metadata: Logger.Metadata = [:]
    var metadataProvider: Logger.MetadataProvider?

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        records.append((event.level, event.message.description))
    }
}

@Suite("Simulator stop", .serialized, .timeLimit(.minutes(2)))
struct CleanShutdownTests {
    @Test("a simulator stopped by cancellation, with a client connected, logs no error")
    func cancelledStopLogsNoError() async throws {
        let records = Collected<(level: Logger.Level, message: String)>()
        let logger = Logger(label: "sim-test") { _ in CapturingLogHandler(records: records) }
        try await withSimulator(SimConfiguration(seed: 3, rate: 2_000, logger: logger)) { _, port in
            let client = StreamClient(base: "ws://127.0.0.1:\(port)", streams: [.aggTrade(symbol: "btcusdt")])
            let trades = client.aggregateTrades()
            try await withRunning(client) {
                var it = trades.makeAsyncIterator()
                _ = await it.next()
            }
        }
        let errors = records.all.filter { $0.level >= .error }.map(\.message)
        #expect(errors.isEmpty, "\(errors)")
    }

    @Test("only the accept loop's cancellation record is dropped; other errors are logged")
    func onlyTheCancellationRecordIsDropped() {
        let records = Collected<(level: Logger.Level, message: String)>()
        let logger = SimServer.serverLogger(Logger(label: "t") { _ in CapturingLogHandler(records: records) })
        logger.error("Waiting on child channel: CancellationError()")
        logger.error("Waiting on child channel: ChannelError.ioOnClosedChannel")
        logger.error("Server shutdown error: boom")
        let messages = records.all.map(\.message)
        #expect(messages == ["Waiting on child channel: ChannelError.ioOnClosedChannel", "Server shutdown error: boom"])
    }
}
