import ArgumentParser
import AsterKit
import ServiceLifecycle
import Foundation
import Logging

/// `aster-tui stream`: print the events of one or more market streams.
struct StreamCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stream",
        abstract: "Print live events of Aster market streams.",
        discussion: """
            Connects to the combined-stream endpoint and prints one line per event (an array
            payload gives one line per element). Examples:
              aster-tui stream btcusdt@aggTrade
              aster-tui stream --json --count 10 !ticker@arr ethusdt@depth20@100ms
              aster-tui stream --record btc.rec btcusdt@aggTrade     (then: aster-tui stream --replay btc.rec --speed 10)
              aster-tui stream --user --json      (your account's events; credentials from ASTER_API_KEY/ASTER_API_SECRET)
            """
    )

    @Option(help: "Websocket base URL.")
    var url: String = AsterEndpoint.productionWebSocket

    @Flag(help: "Print one JSON object per line (decimals as strings).")
    var json = false

    @Option(help: "Exit after printing N events.")
    var count: Int?

    @Option(help: "Exit after S seconds.")
    var timeout: Double?

    @Option(help: "Reconnect after this many seconds without a frame. Default: 60 s only for streams with a fixed cadence (mark price, partial depth, all-market tickers); quiet streams are watched by pings.")
    var staleTimeout: Double?

    @Option(help: "Record every received raw frame to FILE (rotates at 256 MiB; secrets redacted).")
    var record: String?

    @Option(help: "Replay recorded frames from FILE instead of connecting (repeat for several files).")
    var replay: [String] = []

    @Option(help: "Replay speed: 1 is real time, 10 is ten times faster; omitted, as fast as possible.")
    var speed: Double?

    @Flag(help: "Stream your account's user data events (listen key managed for you).")
    var user = false

    @Option(name: .customLong("rest-url"), help: "REST base URL (for --user).")
    var restURL: String = AsterEndpoint.productionREST

    @Option(help: "Read credentials from FILE (NAME=value lines, mode 0600) instead of the environment.")
    var credentials: String?

    @Argument(help: "Stream names, e.g. btcusdt@aggTrade, !ticker@arr, ethusdt@kline_1m.")
    var streams: [String] = []

    func validate() throws {
        if let speed, speed <= 0 { throw ValidationError("--speed must be positive.") }
        for file in replay where !FileManager.default.isReadableFile(atPath: file) {
            throw ValidationError("cannot read --replay file \(file)")
        }
        if !replay.isEmpty && record != nil { throw ValidationError("--record and --replay cannot be combined.") }
        if user {
            guard streams.isEmpty, replay.isEmpty else { throw ValidationError("--user takes no stream names and no --replay.") }
            guard restURL.hasPrefix("http://") || restURL.hasPrefix("https://") else {
                throw ValidationError("--rest-url must start with http:// or https://")
            }
            _ = try loadCredentials(file: credentials)
        }
        guard user || !streams.isEmpty || !replay.isEmpty else {
            throw ValidationError("Name at least one stream, e.g. btcusdt@aggTrade.")
        }
        for name in streams {
            do { _ = try StreamName(parsing: name) } catch { throw ValidationError(error.description) }
        }
        if let count, count <= 0 { throw ValidationError("--count must be a positive number.") }
        if let timeout, timeout <= 0 { throw ValidationError("--timeout must be a positive number of seconds.") }
        if let staleTimeout, staleTimeout <= 0 { throw ValidationError("--stale-timeout must be positive.") }
        guard url.hasPrefix("ws://") || url.hasPrefix("wss://") else {
            throw ValidationError("--url must start with ws:// or wss://")
        }
    }

    func run() async throws {
        let names = try streams.map { try StreamName(parsing: $0) }
        var logger = Logger(label: "aster-tui.stream")
        logger.logLevel = .error
        let recorder = try record.map { try StreamRecorder(path: $0) }
        defer { recorder?.close() }
        let configuration = StreamConfiguration(staleTimeout: staleTimeout.map { .milliseconds(Int64($0 * 1000)) })
        let service: any Service
        let feeds: any EventFeeds
        if user {
            let account = AccountClient(rest: RESTClient(baseURL: restURL), credentials: try loadCredentials(file: credentials))
            let stream = UserDataStream(account: account, webSocketBase: url, configuration: configuration, logger: logger)
            (service, feeds) = (stream, stream)
        } else if replay.isEmpty {
            // More than 200 streams are spread over several connections.
            let client = StreamClient(base: url, streams: names, configuration: configuration, logger: logger)
            (service, feeds) = (client, client)
        } else {
            let client = StreamClient(replay: ReplaySource(paths: replay, pacing: speed.map { .speed($0) } ?? .asFastAsPossible))
            (service, feeds) = (client, client)
        }
        let events = feeds.events(bufferLimit: 100_000)
        // The printer's iterator exists before the source starts: a replay then waits for it from
        // the first frame (a feed nobody iterates yet does not hold a replay back).
        let reader = events.makeAsyncIterator()
        let frameReader = recorder.map { _ in feeds.rawFrames(bufferLimit: 100_000).makeAsyncIterator() }
        let printer = EventPrinter(json: json, limit: count)
        // The service runs until the printer has what it wants (or the time is up), then stops:
        // its connections close and, for --user, the listen key is deleted before we exit. The
        // recorder is not cancelled with it: it writes every frame received until the service has
        // stopped (its feed then ends), so a recording holds what was printed and more.
        let outcome = try await withThrowingTaskGroup(of: StreamOutcome?.self) { outer in
            if var frames = frameReader, let recorder {
                outer.addTask {
                    while let frame = await frames.next() { recorder.record(frame) }
                    return nil
                }
            }
            outer.addTask {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { try await service.run() }
                    // The printer ends when it has printed --count lines or the source ends (a replay).
                    let outcome = await withTaskGroup(of: StreamOutcome.self) { race in
                        race.addTask { await printer.consume(reader) }
                        if let timeout {
                            race.addTask {
                                do { try await Task.sleep(for: .milliseconds(Int64(timeout * 1000))) } catch { return .ended }
                                return .timedOut
                            }
                        }
                        let first = await race.next() ?? .ended
                        race.cancelAll()
                        return first
                    }
                    group.cancelAll()
                    try await group.waitForAll()
                    return outcome
                }
            }
            var outcome = StreamOutcome.ended
            for try await result in outer { if let result { outcome = result } }
            return outcome
        }
        if let count, outcome != .reachedCount {
            let printed = await printer.printed
            Console.err("\(outcome == .timedOut ? "timed out" : "the source ended") with \(printed) of \(count) events\n")
            throw ExitCode.failure
        }
    }
}

