import Logging

/// The authenticated user data stream, with its whole listen-key lifecycle handled:
/// create the key, connect to `<base>/ws/<listenKey>`, keep it alive on a timer, re-create it
/// (and reconnect) on `listenKeyExpired`, on a failed keepalive, and after a reconnect that finds
/// the key invalid; `DELETE` it on shutdown. Every step shows in the state events:
/// `authenticating` → `connecting` → `connected` → `keptAlive` …, `listenKeyInvalid(reason)`,
/// `disconnected(reason)`, `reconnecting(attempt, delay)`, `stopped`.
///
/// ```swift
/// let account = AccountClient(rest: RESTClient(baseURL: AsterEndpoint.productionREST),
///                             credentials: try Credentials.fromEnvironment()!)
/// let user = UserDataStream(account: account, webSocketBase: AsterEndpoint.productionWebSocket)
/// for await event in user.events() { … }   // .message(order/account updates), .state(…)
/// ```
public struct UserDataStream: Sendable {
    /// Authenticated REST calls.
    public let account: AccountClient
    /// Websocket base, e.g. `wss://fstream.asterdex.com`.
    public let webSocketBase: String
    /// How often the key is kept alive (Aster: keys live 60 minutes; default every 30).
    public let keepAliveInterval: Duration
    /// Connection settings (stale timeout, backoff, recorder…); `reconnect` is managed here.
    public let configuration: StreamConfiguration
    /// Counters of the current and past connections.
    public let counters = StreamCounters()
    private let logger: Logger

    /// Creates the stream; nothing happens until ``events()`` or ``run(emit:)``.
    public init(account: AccountClient, webSocketBase: String, keepAliveInterval: Duration = .seconds(1_800),
                configuration: StreamConfiguration = .init(staleTimeout: .seconds(3_600)),
                logger: Logger = Logger(label: "AsterKit.UserDataStream")) {
        self.account = account
        var base = webSocketBase
        while base.hasSuffix("/") { base.removeLast() }
        self.webSocketBase = base
        self.keepAliveInterval = keepAliveInterval
        self.configuration = configuration
        self.logger = logger
    }

    /// The user events and state changes, until the consumer stops iterating.
    public func events() -> AsyncStream<StreamEvent> {
        let (stream, continuation) = AsyncStream.makeStream(
            of: StreamEvent.self, bufferingPolicy: .bufferingNewest(configuration.bufferLimit))
        let task = Task { await run { continuation.yield($0) } }
        continuation.onTermination = { _ in task.cancel() }
        Task {
            await task.value
            continuation.finish()
        }
        return stream
    }

    enum Ending: Sendable {
        case expired
        case keepAliveFailed(String)
        case closed(String)
        case stopped
    }

    /// Runs the lifecycle, handing every event to `emit`, until the calling task is cancelled.
    public func run(emit: @escaping @Sendable (StreamEvent) -> Void) async {
        var key: String?
        var attempt = 0
        while !Task.isCancelled {
            if key == nil {
                emit(.state(.authenticating))
                do {
                    if attempt == 0 { try? await account.synchronizeTime() }
                    key = try await account.createListenKey()
                } catch {
                    emit(.state(.disconnected(reason: "listen key: \(error)")))
                    logger.warning("listen key creation failed", metadata: ["error": "\(error)"])
                    attempt += 1
                    if await !backoff(attempt, emit) { break }
                    continue
                }
            }
            let started = ContinuousClock.now
            let ending = await connect(key: key!, emit: emit)
            switch ending {
            case .stopped:
                break
            case .expired:
                key = nil
                emit(.state(.listenKeyInvalid(reason: "listenKeyExpired")))
                continue
            case .keepAliveFailed(let why):
                key = nil
                emit(.state(.listenKeyInvalid(reason: "keepalive failed: \(why)")))
                continue
            case .closed(let why):
                emit(.state(.disconnected(reason: why)))
                // Is the key still good? A keepalive tells; if not, a new key is needed.
                do {
                    try await account.keepAliveListenKey()
                } catch {
                    key = nil
                    emit(.state(.listenKeyInvalid(reason: "keepalive after disconnect failed: \(error)")))
                }
                // A connection that stayed up a while (Aster closes them at 24 hours) starts the
                // backoff over; one that failed at once does not.
                if ContinuousClock.now - started >= configuration.healthyPeriod { attempt = 0 }
                attempt += 1
                counters.reconnect()
                if await !backoff(attempt, emit) { break }
                continue
            }
            break
        }
        if key != nil {
            // DELETE even though this task is cancelled: a fresh task is not.
            let account = self.account
            await Task { try? await account.closeListenKey() }.value
        }
        emit(.state(.stopped))
    }

    private func backoff(_ attempt: Int, _ emit: @Sendable (StreamEvent) -> Void) async -> Bool {
        let delay = configuration.backoff.delay(attempt: attempt, random: Double.random(in: 0...1))
        emit(.state(.reconnecting(attempt: attempt, delay: delay)))
        do { try await Task.sleep(for: delay) } catch { return false }
        return true
    }

    /// One connection on `key`, with its keepalive timer; returns why it ended.
    private func connect(key: String, emit: @escaping @Sendable (StreamEvent) -> Void) async -> Ending {
        var settings = configuration
        settings.reconnect = false
        settings.rolloverAfter = nil
        settings.redacting.append(key)
        let stream = MarketStream(url: "\(webSocketBase)/ws/\(key)", configuration: settings, logger: logger)
        let (endings, ending) = AsyncStream.makeStream(of: Ending.self)
        let counters = self.counters
        let account = self.account
        let interval = keepAliveInterval
        return await withTaskGroup(of: Void.self) { group in
            group.addTask {
                let lastReason = LatestState()
                await stream.run { event in
                    switch event {
                    case .state(.stopped): return
                    case .state(.disconnected(let reason)): lastReason.set(.disconnected(reason: reason))
                    case .message(let m):
                        counters.frame(bytes: 0, at: .now)
                        if case .listenKeyExpired = m.event {
                            emit(event)
                            ending.yield(.expired)
                            return
                        }
                    default: break
                    }
                    emit(event)
                }
                if case .disconnected(let reason)? = lastReason.value {
                    ending.yield(.closed(reason))
                } else {
                    ending.yield(.closed("closed"))
                }
            }
            group.addTask {
                while !Task.isCancelled {
                    do { try await Task.sleep(for: interval) } catch { return }
                    do {
                        try await account.keepAliveListenKey()
                        emit(.state(.keptAlive))
                    } catch {
                        ending.yield(.keepAliveFailed("\(error)"))
                        return
                    }
                }
            }
            var iterator = endings.makeAsyncIterator()
            let result = await withTaskCancellationHandler {
                await iterator.next() ?? .stopped
            } onCancel: {
                ending.finish()
            }
            group.cancelAll()
            return Task.isCancelled ? .stopped : result
        }
    }
}
