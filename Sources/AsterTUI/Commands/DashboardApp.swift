import AsterDashboard
import AsterKit
import AsterSim
import Dispatch
import Foundation
import Logging
import DequeModule
import ServiceLifecycle
import Synchronization

/// Settings of one dashboard run, built from the command line.
struct DashboardOptions: Sendable {
    var demo: Bool
    var url: String
    var symbols: [String]?
    var symbol: String
    var interval: KlineInterval
    var layout: LayoutMode
    var refresh: Duration
    var color: Bool
    var ascii: Bool
    var logFile: String?
    var restURL: String
    var seed: UInt64
    var replay: String?
    var speed: Double
    var record: String?
    /// Whose account the account pane shows (the simulator's demo account with --demo).
    var credentials: Credentials?
    /// The effective configuration (file and flags): theme, keys, groups, chart style, alerts.
    var config = DashboardConfig()
    /// Where UI changes that persist (alerts) are saved.
    var configPath: String?
    /// Order entry is on (the header says TRADING).
    var trading = false
}

/// Stream events waiting for the model: pushed from the feed, drained by the render loop. Bounded:
/// if drawing stalls (a stuck terminal, Ctrl-S) the oldest events are dropped and counted.
final class EventInbox: Sendable {
    private struct State {
        var items: Deque<(event: StreamEvent, receivedAt: Int64)> = []
        var dropped = 0
    }

    private let state = Mutex(State())
    let limit: Int

    init(limit: Int = 50_000) { self.limit = limit }

    func push(_ event: StreamEvent, at time: Int64) {
        state.withLock { s in
            s.items.append((event, time))
            if s.items.count > limit {
                s.items.removeFirst()
                s.dropped += 1
            }
        }
    }

    /// Pushes a batch that arrived together, under one lock.
    func push(contentsOf events: [StreamEvent], at time: Int64) {
        guard !events.isEmpty else { return }
        state.withLock { s in
            for event in events { s.items.append((event, time)) }
            if s.items.count > limit {
                let excess = s.items.count - limit
                s.items.removeFirst(excess)
                s.dropped += excess
            }
        }
    }

    func drain() -> [(event: StreamEvent, receivedAt: Int64)] {
        state.withLock { s in
            defer { s.items.removeAll(keepingCapacity: true) }
            return Array(s.items)
        }
    }

    /// Events dropped because the inbox was full.
    var dropped: Int { state.withLock { $0.dropped } }
}

/// Applies the dashboard's stream changes one at a time, in order, coalescing a burst (20 quick
/// ↓ presses become one change to the last symbol's streams), so an `UNSUBSCRIBE` can never
/// overtake the `SUBSCRIBE` it follows.
struct Resubscriber: Sendable {
    private let desired: AsyncStream<Set<StreamName>>
    private let continuation: AsyncStream<Set<StreamName>>.Continuation

    init() {
        (desired, continuation) = AsyncStream.makeStream(of: Set<StreamName>.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// The per-symbol streams wanted now.
    func want(_ streams: Set<StreamName>) { continuation.yield(streams) }

    /// Brings the client to the newest wanted streams, starting from `initial`, until cancelled.
    func run(client: StreamClient, initial: Set<StreamName>, logger: Logger) async {
        var applied = initial
        for await wanted in desired {
            let remove = applied.subtracting(wanted).sorted { $0.name < $1.name }
            let add = wanted.subtracting(applied).sorted { $0.name < $1.name }
            guard !remove.isEmpty || !add.isEmpty else { continue }
            do { try await client.change(subscribe: add, unsubscribe: remove) } catch {
                logger.warning("resubscribe failed", metadata: ["error": "\(error)"])
            }
            applied = wanted  // the client keeps what it was asked for and carries it on reconnect
        }
    }
}

/// Set from a signal handler; the render loop checks it every tick.
final class QuitFlag: Sendable {
    private let flag = Mutex(false)
    var isSet: Bool { flag.withLock { $0 } }
    func set() { flag.withLock { $0 = true } }
}

/// Runs the dashboard: source → StreamClient → DashboardModel → renderer → ncurses.
struct DashboardApp {
    let options: DashboardOptions

    func run() async throws {
        let logger = Logger(label: "aster-tui") { FileLogHandler(label: $0, path: options.logFile) }
        let quit = QuitFlag()
        let signals = installSignalHandlers { quit.set() }
        defer { signals.forEach { $0.cancel() } }

        if options.demo {
            // The user's own paper account: a few positions at start, then only the user trades in it.
            var configuration = SimConfiguration(seed: options.seed, rate: 3_000, logger: logger, warmUpMinutes: 120)
            configuration.openDemoPositions = true
            let sim = SimServer(configuration: configuration)
            let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    // A simulator that cannot start ends the wait for its port with its error.
                    defer { continuation.finish() }
                    try await sim.run { continuation.yield($0) }
                }
                var it = ports.makeAsyncIterator()
                guard let port = await it.next() else {
                    try await group.waitForAll()
                    return
                }
                try await runDashboard(base: "ws://127.0.0.1:\(port)", rest: "http://127.0.0.1:\(port)", mode: .demo,
                                       logger: logger, quit: quit)
                group.cancelAll()
            }
        } else if options.replay != nil {
            try await runDashboard(base: "", rest: nil, mode: .replay, logger: logger, quit: quit)
        } else {
            try await runDashboard(base: options.url, rest: options.restURL, mode: .live, logger: logger, quit: quit)
        }
    }

