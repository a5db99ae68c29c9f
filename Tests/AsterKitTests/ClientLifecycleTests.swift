import AsterTestSupport
import AsterKit
import AsterSim
import Crypto
import Foundation
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import Synchronization
import Testing


@Suite("Client lifecycle: nothing left open, order kept, liveness", .serialized, .timeLimit(.minutes(3)))
struct ClientLifecycleTests {
    @Test("after run() returns no socket is open, sharded case included; graceful shutdown does the same")
    func nothingLeftOpen() async throws {
        try await withSimulator(SimConfiguration(seed: 61, rate: 5_000)) { server, port in
            let streams = [StreamName.aggTrade(symbol: "btcusdt"), .aggTrade(symbol: "ethusdt"), .bookTicker(symbol: "btcusdt"),
                           .bookTicker(symbol: "ethusdt"), .aggTrade(symbol: "solusdt")]
            let client = StreamClient(base: "ws://127.0.0.1:\(port)", streams: streams, maxStreamsPerConnection: 2)
            #expect(client.connectionCount == 3)
            let trades = client.aggregateTrades()
            let seen = Collected<Int64>()
            let consumer = Task { for await t in trades { seen.append(t.aggregateTradeId) } }
            try await withRunning(client) {
                try await waitUntil { server.openConnections == 3 && seen.count > 0 }
            }
            // run() has returned: every connection is closed, and the consumer's feed has ended.
            try await waitUntil(timeout: .seconds(3)) { server.openConnections == 0 }
            await consumer.value

            // The same client type in a ServiceGroup, stopped by a graceful shutdown.
            let second = StreamClient(base: "ws://127.0.0.1:\(port)", streams: streams, maxStreamsPerConnection: 2)
            var logger = Logger(label: "test")
            logger.logLevel = .error
            let group = ServiceGroup(services: [second], gracefulShutdownSignals: [], logger: logger)
            let running = Task { try await group.run() }
            try await waitUntil { server.openConnections == 3 }
            await group.triggerGracefulShutdown()
            try await running.value
            try await waitUntil(timeout: .seconds(3)) { server.openConnections == 0 }
            #expect(second.state?.state == .stopped)
        }
    }

    @Test("a subscription made during a rollover's overlap is carried by the successor")
    func subscribeDuringOverlap() async throws {
        try await withSimulator(SimConfiguration(seed: 62, rate: 5_000)) { server, port in
            // A paused market sends nothing, so the overlap stays open until its grace runs out.
            server.setPaused(true)
            let client = StreamClient(base: "ws://127.0.0.1:\(port)", streams: [.aggTrade(symbol: "btcusdt")],
                                      configuration: StreamConfiguration(rolloverAfter: .seconds(1), rolloverGrace: .seconds(3)))
            let states = client.states()
            let rolled = Task { for await s in states where s.state == .rolledOver { return true }; return false }
            try await withRunning(client) {
                try await waitUntil { server.openConnections == 2 }   // the successor is open beside the old one
                try await client.subscribe([.bookTicker(symbol: "ethusdt")])
                server.setPaused(false)
                #expect(await rolled.value)
                #expect(server.subscriptions.allSatisfy { $0 == ["btcusdt@aggTrade", "ethusdt@bookTicker"] }, "\(server.subscriptions)")
                #expect(try await client.listSubscriptions() == ["btcusdt@aggTrade", "ethusdt@bookTicker"])
            }
        }
    }

