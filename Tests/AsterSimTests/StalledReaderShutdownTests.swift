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
        #expect(await stopsPromptly([reader.channel], running), "the simulator was still running 10 s after its cancellation")
    }
}

/// Cancels a running simulator and reports whether `run()` returned within 10 s; the clients are
/// closed afterwards either way (which lets a simulator that ignored the cancellation go), so a
/// hang on old code fails the test instead of the run.
func stopsPromptly(_ clients: [any Channel], _ server: Task<Void, any Error>) async -> Bool {
    server.cancel()
    let stopped = await withTaskGroup(of: Bool.self) { group in
        group.addTask {
            _ = try? await server.value
            return true
        }
        group.addTask {
            try? await Task.sleep(for: .seconds(10))
            return false
        }
        let first = await group.next() ?? false
        if !first { for client in clients { try? await client.close() } }
        group.cancelAll()
        return first
    }
    for client in clients { try? await client.close() }
    return stopped
}

@Suite("Simulator stop with connections that never leave", .serialized, .timeLimit(.minutes(3)))
struct IdleConnectionShutdownTests {
    private func startSimulator(seed: UInt64) async throws -> (Task<Void, any Error>, Int) {
        let server = SimServer(configuration: SimConfiguration(seed: seed, rate: 1_000))
        let (ports, portIn) = AsyncStream.makeStream(of: Int.self)
        let running = Task { try await server.run { portIn.yield($0) } }
        var it = ports.makeAsyncIterator()
        guard let port = await it.next() else { throw CancellationError() }
        return (running, port)
    }

    private func connect(_ port: Int) async throws -> any Channel {
        try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port).get()
    }

    /// The CI hang: an HTTP client's pool connection, opened for a request that was cancelled
    /// before it was sent, sat idle; Hummingbird waited for its first request, and the test
    /// waited ten minutes for the simulator to stop.
    @Test("a connection that never sends a request does not hold the stop")
    func silentConnection() async throws {
        let (server, port) = try await startSimulator(seed: 22)
        let silent = try await connect(port)
        try await Task.sleep(for: .milliseconds(200))   // accepted and set up on the server
        #expect(await stopsPromptly([silent], server), "the simulator was still running 10 s after its cancellation")
    }

    @Test("idle keep-alive connections after answered requests, and a half-sent request, do not hold the stop")
    func keepAliveConnections() async throws {
        let (server, port) = try await startSimulator(seed: 23)
        var clients: [any Channel] = []
        for _ in 0..<3 {
            let channel = try await connect(port)
            try await channel.writeAndFlush(ByteBuffer(string: "GET /fapi/v1/ping HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")).get()
            clients.append(channel)
        }
        let partial = try await connect(port)
        try await partial.writeAndFlush(ByteBuffer(string: "GET /fapi/v1/time HTTP/1.1\r\nHost: 12")).get()
        clients.append(partial)
        try await Task.sleep(for: .milliseconds(300))
        #expect(await stopsPromptly(clients, server), "the simulator was still running 10 s after its cancellation")
    }
}