    private func runDashboard(base: String, rest restURL: String?, mode: DashboardMode, logger: Logger,
                              quit: QuitFlag) async throws {
        // The screen is ncurses': REST warnings (list elements left out) go to the log file.
        let rest = restURL.map { RESTClient(baseURL: $0, logger: logger) }
        let credentials = mode == .replay ? nil : options.credentials
        let model = DashboardModel(mode: mode, symbol: options.symbol, symbols: options.symbols, groups: options.config.groups,
                                   interval: options.interval, chartStyle: options.config.chartStyle, account: credentials != nil,
                                   alerts: options.config.alerts.rules, largeTrades: options.config.largeTrades,
                                   localBook: rest != nil && options.replay == nil)
        let recorder = try options.record.map { try StreamRecorder(path: $0) }
        defer { recorder?.close() }
        // A replay plays through a ReplayPlayer straight into the model (pause, step, speed, seek);
        // live and demo through the client.
        let player = try options.replay.map { path in
            let (index, note) = try ReplayIndex.open(for: path)
            if let note { logger.warning("replay index", metadata: ["note": "\(note)"]) }
            return ReplayPlayer(path: path, index: index, consumer: model, speed: options.speed, note: note)
        }
        let initialStreams = await model.initialStreams
        let client = player == nil ? StreamClient(base: base, streams: initialStreams, logger: logger) : nil
        let events = client?.events(bufferLimit: 100_000)
        let reader = events?.makeAsyncIterator()
        let frames = recorder.flatMap { _ in client?.rawFrames(bufferLimit: 100_000) }
        let resubscriber = Resubscriber()
        // The focused symbol's synchronised local book, for the heatmap (live and demo: REST exists).
        // The model was told so (`localBook`): its focused streams carry the diff stream.
        let book = client == nil ? nil : rest.map { FocusedBook(rest: $0) }
        var symbolStreams = Set(await model.focusedStreams)
        let initialSymbolStreams = symbolStreams
        let utf8 = NcursesTerminal.localeIsUTF8()
        var renderer = DashboardRenderer(layout: options.layout, glyphs: options.ascii || !utf8 ? .ascii : .unicode,
                                         keys: options.config.keys)
        let terminal = NcursesTerminal(theme: options.config.theme, color: options.color, depth: options.config.colorDepth)
        // The heatmap's ramp in colour from 256 colours up; in shades on 8 and 16 colours and in monochrome.
        renderer.heatColors = terminal.colorCount >= 256
        logger.info("screen started", metadata: ["colors": "\(terminal.colorCount)", "utf8": "\(utf8)"])
        defer { terminal.restore() }
        /// Loads chart history in the background; a failure only leaves the chart to fill live.
        func load(_ effect: Effect) {
            if effect == .loadSymbolInfo, let rest {
                Task {
                    do {
                        await model.setSymbolInfo(try await rest.exchangeInfo().symbols)
                        await model.noteREST("exchangeInfo", error: nil)
                    } catch {
                        logger.warning("exchangeInfo failed", metadata: ["error": "\(error)"])
                        await model.noteREST("exchangeInfo", error: "\(error)")
                    }
                }
            }
            guard case .loadHistory(let symbol, let interval) = effect, let rest else { return }
            Task {
                do {
                    let history = try await rest.klines(symbol: symbol, interval: interval, limit: 240)
                    await model.seedKlines(symbol: symbol, interval: interval, history)
                    await model.noteREST("history", error: nil)
                } catch {
                    logger.warning("kline history failed", metadata: ["error": "\(error)"])
                    await model.noteREST("history", error: "\(error)")
                }
            }
        }
        for effect in await model.initialEffects { load(effect) }
        let trading: TradingClient? = options.trading ? zip2(credentials, restURL).map { credentials, url in
            TradingClient(account: AccountClient(rest: RESTClient(baseURL: url), credentials: credentials))
        } : nil
        await model.enableTrading(trading != nil)
        try await withThrowingTaskGroup(of: Void.self) { group in
            // Events wait in the inbox (no actor hop each) and reach the model in one batch per
            // loop turn (at most 15 ms apart, and always right before a frame is drawn).
            let inbox = EventInbox()
            if let client, let reader {
                group.addTask { try await client.run() }
                group.addTask {
                    // The events of one delivered batch go into the inbox under one lock.
                    var reader = reader
                    var pending: [StreamEvent] = []
                    while let event = await reader.next() {
                        pending.append(event)
                        if reader.bufferedInBatch == 0 {
                            inbox.push(contentsOf: pending, at: Self.nowMs())
                            book?.route(pending)
                            pending.removeAll(keepingCapacity: true)
                        }
                    }
                    inbox.push(contentsOf: pending, at: Self.nowMs())
                    book?.route(pending)
                }
            }
            if let book, let started = book.follow(options.symbol) {
                group.addTask { await started.manager.run(started.events) }
            }
            if let player { group.addTask { await player.run() } }
            if let frames, let recorder {
                group.addTask { for await frame in frames { recorder.record(frame) } }
            }
            if let client {
                group.addTask { await resubscriber.run(client: client, initial: initialSymbolStreams, logger: logger) }
            }
            if let credentials, let restURL {
                group.addTask { await Self.followAccount(credentials: credentials, rest: restURL, webSocket: base, model: model, logger: logger) }
            }
            var nextDraw = ContinuousClock.now
            var budget = FrameBudget()
            var nextReport = ContinuousClock.now + .seconds(10)
            var lastKey = ContinuousClock.now - .seconds(10)
            loop: while !quit.isSet {
                let arrived = inbox.drain()
                if !arrived.isEmpty { await model.apply(batch: arrived) }
                var keysHandled = false
                for key in terminal.readKeys() {
                    let current = await model.snapshot(now: 0)
                    guard var action = renderer.keys.action(for: key, searching: current.typing) else { continue }
                    if case .click(let x, let y) = action {
                        let size = terminal.size
                        guard let row = renderer.watchlistRow(atX: x, y: y, snapshot: current, width: size.width,
                                                              height: size.height) else { continue }
                        action = .selectRow(row)
                    }
                    if current.showGrid {
                        let size = terminal.size
                        action = renderer.gridAction(action, snapshot: current, width: size.width, height: size.height) ?? action
                    }
                    keysHandled = true
                    for effect in await model.perform(action) {
                        switch effect {
                        case .quit: break loop
                        case .loadHistory, .loadSymbolInfo: load(effect)
                        case .saveAlerts(let rules): Self.saveAlerts(rules, path: options.configPath, logger: logger)
                        case .saveWatchlist(let symbols):
                            Self.saveConfig(path: options.configPath, logger: logger) { $0.watchlist = symbols }
                        case .placeOrders, .cancelOrder, .modifyOrder, .closePosition:
                            guard let trading else { continue }
                            group.addTask { await Self.execute(effect, trading: trading, model: model, logger: logger) }
                        case .replay(let command): await player?.enqueue(command)
                        case .resubscribe(let old, let new):
                            // A replay has the streams it recorded: the new symbol is rebuilt from them.
                            if let player {
                                await player.enqueue(.rebuild)
                                continue
                            }
                            symbolStreams.subtract(old)
                            symbolStreams.formUnion(new)
                            resubscriber.want(symbolStreams)
                            // A new focused symbol's diff stream: its book replaces the old symbol's.
                            for case .diffDepth(let symbol, _) in new {
                                if let book, let started = book.follow(symbol) {
                                    group.addTask { await started.manager.run(started.events) }
                                }
                            }
                        }
                    }
                }
                let now = ContinuousClock.now
                if now >= nextDraw || keysHandled {
                    var statistics = client?.statistics ?? player?.counters.snapshot ?? StreamStatistics()
                    statistics.dropped += inbox.dropped
                    await model.observe(statistics, now: Self.nowMs())
                    let replayStatus = await player?.status()
                    if let replayStatus { await model.setReplayStatus(replayStatus) }
                    for alert in await model.takeFiredAlerts() {
                        logger.notice("alert", metadata: ["message": "\(alert.message)"])
                        if options.config.alerts.bell { terminal.bell() }
                        AlertNotifier.run(options.config.alerts.command, message: alert.message, logger: logger)
                    }
                    // The heatmap's and sparklines' samples are taken on this tick, never per event,
                    // in recorded time in a replay (a heatmap column is a second of the recording).
                    // The local book is read only when a heatmap sample is due.
                    let tickTime = replayStatus?.time ?? Self.nowMs()
                    var bookSample: LocalBookSample?
                    if let book, await model.heatmapSampleDue(now: tickTime) {
                        bookSample = await book.sample(levels: DashboardModel.heatmapDepth)
                    }
                    await model.tick(now: tickTime, book: bookSample)
                    let undrawnSince = await model.takeUndrawnSince()
                    // A replay's "now" is its clock (ages and alert flashes in recorded time).
                    let snapshot = await model.snapshot(now: replayStatus?.time ?? Self.nowMs())
                    if !snapshot.paused || keysHandled {
                        let size = terminal.size
                        let started = ContinuousClock.now
                        terminal.draw(renderer.render(snapshot, width: size.width, height: size.height))
                        let drawn = ContinuousClock.now - started
                        budget.record(drawMicros: drawn.components.seconds * 1_000_000 + drawn.components.attoseconds / 1_000_000_000_000,
                                      eventWaitMillis: player == nil ? undrawnSince.map { Self.nowMs() - $0 } : nil, at: Self.nowMs())
                    }
                    // On the refresh grid (no drift), so no event waits more than one interval to be drawn.
                    if now >= nextDraw { nextDraw += options.refresh }
                    if nextDraw <= now { nextDraw = now + options.refresh }
                    if now >= nextReport {
                        logger.info("\(budget.report(framesPerSecond: snapshot.framesPerSecond))")
                        nextReport = now + .seconds(10)
                    }
                }
                // Keys are polled every 15 ms for 2 s after one (typing, moving the cursor); idle,
                // the loop wakes only for the next frame, so a first key waits at most one refresh
                // interval (most of the dashboard's wake-ups were these polls). A frame is never
                // late for them.
                if keysHandled { lastKey = now }
                let poll: Duration = now - lastKey < .seconds(2) ? .milliseconds(15) : options.refresh
                try await Task.sleep(for: min(poll, max(.milliseconds(1), nextDraw - ContinuousClock.now)))
            }
            book?.stop()
            group.cancelAll()
        }
    }