    @Test("concurrent subscribes never put more than 200 streams on a connection")
    func concurrentSubscribes() async throws {
        let (symbols, all) = manyStreams(350)
        try await withSimulator(SimConfiguration(seed: 63, rate: 5_000, symbols: symbols)) { server, port in
            let client = StreamClient(base: "ws://127.0.0.1:\(port)", streams: Array(all.prefix(150)))
            let extra = Array(all.dropFirst(150))
            try await withRunning(client) {
                try await waitUntil { server.openConnections == 1 }
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for start in stride(from: 0, to: extra.count, by: 20) {
                        let slice = Array(extra[start..<min(start + 20, extra.count)])
                        group.addTask { try await client.subscribe(slice) }
                    }
                    try await group.waitForAll()
                }
                #expect(client.streams.allSatisfy { $0.count <= 200 })
                try await waitUntil { server.openConnections == 2 && server.subscriptions.map(\.count).reduce(0, +) == 350 }
                #expect(server.subscriptions.allSatisfy { $0.count <= 200 }, "\(server.subscriptions.map(\.count))")
                #expect(Set(server.subscriptions.joined()) == Set(all.map(\.name)))
            }
        }
    }

    @Test("events of a stream stay in server order across rollovers with both cores busy")
    func orderUnderLoad() async throws {
        let busy = Collected<Bool>()   // empty: keep burning
        let burners = (0..<2).map { _ in
            Thread { var x = 0; while busy.count == 0 { x &+= 1 } }
        }
        burners.forEach { $0.start() }
        defer { busy.append(true) }
        try await withSimulator(SimConfiguration(seed: 64, rate: 8_000, maxConnectionAge: .milliseconds(2_500))) { _, port in
            let client = StreamClient(base: "ws://127.0.0.1:\(port)", streams: [.aggTrade(symbol: "btcusdt"), .aggTrade(symbol: "ethusdt")],
                                      configuration: StreamConfiguration(rolloverAfter: .seconds(1)))
            let received = Collected<AggregateTrade>()
            let trades = client.aggregateTrades(bufferLimit: 1_000_000)
            let consumer = Task { for await t in trades { received.append(t) } }
            try await withRunning(client) {
                try await waitUntil(timeout: .seconds(40)) { client.statistics.rollovers >= 3 }
            }
            await consumer.value
            for (symbol, trades) in Dictionary(grouping: received.all, by: \.symbol) {
                let list = trades.map(\.aggregateTradeId)
                #expect(list.count > 20)
                let disorder = zip(list, list.dropFirst()).filter { $1 != $0 + 1 }
                #expect(disorder.isEmpty, "\(symbol): ids out of order, repeated or missing: \(disorder.prefix(5))")
            }
            #expect(client.statistics.reconnects == 0)
        }
    }

    @Test("a connection carrying only streams that may be silent is not torn down for silence; a cadence stream is")
    func quietStreamsStayUp() async throws {
        try await FrameServer(frames: []).run { port in
            // The defaults, scaled down: the cadence limit is 500 ms instead of 60 s.
            let settings = StreamConfiguration(cadenceStaleTimeout: .milliseconds(500), pingInterval: .milliseconds(200),
                                               backoff: Backoff(initial: .milliseconds(50)))
            let quiet = StreamClient(base: "ws://127.0.0.1:\(port)",
                                     streams: [.liquidations(symbol: "btcusdt"), .aggTrade(symbol: "quietusdt")], configuration: settings)
            try await withRunning(quiet) { try await Task.sleep(for: .milliseconds(1_500)) }   // 3 × the limit
            #expect(quiet.statistics.reconnects == 0 && quiet.statistics.staleDisconnects == 0)

            let cadence = StreamClient(base: "ws://127.0.0.1:\(port)", streams: [.markPrice(symbol: "btcusdt")], configuration: settings)
            try await withRunning(cadence) { try await waitUntil(timeout: .seconds(5)) { cadence.statistics.staleDisconnects >= 1 } }

            // An explicit stale timeout applies to any stream.
            var explicit = settings
            explicit.staleTimeout = .milliseconds(500)
            let strict = StreamClient(base: "ws://127.0.0.1:\(port)", streams: [.aggTrade(symbol: "btcusdt")], configuration: explicit)
            try await withRunning(strict) { try await waitUntil(timeout: .seconds(5)) { strict.statistics.reconnects >= 1 } }
        }
    }

    @Test("a peer that stops answering (no pongs) is detected within the ping timeout")
    func deadPeer() async throws {
        try await withSilentPeer { port in
            let client = StreamClient(base: "ws://127.0.0.1:\(port)", streams: [.liquidations(symbol: "btcusdt")],
                                      configuration: StreamConfiguration(pingInterval: .milliseconds(200), pingTimeout: .milliseconds(500),
                                                                         reconnect: false))
            let states = client.states()
            let started = ContinuousClock.now
            try await client.run()   // ends once the dead peer is detected (no reconnects)
            let elapsed = ContinuousClock.now - started
            var reasons: [String] = []
            for await s in states { if case .disconnected(let r) = s.state { reasons.append(r) } }
            #expect(reasons.contains { $0.contains("no pong") }, "\(reasons)")
            #expect(elapsed < .seconds(3), "detected after \(elapsed)")
        }
    }
}

/// A websocket peer that completes the handshake, then neither reads nor answers anything.
func withSilentPeer<T: Sendable>(_ body: @Sendable (Int) async throws -> T) async throws -> T {
    let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
        .childChannelInitializer { child in
            child.eventLoop.makeCompletedFuture { try child.pipeline.syncOperations.addHandler(SilentPeerHandler()) }
        }
        .bind(host: "127.0.0.1", port: 0).get()
    let port = channel.localAddress?.port ?? 0
    do {
        let result = try await body(port)
        try await channel.close()
        return result
    } catch {
        try? await channel.close()
        throw error
    }
}

private final class SilentPeerHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer
    private var request = ""
    private var upgraded = false

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !upgraded else { return }  // swallow every frame, pings included
        var buffer = unwrapInboundIn(data)
        request += buffer.readString(length: buffer.readableBytes) ?? ""
        guard request.contains("\r\n\r\n") else { return }
        upgraded = true
        let key = request.split(separator: "\r\n").first { $0.lowercased().hasPrefix("sec-websocket-key:") }
            .map { $0.split(separator: ":", maxSplits: 1)[1].trimmingCharacters(in: .whitespaces) } ?? ""
        let digest = Insecure.SHA1.hash(data: Data((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").utf8))
        let accept = Data(digest).base64EncodedString()
        let response = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: \(accept)\r\n\r\n"
        context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(string: response)), promise: nil)
    }
}
