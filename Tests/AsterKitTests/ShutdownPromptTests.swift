import AsterTestSupport
import AsterSim
import Foundation
import NIOCore
import NIOPosix
import Synchronization
import Testing

@testable import AsterKit

/// A TCP server on 127.0.0.1 that accepts connections and never says anything (a websocket or TLS
/// handshake to it waits forever).
final class SilentServer: Sendable {
    let port: Int
    private let server: any Channel
    private let children = Mutex<[any Channel]>([])

    private init(server: any Channel, port: Int) {
        self.server = server
        self.port = port
    }

    static func start() async throws -> SilentServer {
        let accepted = AcceptedChannels()
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { channel in
                accepted.add(channel)
                return channel.eventLoop.makeSucceededVoidFuture()
            }
            .bind(host: "127.0.0.1", port: 0).get()
        let silent = SilentServer(server: server, port: server.localAddress?.port ?? 0)
        accepted.owner.withLock { $0 = silent }
        return silent
    }

    /// Connections accepted and still open.
    var openConnections: Int { children.withLock { $0.filter(\.isActive).count } }

    fileprivate func add(_ channel: any Channel) { children.withLock { $0.append(channel) } }

    func stop() async {
        try? await server.close()
        for channel in children.withLock({ $0 }) { try? await channel.close() }
    }
}

/// Hands the accepted channels to the server object (made after the bootstrap).
private final class AcceptedChannels: Sendable {
    let owner = Mutex<SilentServer?>(nil)
    func add(_ channel: any Channel) { owner.withLock { $0 }?.add(channel) }
}

/// Runs `client` until `ready` holds, cancels it, and returns how long `run()` took to return.
func timeToStop(_ service: some ServiceRunning, until ready: @escaping @Sendable () -> Bool) async throws -> Duration {
    let running = Task { try await service.run() }
    try await waitUntil(timeout: .seconds(10)) { ready() }
    let cancelled = ContinuousClock.now
    running.cancel()
    _ = await running.result
    return ContinuousClock.now - cancelled
}

/// Anything with a `run()` (a client, a user stream).
protocol ServiceRunning: Sendable { func run() async throws }
extension StreamClient: ServiceRunning {}
extension UserDataStream: ServiceRunning {}

@Suite("Shutdown is prompt in every state", .serialized, .timeLimit(.minutes(2)))
struct ShutdownPromptTests {
    @Test("cancelled while connecting to an address that never answers, run() returns at once (the connect timeout is 10 s)")
    func duringConnect() async throws {
        let blackhole = try await FaultProxy.start(upstreamPort: 1, seed: 1, paused: true)
        let client = StreamClient(base: "ws://127.0.0.1:\(blackhole.port)", streams: [.aggTrade(symbol: "btcusdt")])
        // The client's SYN is dropped (the accept queue is full: SYN_SENT); should the kernel take the
        // connection all the same, it is established but never accepted, and no byte is ever answered
        // (one ESTABLISHED socket more than the proxy's own filler). Either way the client waits.
        let waiting = { @Sendable in
            loopbackSockets(toPort: blackhole.port, state: "02") > 0 || loopbackSockets(toPort: blackhole.port, state: "01") > 1
        }
        // Which of the two the kernel does varies between machines (a CI run saw neither within
        // 10 s), so the client's own state decides: connecting for 300 ms, and the proxy answered nothing.
        let since = Mutex<ContinuousClock.Instant?>(nil)
        let took = try await timeToStop(client) {
            guard client.state?.state == .connecting else { return false }
            let first = since.withLock { value -> ContinuousClock.Instant in
                if let value { return value }
                value = .now
                return value ?? .now
            }
            return ContinuousClock.now - first > .milliseconds(300)
        }
        #expect(took < .seconds(3), "run() returned \(took) after cancellation")
        #expect(client.state?.state == .stopped)
        try await waitUntil(timeout: .seconds(3)) { !waiting() }
        await blackhole.stop()
    }

    @Test("cancelled during a websocket or TLS handshake the server never answers, run() returns at once",
          arguments: ["ws", "wss"])
    func duringHandshake(scheme: String) async throws {
        let silent = try await SilentServer.start()
        let client = StreamClient(base: "\(scheme)://127.0.0.1:\(silent.port)", streams: [.aggTrade(symbol: "btcusdt")])
        let took = try await timeToStop(client) { silent.openConnections > 0 }
        #expect(took < .seconds(3), "run() returned \(took) after cancellation")
        // The client closed its socket: the server sees the connection end.
        try await waitUntil(timeout: .seconds(3)) { silent.openConnections == 0 }
        await silent.stop()
    }

    @Test("the listen-key DELETE on stop is bounded when the server does not answer")
    func boundedDelete() async throws {
        try await withSimulator(SimConfiguration(seed: 173, rate: 500)) { server, port in
            let user = UserDataStream(account: demoAccount(port: port), webSocketBase: "ws://127.0.0.1:\(port)")
            let took = try await timeToStop(user) {
                guard case .connected? = user.state?.state else { return false }
                server.faults { $0.restDelay = .seconds(8) }  // from now on REST answers come late
                return true
            }
            #expect(took < .seconds(4), "run() returned \(took) after cancellation (the DELETE is bounded by 2 s)")
            server.faults { $0.restDelay = .zero }
        }
    }
}