    /// Saves alert rules changed in the UI into the config file.
    static func saveAlerts(_ rules: [AlertRule], path: String?, logger: Logger) {
        saveConfig(path: path, logger: logger) { $0.alerts.rules = rules }
    }

    /// Applies a UI change to the config file as the file has it (not as flags changed it) and
    /// saves it atomically (temporary file, then rename).
    static func saveConfig(path: String?, logger: Logger, _ change: (inout DashboardConfig) -> Void) {
        guard let path else { return }
        do {
            var file = try ConfigFile.load(path: path)
            change(&file)
            try ConfigFile.save(file, to: path)
        } catch {
            logger.warning("saving the config file failed", metadata: ["error": "\(error)"])
        }
    }

    static func nowMs() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }

    /// The account pane's feed: ``LiveAccount`` (user stream, a snapshot per connection,
    /// deltas reconciled) into the model.
    static func followAccount(credentials: Credentials, rest: String, webSocket: String, model: DashboardModel, logger: Logger) async {
        let client = AccountClient(rest: RESTClient(baseURL: rest, logger: logger), credentials: credentials)
        let live = LiveAccount(account: client, webSocketBase: webSocket)
        let updates = await live.updates()
        await withTaskGroup(of: Void.self) { group in
            group.addTask { try? await live.run() }
            group.addTask {
                var lastLogged: String?
                for await status in updates {
                    if let error = status.lastError, error != lastLogged {
                        logger.warning("account snapshot failed", metadata: ["error": "\(error)", "attempt": "\(status.syncAttempts)"])
                    }
                    lastLogged = status.lastError
                    await model.noteREST("account", error: status.lastError.map { "\($0)" })
                    await model.updateAccount(status)
                }
            }
            await group.waitForAll()
        }
    }

    /// SIGINT, SIGTERM and SIGHUP end the dashboard cleanly (the terminal is restored).
    private func installSignalHandlers(_ handler: @escaping @Sendable () -> Void) -> [any DispatchSourceSignal] {
        [SIGINT, SIGTERM, SIGHUP].map { sig in
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler(handler: handler)
            source.resume()
            return source
        }
    }
}
