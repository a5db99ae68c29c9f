import AsterKit
import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import HummingbirdWebSocket
import Logging
import NIOCore
import NIOWebSocket
import Synchronization

/// Settings of the simulator.
public struct SimConfiguration: Sendable {
    /// Address to bind (loopback by default).
    public var host: String
    /// Port; 0 picks a free one.
    public var port: Int
    /// Seed of the random order flow.
    public var seed: UInt64
    /// Order-flow actions per second across all symbols (adds, cancels, market orders).
    public var rate: Int
    /// Listed symbols.
    public var symbols: [SimSymbol]
    /// Interval of server ping frames (5 minutes on Aster).
    public var pingInterval: Duration
    /// A connection that has not answered a ping with a pong for this long is closed (15 minutes on Aster).
    public var pongTimeout: Duration
    /// REST request weight allowed per minute (`REQUEST_WEIGHT` in `exchangeInfo`: 2400).
    public var requestWeightLimit: Int
    /// Start the demo account in hedge mode (`positionSide/dual` true).
    public var hedgeMode = false
    /// Incoming messages a connection may send per second before it is closed.
    public var maxMessagesPerSecond: Int
    /// Where the server logs (errors only by default, to standard error).
    public var logger: Logger
    /// Minutes of simulated trading before start, so klines and tickers have a past.
    public var warmUpMinutes: Int
    /// Connections are closed (1001, going away) at this age, as Aster does at 24 hours.
    public var maxConnectionAge: Duration
    /// Cut each connection abruptly after this many frames (0: never).
    public var dropEvery: Int
    /// After every this many frames, send a malformed, an unknown-event or a binary frame (0: never).
    public var garbageEvery: Int
    /// The demo account's API key (`X-MBX-APIKEY`) and HMAC secret.
    public var apiKey: String
    public var apiSecret: String
    /// How long a listen key lives without a keepalive (60 minutes on Aster).
    public var listenKeyValidity: Duration
    /// Serve `wss://` and `https://` with this TLS configuration instead of plain ws/http.
    public var tls: TLSConfiguration?
    /// The V3 account (`user`) and its registered agent wallet address (`signer`) of the demo account.
    public var agentUser: String
    public var agentSigner: String
    /// Further accounts, one per API key and one per agent `user` (agents of one user share it).
    public var accounts: [SimCredential] = []
    /// Each account's starting USDT balance.
    public var balance: ExactDecimal = 10_000
    /// Margin ratio (maintenance over margin balance) at which an account gets a `MARGIN_CALL`.
    public var marginCallRatio = ExactDecimal(mantissa: 8, scale: 1)
    /// Where the self-trading demo trader trades (its own account by default).
    public var demoTrader: SimTraderPlacement = .ownAccount
    /// Open a few positions in the demo account at start (for `aster-tui --demo`, so its panes
    /// are not empty); after that only its owner trades in it.
    public var openDemoPositions = false
    /// Time between funding settlements of every symbol, instead of each symbol's
    /// `fundingIntervalHours` (to compress time in tests and demos).
    public var fundingInterval: Duration?
    /// The `ORDERS` rate limits, per account (`exchangeInfo`; 1,200 a minute, as the spec's example).
    public var orderRateLimits: [SimOrderRateLimit] = SimOrderRateLimit.standard

