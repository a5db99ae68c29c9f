import AsterTestSupport
import AsterSim
import Foundation
import NIOCore
import NIOPosix
import NIOWebSocket
import Testing

@testable import AsterKit

/// The most frames of `frames` that fall within any `window`.
func busiestWindow(_ frames: [FaultProxy.ClientFrame], window: Duration = .seconds(1)) -> Int {
    var best = 0
    var start = 0
    for end in frames.indices {
        while frames[end].at - frames[start].at >= window { start += 1 }
        best = max(best, end - start + 1)
    }
    return best
}

@Suite("Protocol budget and the silence watchdog", .serialized, .timeLimit(.minutes(2)))
struct ProtocolBudgetTests {
    @Test("every frame the client sends, pings and pongs included, stays under 10 a second")
    func pingsAndPongsInBudget() async throws {
        // The server pings often (the client's pongs), the client pings often, and 16 requests go out at once.
        try await withSimulator(SimConfiguration(seed: 176, rate: 500, pingInterval: .milliseconds(400))) { _, port in
            let proxy = try await FaultProxy.start(upstreamPort: port, seed: 5)
            let client = StreamClient(base: "ws://127.0.0.1:\(proxy.port)", streams: [.aggTrade(symbol: "btcusdt")],
                                      configuration: StreamConfiguration(pingInterval: .milliseconds(400)))
            try await withRunning(client) {
                try await waitUntil { client.state?.state == .subscribed(streams: 1) }
                try await withThrowingTaskGroup(of: [String].self) { group in
                    for _ in 0..<16 { group.addTask { try await client.listSubscriptions() } }
                    for try await list in group { #expect(list == ["btcusdt@aggTrade"]) }
                }
            }
            let frames = proxy.clientFrames
            let opcodes = frames.map(\.opcode)  // 0x1 text, 0x9 ping, 0xA pong
            #expect(opcodes.filter { $0 == 0x1 }.count >= 16)
            #expect(opcodes.contains(0x9))
            #expect(opcodes.contains(0xA))
            #expect(busiestWindow(frames) <= 10, "\(busiestWindow(frames)) frames in one second")
            await proxy.stop()
        }
    }

    @Test("subscribing a stream with a guaranteed cadence arms the silence watchdog; unsubscribing it disarms it")
    func watchdogFollowsStreams() async throws {
        try await withSimulator(SimConfiguration(seed: 177, rate: 500)) { server, port in
            let client = StreamClient(base: "ws://127.0.0.1:\(port)", streams: [.aggTrade(symbol: "btcusdt")],
                                      configuration: StreamConfiguration(cadenceStaleTimeout: .seconds(1)))
            let states = client.states()
            let stale = Collected<ConnectionState>()
            let watcher = Task { for await s in states where s.state == .stale { stale.append(s.state) } }
            try await withRunning(client) {
                try await waitUntil { server.subscriptions == [["btcusdt@aggTrade"]] }
                server.setPaused(true)
                try await client.subscribe([.markPrice(symbol: "btcusdt")])
                // The quiet market now breaks the mark-price cadence: the connection is torn down.
                try await waitUntil(timeout: .seconds(6)) { stale.count > 0 }
                server.setPaused(false)
                try await waitUntil { server.subscriptions.count == 1 && server.subscriptions[0].count == 2 }
                try await client.unsubscribe([.markPrice(symbol: "btcusdt")])
                let before = stale.count
                server.setPaused(true)
                try await Task.sleep(for: .seconds(3))
                #expect(stale.count == before, "a connection without cadence streams is not torn down for silence")
                server.setPaused(false)
            }
            await watcher.value
        }
    }
}

