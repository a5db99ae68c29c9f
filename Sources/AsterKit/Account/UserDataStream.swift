import Logging

import ServiceLifecycle

/// The authenticated user data stream, a `Service` with its whole listen-key lifecycle handled:
/// create the key, connect to `<base>/ws/<listenKey>`, keep it alive on a timer, re-create it
/// (and reconnect) on `listenKeyExpired`, on a failed keepalive, and after every closed
/// connection (`POST` returns the account's active key, or a new one when another program
/// sharing the key deleted it); `DELETE` it when `run()` ends (awaited: `run()` returns after the delete).
/// Every step shows in the state events: `authenticating` → `connecting` → `connected` →
/// `keptAlive` …, `listenKeyInvalid(reason)`, `disconnected(reason)`, `reconnecting(attempt,
/// delay)`, `stopped`. The typed feeds are those of ``EventFeeds``: ``EventFeeds/orderUpdates(bufferLimit:)``,
/// ``EventFeeds/accountUpdates(bufferLimit:)``, ``EventFeeds/marginCalls(bufferLimit:)``, …
///
/// ```swift
/// let account = AccountClient(rest: RESTClient(baseURL: AsterEndpoint.productionREST),
///                             credentials: try Credentials.fromEnvironment()!)
/// let user = UserDataStream(account: account, webSocketBase: AsterEndpoint.productionWebSocket)
/// let orders = user.orderUpdates()
/// group.addTask { try await user.run() }
/// for await order in orders { print(order.order.status) }
/// ```
public final class UserDataStream: Service, EventFeeds {
    /// Authenticated REST calls.
    public let account: AccountClient
    /// Websocket base, e.g. `wss://fstream.asterdex.com`.
    public let webSocketBase: String
    /// How often the key is kept alive (Aster: keys live 60 minutes; default every 30).
    public let keepAliveInterval: Duration
    /// Connection settings (backoff, pings…); `reconnect` is managed here.
    public let configuration: StreamConfiguration
    let hub: EventHub
    private let logger: Logger
    private let started = Locked(false)

    /// Creates the stream; nothing happens until ``run()``.
    public init(account: AccountClient, webSocketBase: String, keepAliveInterval: Duration = .seconds(1_800),
                configuration: StreamConfiguration = .init(),
                logger: Logger = Logger(label: "AsterKit.UserDataStream")) {
        self.account = account
        var base = webSocketBase
        while base.hasSuffix("/") { base.removeLast() }
        self.webSocketBase = base
        self.keepAliveInterval = keepAliveInterval
        self.configuration = configuration
        self.logger = logger
        self.hub = EventHub(defaultBufferLimit: configuration.bufferLimit)
    }

    public func feed<Element: Sendable>(
        bufferLimit: Int?, collecting collect: @escaping @Sendable ([StreamEvent], inout FeedSink<Element>) -> Void
    ) -> EventFeed<Element> {
        hub.makeFeed(bufferLimit: bufferLimit, collect)
    }

    public func rawFrames(bufferLimit: Int? = nil) -> EventFeed<RawFrame> { hub.makeRawFeed(bufferLimit: bufferLimit) }

    /// Counters of the current and past connections, with every feed's drops.
    public var statistics: StreamStatistics { hub.statistics }

    /// The latest state, if any yet.
    public var state: ConnectionUpdate? { hub.state }

    /// The listen-key `DELETE` on stop waits no longer than this.
    static let deleteTimeout = Duration.seconds(2)

    enum Ending: Sendable {
        case expired
        case keepAliveFailed(String)
        case closed(String)
    }

    /// Runs the lifecycle until cancelled or gracefully shut down; deletes the listen key and
    /// ends every feed before returning. A stream runs once.
    public func run() async throws {
        guard started.withLock({ s in defer { s = true }; return !s }) else { throw ClientError.alreadyRun }
        defer { hub.finish() }
        await cancelWhenGracefulShutdown { await self.lifecycle() }
    }