    /// Creates settings.
    public init(host: String = "127.0.0.1", port: Int = 0, seed: UInt64 = 1, rate: Int = 2_000,
                symbols: [SimSymbol] = SimSymbol.defaults, pingInterval: Duration = .seconds(300),
                maxMessagesPerSecond: Int = 10, logger: Logger? = nil, maxConnectionAge: Duration = .seconds(86_400),
                dropEvery: Int = 0, garbageEvery: Int = 0, warmUpMinutes: Int = 0,
                apiKey: String = SimAccount.demoAPIKey, apiSecret: String = SimAccount.demoSecret,
                listenKeyValidity: Duration = .seconds(3600), pongTimeout: Duration = .seconds(900),
                requestWeightLimit: Int = 2_400, demoTrader: SimTraderPlacement = .ownAccount) {
        self.demoTrader = demoTrader
        self.pongTimeout = pongTimeout
        self.requestWeightLimit = requestWeightLimit
        self.apiKey = apiKey
        self.apiSecret = apiSecret
        self.listenKeyValidity = listenKeyValidity
        self.agentUser = SimAccount.demoUser
        self.agentSigner = SimAccount.demoSigner
        self.warmUpMinutes = warmUpMinutes
        self.maxConnectionAge = maxConnectionAge
        self.dropEvery = dropEvery
        self.garbageEvery = garbageEvery
        self.host = host
        self.port = port
        self.seed = seed
        self.rate = rate
        self.symbols = symbols
        self.pingInterval = pingInterval
        self.maxMessagesPerSecond = maxMessagesPerSecond
        self.logger = logger ?? {
            var l = Logger(label: "AsterSim")
            l.logLevel = .error
            return l
        }()
    }
}

/// The embedded Aster exchange simulator: websocket streams and REST on one port.
///
/// ```swift
/// let sim = SimServer(configuration: SimConfiguration(seed: 42))
/// try await sim.run { port in print("listening on \(port)") }   // until cancelled
/// ```
public final class SimServer: Sendable {
    /// Settings.
    public let configuration: SimConfiguration
    let engine: Mutex<SimEngine>
    /// Every account; 0 is the demo account.
    let accounts: Mutex<SimAccounts>
    /// The demo trader and the account it trades in (`nil`: no trader).
    let trader: Mutex<SimTrader>
    let traderAccount: Int?
    /// The last 1,000 signed requests whose signature checked out (for tests: retries re-signed).
    let signedLog = Mutex<[SimSignedAttempt]>([])
    let hub = SimHub()
    let rateLimiter: SimRateLimiter
    private let paused = Mutex(false)
    private let actions = Atomic<Int>(0)
    let faultPlan = Mutex(SimFaultPlan())
    /// Per-account `ORDERS` counts.
    let orderLimiter: SimOrderLimiter
    /// Armed `countdownCancelAll` timers, and how many countdown tasks run now.
    let countdowns = Mutex(SimCountdowns())
    let countdownTasks = Atomic<Int>(0)

    /// Stops (or resumes) the order flow; pending book changes are still flushed to the streams,
    /// so a paused market is quiet and its REST snapshot matches the last diff sent.
    public func setPaused(_ value: Bool) { paused.withLock { $0 = value } }

    /// Creates a simulator; nothing listens until ``run(onStarted:)``.
    public init(configuration: SimConfiguration = SimConfiguration()) {
        self.configuration = configuration
        rateLimiter = SimRateLimiter(limit: configuration.requestWeightLimit)
        orderLimiter = SimOrderLimiter(limits: configuration.orderRateLimits)
        engine = Mutex(SimEngine(symbols: configuration.symbols, seed: configuration.seed, now: Self.wallClock(),
                                 warmUpMinutes: configuration.warmUpMinutes,
                                 fundingPeriod: configuration.fundingInterval.map { $0.milliseconds }))
        var accounts = SimAccounts()
        let (seed, validity, balance) = (configuration.seed, configuration.listenKeyValidity, configuration.balance)
        accounts.add([.hmac(apiKey: configuration.apiKey, secret: configuration.apiSecret),
                      .agent(user: configuration.agentUser, signer: configuration.agentSigner)],
                     seed: seed, balance: balance, listenKeyValidity: validity)
        accounts[SimAccounts.demo].dualSidePosition = configuration.hedgeMode
        for credential in configuration.accounts {
            accounts.add([credential], seed: seed, balance: balance, listenKeyValidity: validity)
        }
        for id in accounts.all.indices { accounts[id].marginCallRatio = configuration.marginCallRatio }
        switch configuration.demoTrader {
        case .off: traderAccount = nil
        case .demoAccount: traderAccount = SimAccounts.demo
        case .ownAccount: traderAccount = accounts.add([], seed: seed, balance: 10_000_000, listenKeyValidity: validity)
        }
        trader = Mutex(SimTrader(seed: seed))
        self.accounts = Mutex(accounts)
    }

