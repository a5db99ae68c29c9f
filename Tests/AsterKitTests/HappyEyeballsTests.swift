import AsterTestSupport
import AsterSim
import Foundation
import Logging
import NIOCore
import NIOPosix
import Synchronization
import Testing

@testable import AsterKit

@Suite("Connect with several addresses (Happy Eyeballs)", .serialized, .timeLimit(.minutes(2)))
struct HappyEyeballsTests {
    /// Deterministic: each attempt is held at its gate (before its TCP connect) until the test
    /// lets it go, so the first address wins only after the second attempt has been set up.
    @Test("the first address wins after the second attempt started: its own handshake completes, the loser is closed")
    func firstWinsLate() async throws {
        try await withSimulator(SimConfiguration(seed: 171, rate: 500)) { _, port in
            let gates = AttemptGates()
            var settings = testConnectionSettings(resolver: FixedResolver(addresses: [
                try SocketAddress(ipAddress: "127.0.0.1", port: port),
                try SocketAddress(ipAddress: "127.0.0.1", port: 1),  // never tried: held until the first won
            ]))
            settings.attemptGate = { gates.hold($0) }
            let connecting = Task {
                try await WebSocketConnection.connect(
                    id: ConnectionID(shard: 0, generation: 1), url: "ws://aster.test:\(port)/stream?streams=btcusdt@aggTrade",
                    settings: settings, callbacks: ignoringCallbacks)
            }
            // NIO starts the second attempt 250 ms after the first: both are set up, neither connects.
            try await waitUntil(timeout: .seconds(20)) { gates.count == 2 }
            gates.release(0)
            let connection = try await connecting.value
            #expect(connection.channel === gates.channel(0))
            #expect(connection.channel.remoteAddress?.port == port)
            let reply = try await connection.request(.listSubscriptions(id: 5), timeout: .seconds(5))
            #expect(reply.result == .streams(["btcusdt@aggTrade"]))
            // The losing attempt, let go now, is closed without connecting.
            gates.release(1)
            try await gates.channel(1).closeFuture.get()
            await connection.close()
        }
    }

    @Test("the second address wins while the first never answers")
    func secondWins() async throws {
        try await withSimulator(SimConfiguration(seed: 172, rate: 500)) { _, port in
            let dead = try await FaultProxy.start(upstreamPort: port, seed: 3, paused: true)
            let live = try await FaultProxy.start(upstreamPort: port, seed: 4)
            let resolver = FixedResolver(addresses: [
                try SocketAddress(ipAddress: "127.0.0.1", port: dead.port),
                try SocketAddress(ipAddress: "127.0.0.1", port: live.port),
            ])
            let connection = try await WebSocketConnection.connect(
                id: ConnectionID(shard: 0, generation: 1), url: "ws://aster.test:\(port)/stream?streams=btcusdt@aggTrade",
                settings: testConnectionSettings(resolver: resolver), callbacks: ignoringCallbacks)
            #expect(connection.channel.remoteAddress?.port == live.port)
            let reply = try await connection.request(.listSubscriptions(id: 6), timeout: .seconds(5))
            #expect(reply.result == .streams(["btcusdt@aggTrade"]))
            await connection.close()
            try await waitUntil(timeout: .seconds(5)) { loopbackSockets(toPort: dead.port, state: "02") == 0 }
            await dead.stop()
            await live.stop()
        }
    }
}

/// Holds every connection attempt at its gate until the test lets it go (see
/// `ConnectionSettings.attemptGate`).
final class AttemptGates: Sendable {
    private let held = Mutex<[(channel: any Channel, promise: EventLoopPromise<Void>)]>([])

    /// The gate: completes when ``release(_:)`` is called for this attempt.
    func hold(_ channel: any Channel) -> EventLoopFuture<Void> {
        let promise = channel.eventLoop.makePromise(of: Void.self)
        held.withLock { $0.append((channel, promise)) }
        return promise.futureResult
    }

    /// Attempts set up so far.
    var count: Int { held.withLock { $0.count } }

    /// The channel of attempt `index` (0: the first).
    func channel(_ index: Int) -> any Channel { held.withLock { $0[index].channel } }

    /// Lets attempt `index` connect.
    func release(_ index: Int) { held.withLock { $0[index].promise }.succeed() }

    // An attempt never let go (a failed test) fails, so no promise is left unfulfilled.
    deinit { held.withLock { $0 }.forEach { $0.promise.fail(CancellationError()) } }
}