    private func lifecycle() async {
        var key: String?
        var retries = configuration.backoff.retries()
        var generation = 1
        while !Task.isCancelled {
            let id = ConnectionID(shard: 0, generation: generation)
            if key == nil {
                report(id, .authenticating)
                do {
                    if retries.attempt == 0 { try? await account.synchronizeTime() }
                    key = try await account.createListenKey()
                } catch {
                    if Task.isCancelled { break }
                    report(id, .disconnected(reason: "listen key: \(error)"))
                    logger.warning("listen key creation failed", metadata: ["error": "\(error)"])
                    if await !backoff(&retries, id) { break }
                    continue
                }
            }
            retries.begin()
            let ending = await connect(key: key!, generation: generation)
            generation += 1
            if Task.isCancelled { break }
            switch ending {
            case .expired:
                key = nil
                report(id, .listenKeyInvalid(reason: "listenKeyExpired"))
            case .keepAliveFailed(let why):
                key = nil
                report(id, .listenKeyInvalid(reason: "keepalive failed: \(why)"))
            case .closed:
                // The key may be gone: the server closes a key's streams when it is deleted,
                // and another program on this account (the dashboard beside `stream --user`)
                // shares the key and deletes it when it exits. `POST` answers with the account's
                // active key (extended) or a new one, so the next connection's key is valid
                // either way (a keepalive would extend whatever key is active, not this one).
                key = nil
                // A connection that stayed up a while (Aster closes them at 24 hours) starts the
                // backoff over; one that failed at once does not.
                hub.counters.reconnect()
                if await !backoff(&retries, id, resettingAfter: configuration.healthyPeriod) { break }
            }
        }
        if key != nil {
            // Cancelled, yet the DELETE must go out: a fresh task is not cancelled, and run()
            // awaits it, so nothing outlives the stream.
            // Bounded: a server that does not answer cannot hold the shutdown.
            let account = self.account
            await Task {
                await withTaskGroup(of: Void.self) { group in
                    group.addTask { try? await account.closeListenKey() }
                    group.addTask { try? await Task.sleep(for: Self.deleteTimeout) }
                    await group.next()
                    group.cancelAll()
                }
            }.value
        }
        report(ConnectionID(shard: 0, generation: generation), .stopped)
    }

    private func report(_ id: ConnectionID, _ state: ConnectionState) {
        hub.state(ConnectionUpdate(connection: id, state: state))
    }

    /// Counts a failure, reports the wait and waits; `false` when cancelled.
    private func backoff(_ retries: inout Backoff.Retries, _ id: ConnectionID, resettingAfter healthy: Duration? = nil) async -> Bool {
        let delay = retries.failed(resettingAfter: healthy)
        report(id, .reconnecting(attempt: retries.attempt, delay: delay))
        return await retries.sleep(for: delay)
    }

    /// One connection on `key`, with its keepalive timer; returns why it ended.
    private func connect(key: String, generation: Int) async -> Ending {
        var settings = configuration
        settings.reconnect = false
        settings.rolloverAfter = nil
        settings.redacting.append(key)
        let shard = Shard(index: 0, target: .fixed(url: "\(webSocketBase)/ws/\(key)"), streams: [], configuration: settings,
                          hub: hub, requestIDs: RequestIDs(), logger: logger, firstGeneration: generation)
        let expiries = listenKeyExpiries(bufferLimit: 1)
        let account = self.account
        let interval = keepAliveInterval
        let hub = self.hub
        return await withTaskGroup(of: Ending?.self) { group in
            group.addTask { .closed(await shard.run(reportStopped: false)) }
            group.addTask {
                while true {
                    do { try await Task.sleep(for: interval) } catch { return nil }
                    do {
                        try await account.keepAliveListenKey()
                        hub.state(ConnectionUpdate(connection: ConnectionID(shard: 0, generation: generation), state: .keptAlive))
                    } catch {
                        return Task.isCancelled ? nil : .keepAliveFailed("\(error)")
                    }
                }
            }
            group.addTask {
                for await _ in expiries { return .expired }
                return nil
            }
            var ending: Ending = .closed("stopped")
            while let next = await group.next() {
                if let next {
                    ending = next
                    break
                }
                if Task.isCancelled { break }
            }
            group.cancelAll()
            return ending
        }
    }
}