enum StreamOutcome: Sendable { case reachedCount, ended, timedOut }

/// Prints events as they arrive; states, decode failures and skipped array elements go to standard error.
actor EventPrinter {
    let json: Bool
    let limit: Int?
    private(set) var printed = 0

    init(json: Bool, limit: Int?) {
        self.json = json
        self.limit = limit
    }

    /// Prints until `limit` lines or the feed's end. Lines are gathered and written once per batch of
    /// events (or per 64 KiB), so a busy feed costs one write per socket read, not one per line.
    func consume(_ reader: EventFeed<StreamEvent>.Iterator) async -> StreamOutcome {
        var output: [UInt8] = []
        output.reserveCapacity(Self.flushBytes + 4096)
        defer { if !output.isEmpty { Console.out(bytes: output) } }
        var writer = JSONWriter()
        var iterator = reader
        while let event = await iterator.next(isolation: self) {
            switch event {
            case .message(let message):
                for failure in message.skippedElements {
                    Console.err("# skipped array element: \(failure)\n")
                }
                if json {
                    // Straight from the writer's bytes into the output: no String per line.
                    for element in message.event.elements {
                        writer.reset()
                        element.writeJSONLine(stream: message.stream, into: &writer)
                        output.append(contentsOf: writer.bytes)
                        output.append(UInt8(ascii: "\n"))
                        printed += 1
                        if let limit, printed >= limit { return .reachedCount }
                    }
                } else {
                    for line in message.event.summaryLines {
                        output.append(contentsOf: line.utf8)
                        output.append(UInt8(ascii: "\n"))
                        printed += 1
                        if let limit, printed >= limit { return .reachedCount }
                    }
                }
            case .decodeFailure(let failure):
                Console.err("# undecodable frame: \(failure)\n")
            case .state(let update):
                Console.err("# \(update)\n")
            }
            if output.count >= Self.flushBytes || (iterator.bufferedInBatch == 0 && !output.isEmpty) {
                Console.out(bytes: output)
                output.removeAll(keepingCapacity: true)
            }
        }
        return .ended
    }

    static let flushBytes = 64 << 10
}

/// Credentials from `--credentials FILE` or the environment; a clear usage error when absent.
func loadCredentials(file: String?) throws -> Credentials {
    do {
        if let file { return try Credentials.fromFile(file) }
        guard let credentials = try Credentials.fromEnvironment() else {
            throw ValidationError("no credentials: set ASTER_API_KEY and ASTER_API_SECRET (V1), or pass --credentials FILE")
        }
        return credentials
    } catch let error as CredentialsError {
        throw ValidationError(error.description)
    }
}