    /// Invalidates every listen key at once (as if the server forgot them): the next keepalive
    /// fails with -1125 and a client must create a new key.
    public func revokeListenKeys() {
        accounts.withLock { a in for id in a.all.indices { a[id].closeListenKeys(now: Self.wallClock()) } }
    }

    /// The demo account now (for tests and the dashboard's own checks).
    public var accountSnapshot: SimAccount { accounts.withLock { $0[SimAccounts.demo] } }

    /// Account `id` now (see ``accountId(apiKey:)``, ``accountId(user:)``).
    public func accountSnapshot(_ id: Int) -> SimAccount? { accounts.withLock { $0.all.indices.contains(id) ? $0[id] : nil } }

    /// The account a V1 API key opens.
    public func accountId(apiKey: String) -> Int? { accounts.withLock { $0.id(apiKey: apiKey) } }

    /// The account of a V3 main wallet.
    public func accountId(user: String) -> Int? { accounts.withLock { $0.id(user: user) } }

    /// The account the demo trader trades in (`nil` with ``SimTraderPlacement/off``).
    public var demoTraderAccount: Int? { traderAccount }

    static func wallClock() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }

    /// Frames delivered to clients and frames dropped for slow clients, so far.
    public var frameCounts: (sent: Int, dropped: Int) { hub.counts }

    /// Order-flow actions (adds, cancels, market orders) run so far: `rate` a second while running.
    public var orderFlowActions: Int { actions.load(ordering: .relaxed) }

    /// Serves until the task is cancelled; `onStarted` receives the bound port.
    public func run(onStarted: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        let logger = configuration.logger
        let router = Router()
        SimRest(server: self, now: Self.wallClock).register(on: router)
        SimUserRest(server: self, now: Self.wallClock).register(on: router)
        let connections = ConnectionRegistry()
        let webSocketConfiguration = HTTP1WebSocketUpgradeChannel.Configuration(
            ws: .init(maxFrameSize: 1 << 20, autoPing: .enabled(timePeriod: configuration.pongTimeout)))
        let shouldUpgrade: @Sendable (HTTPRequest, any Channel, Logger) async throws
            -> ShouldUpgradeResult<WebSocketDataHandler<HTTP1WebSocketUpgradeChannel.Context>> = { [self] request, channel, _ in
            let path = request.path ?? ""
            let key = String(path.dropFirst(4))
            let userStream = path.hasPrefix("/ws/") && accounts.withLock { $0.id(listenKey: key, now: Self.wallClock()) != nil }
            guard let subscription = userStream ? SubscriptionState(streams: [key], combined: false)
                    : Self.subscription(forPath: path) else { return .dontUpgrade }
            return .upgrade([:]) { inbound, outbound, _ in
                try await self.serve(subscription, inbound: inbound, outbound: outbound, channel: channel)
            }
        }
        let webSocket = connections.webSocketServer(configuration: webSocketConfiguration, shouldUpgrade: shouldUpgrade)
        let app = Application(
            router: router,
            server: try configuration.tls.map { try .tls(webSocket, tlsConfiguration: $0) } ?? webSocket,
            configuration: .init(address: .hostname(configuration.host, port: configuration.port)),
            onServerRunning: { channel in await onStarted(channel.localAddress?.port ?? 0) },
            logger: logger.forServer
        )
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await app.run() }
            group.addTask { try await self.driveMarket() }
            group.addTask { try await self.runCountdowns() }
            // Stopping closes every connection: Hummingbird alone waits for clients to leave.
            group.addTask { await connections.closeAllWhenCancelled() }
            try await group.next()
            group.cancelAll()
        }
    }

    /// Parses `/ws/<a>[/<b>…]` and `/stream?streams=a/b` into a subscription; `nil` if invalid.
    static func subscription(forPath path: String) -> SubscriptionState? {
        if path.hasPrefix("/stream") {
            let query = path.split(separator: "?", maxSplits: 1).dropFirst().first.map(String.init) ?? ""
            let pairs = query.split(separator: "&").map { $0.split(separator: "=", maxSplits: 1) }
            let value = pairs.first { $0.first == "streams" }.flatMap { $0.count > 1 ? String($0[1]) : nil } ?? ""
            let texts = value.removingPercentEncoding?.split(separator: "/").map(String.init) ?? []
            // Symbols in any case name the same stream (`BTCUSDT@aggTrade` is `btcusdt@aggTrade`).
            let names = texts.compactMap { try? StreamName(parsing: $0).name }
            guard names.count <= SubscriptionState.maxStreams, names.count == texts.count else { return nil }
            return SubscriptionState(streams: names, combined: true)
        }
        if path == "/ws" || path == "/ws/" { return SubscriptionState(combined: false) }
        guard path.hasPrefix("/ws/") else { return nil }
        let texts = path.dropFirst(4).split(separator: "/").map { String($0).removingPercentEncoding ?? String($0) }
        let names = texts.compactMap { try? StreamName(parsing: $0).name }
        guard names.count <= SubscriptionState.maxStreams, names.count == texts.count else { return nil }
        return SubscriptionState(streams: names, combined: false)
    }

    /// Websocket connections open now (a closed client leaves none behind).
    public var openConnections: Int { hub.connectionCount }

    /// The streams each open websocket connection is subscribed to, in connection order.
    public var subscriptions: [[String]] { hub.subscriptions }

    /// Sends frames to every connected client (garbage, binary, closes, drops).
    public func inject(_ frames: [SimFrame]) { frames.forEach(hub.broadcast) }

    /// Stops (or resumes) sending anything to clients while their sockets stay open.
    public func setStalled(_ value: Bool) { hub.setStalled(value) }

    private static let garbage: [SimFrame] = [
        .text(#"{"e":"aggTrade","E":1,"s":"BTCUSDT","p":"#), .text(#"{"e":"brandNewEvent","E":1,"x":true}"#),
        .binary([0xDE, 0xAD, 0xBE, 0xEF]), .text("not json at all"),
    ]

    private func serve(_ subscription: SubscriptionState, inbound: WebSocketInboundStream,
                       outbound: WebSocketOutboundWriter, channel: any Channel) async throws {
        let (id, outbox) = hub.connect(subscription)
        defer { hub.disconnect(id) }
        let limit = configuration.maxMessagesPerSecond
        let config = configuration
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                // Everything waiting goes out with one flush; the next batch waits until it is written.
                var sent = 0
                while let frames = await outbox.take() {
                    var out: [WebSocketFrame] = []
                    out.reserveCapacity(frames.count)
                    for frame in frames {
                        switch frame {
                        case .text(let text): out.append(Self.frame(text))
                        case .binary(let bytes): out.append(WebSocketFrame(fin: true, opcode: .binary, data: ByteBuffer(bytes: bytes)))
                        case .close(let code, let reason):
                            try await Self.write(out, on: channel)
                            try await outbound.close(.init(codeNumber: Int(code)), reason: reason)
                            return
                        case .drop:
                            try await Self.write(out, on: channel)
                            try await channel.close()
                            return
                        }
                        sent += 1
                        if config.garbageEvery > 0 && sent % config.garbageEvery == 0 {
                            switch Self.garbage[(sent / config.garbageEvery) % Self.garbage.count] {
                            case .text(let text): out.append(Self.frame(text))
                            case .binary(let bytes): out.append(WebSocketFrame(fin: true, opcode: .binary, data: ByteBuffer(bytes: bytes)))
                            default: break
                            }
                        }
                        if config.dropEvery > 0 && sent % config.dropEvery == 0 {
                            try await Self.write(out, on: channel)
                            try await channel.close()
                            return
                        }
                        if out.count >= 1_024 {
                            // A long backlog goes out in chunks, so its buffers are not all made at once.
                            try await Self.write(out, on: channel)
                            out.removeAll(keepingCapacity: true)
                        }
                    }
                    try await Self.write(out, on: channel)
                }
            }
            group.addTask {
                // Pings every `pingInterval`; the websocket handler's own ping, every `pongTimeout`,
                // closes the connection when its pong has not come back by the next one.
                while true {
                    try await Task.sleep(for: config.pingInterval)
                    try await outbound.write(.custom(WebSocketFrame(fin: true, opcode: .ping, data: ByteBuffer())))
                }
            }
            group.addTask {
                try await Task.sleep(for: config.maxConnectionAge)
                try await outbound.close(.goingAway, reason: "connection age limit")
            }
            group.addTask { [hub] in
                var state = subscription
                var recent: [ContinuousClock.Instant] = []
                for try await message in inbound.messages(maxSize: 1 << 20) {
                    let now = ContinuousClock.now
                    recent = recent.filter { now - $0 < .seconds(1) } + [now]
                    if recent.count > limit {
                        try await outbound.close(.policyViolation, reason: "Too many requests")
                        return
                    }
                    guard case .text(let text) = message else { continue }
                    let reply = LiveRequestResponder.handle(text, state: &state)
                    hub.update(id, state)
                    if self.dropsReply(to: text) { continue }
                    hub.send(id, reply)
                }
            }
            try await group.next()
            group.cancelAll()
        }
    }

    private static func frame(_ text: String) -> WebSocketFrame {
        WebSocketFrame(fin: true, opcode: .text, data: ByteBuffer(string: text))
    }

    /// Writes frames to a websocket connection with one flush (the hop to its event loop and the
    /// system call are per batch, not per frame); returns once they are written to the socket,
    /// so a slow client holds its own writer back, never the market.
    ///
    /// Cancellation (the connection or the server stopping) closes the channel, which fails a
    /// write still waiting: a client that stopped reading never holds the simulator's stop.
    private static func write(_ frames: [WebSocketFrame], on channel: any Channel) async throws {
        guard !frames.isEmpty else { return }
        let written = channel.eventLoop.makePromise(of: Void.self)
        channel.eventLoop.execute {
            for (i, frame) in frames.enumerated() {
                channel.write(frame, promise: i == frames.count - 1 ? written : nil)
            }
            channel.flush()
        }
        try await withTaskCancellationHandler {
            try await written.futureResult.get()
        } onCancel: {
            channel.close(promise: nil)
        }
    }

    /// Advances the market about every 10 ms with the order-flow actions due since the last
    /// advance (see ``SimOrderFlow``), so the flow keeps `rate` a second however late a tick wakes.
    private func driveMarket() async throws {
        let tick = Duration.milliseconds(10)
        var flow = SimOrderFlow(rate: configuration.rate, start: .now)
        var opened = !configuration.openDemoPositions
        while !Task.isCancelled {
            let started = ContinuousClock.now
            var steps = flow.due(at: started)
            if paused.withLock({ $0 }) { steps = 0 }
            actions.add(steps, ordering: .relaxed)
            let wanted = hub.wantedStreams
            let now = Self.wallClock()
            let (batch, quotes, fills) = engine.withLock { e in
                let batch = e.advance(to: now, steps: steps, isWanted: wanted.contains)
                // The flow's takers reached resting client orders, funding settled: accounts move under the same lock.
                return (batch, e.quotes(), applyMakerFills(e.drainMakerFills(), now: now) + settleFunding(e.drainSettlements(), now: now))
            }
            hub.publish(applyDrops(batch))
            hub.publish(fills)
            triggerConditionals(quotes: quotes, now: now)
            // Marked with the quotes of this moment, under the engine's lock, so a mark pinned
            // meanwhile (``pinMarkPrice(symbol:to:)``) is never overwritten by an older one.
            hub.publish(engine.withLock { e in
                let marks = e.quotes()
                return accounts.withLock { a in
                    a.all.indices.flatMap { id in
                        a[id].addressed(a[id].advance(now: now, quotes: marks), now: now) + a[id].expireListenKeys(now: now)
                    }
                }
            })
            applyRisk(now: now)
            if !opened, !quotes.isEmpty {
                openDemoPositions(quotes: quotes, now: now)
                opened = true
            }
            runTrader(quotes: quotes, now: now)
            let spent = ContinuousClock.now - started
            if spent < tick { try await Task.sleep(for: tick - spent) }
        }
    }
}
