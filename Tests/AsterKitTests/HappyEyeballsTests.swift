import AsterTestSupport
import AsterSim
import Foundation
import Logging
import NIOCore
import NIOPosix
import Testing

@testable import AsterKit

@Suite("Connect with several addresses (Happy Eyeballs)", .serialized, .timeLimit(.minutes(2)))
struct HappyEyeballsTests {
    /// Opt-in (`ASTER_FAULT_RUN=1`): it needs the kernel to keep the first SYN unanswered until
    /// the second attempt starts, which a loaded 2-core machine did not always do within 5 s.
    @Test("the first address wins after the second attempt started: its own handshake completes",
          .enabled(if: ProcessInfo.processInfo.environment["ASTER_FAULT_RUN"] != nil, "set ASTER_FAULT_RUN=1 to run it"))
    func firstWinsLate() async throws {
        try await withSimulator(SimConfiguration(seed: 171, rate: 500)) { _, port in
            // Both addresses drop SYNs at first; the first starts accepting once the second attempt
            // is under way, so its connect completes at its SYN retransmission (about 1 s in).
            let first = try await FaultProxy.start(upstreamPort: port, seed: 1, paused: true)
            let second = try await FaultProxy.start(upstreamPort: port, seed: 2, paused: true)
            let resolver = FixedResolver(addresses: [
                try SocketAddress(ipAddress: "127.0.0.1", port: first.port),
                try SocketAddress(ipAddress: "127.0.0.1", port: second.port),
            ])
            let connecting = Task {
                try await WebSocketConnection.connect(
                    id: ConnectionID(shard: 0, generation: 1), url: "ws://aster.test:\(port)/stream?streams=btcusdt@aggTrade",
                    settings: testConnectionSettings(resolver: resolver), callbacks: ignoringCallbacks)
            }
            try await waitUntil(timeout: .seconds(5)) { loopbackSockets(toPort: second.port, state: "02") > 0 }
            try await first.resume()
            let connection = try await connecting.value
            #expect(first.accepted >= 1)
            #expect(connection.channel.remoteAddress?.port == first.port)
            let reply = try await connection.request(.listSubscriptions(id: 5), timeout: .seconds(5))
            #expect(reply.result == .streams(["btcusdt@aggTrade"]))
            await connection.close()
            // The losing attempt's socket is gone too.
            try await waitUntil(timeout: .seconds(5)) { loopbackSockets(toPort: second.port, state: "02") == 0 }
            await first.stop()
            await second.stop()
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
