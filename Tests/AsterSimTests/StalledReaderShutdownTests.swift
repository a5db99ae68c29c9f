import AsterKit
import AsterSim
import AsterTestSupport
import NIOCore
import NIOPosix
import Testing

/// A websocket client that sends its upgrade request and then reads nothing (a peer that stopped
/// reading), with a small receive buffer so the server's writes soon wait on it.
struct StalledReader {
    let channel: any Channel

    static func connect(port: Int, path: String) async throws -> StalledReader {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelOption(.autoRead, value: false)
            .channelOption(.socketOption(.so_rcvbuf), value: 4_096)
            .connect(host: "127.0.0.1", port: port).get()
        let request = "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
        try await channel.writeAndFlush(ByteBuffer(string: request)).get()
        return StalledReader(channel: channel)
    }

    func close() async { try? await channel.close() }
}

@Suite("Simulator stop with a client that stopped reading", .serialized, .timeLimit(.minutes(3)))
struct StalledReaderShutdownTests {
    /// The fault run's hang: a connection's writer waited on a socket nobody read, ignoring
    /// cancellation, so the simulator's `run()` never returned.
    @Test("cancelled while its writer waits on a client that stopped reading, the simulator stops promptly")
    func stopsWithStalledReader() async throws {
        let server = SimServer(configuration: SimConfiguration(seed: 21, rate: 20_000))
        let (ports, portIn) = AsyncStream.makeStream(of: Int.self)
        let running = Task { try await server.run { portIn.yield($0) } }
        var it = ports.makeAsyncIterator()
        let port = try #require(await it.next())
        let streams = simulatorStreams(symbols: ["BTCUSDT", "ETHUSDT"]).map(\.name)
        let reader = try await StalledReader.connect(port: port, path: "/stream?streams=" + streams.joined(separator: "/"))
        // Once the socket buffers are full the writer waits, and the frames behind it are dropped.
        try await waitUntil(timeout: .seconds(90)) { server.frameCounts.dropped > 0 }
        running.cancel()
        let stopped = await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                _ = try? await running.value
                return true
            }
            group.addTask {
                try? await Task.sleep(for: .seconds(10))
                return false
            }
            let first = await group.next() ?? false
            // On a simulator that ignores the cancellation, closing the client lets it go (so the
            // run ends either way).
            if !first { await reader.close() }
            group.cancelAll()
            return first
        }
        #expect(stopped, "the simulator was still running 10 s after its cancellation")
        await reader.close()
    }
}
