import AsterTestSupport
import AsterSim
import Foundation
import Testing

@testable import AsterKit

@Suite("Live changes converge", .serialized, .timeLimit(.minutes(2)))
struct LiveChangeConvergenceTests {
    @Test("a switch whose UNSUBSCRIBE reply is lost still converges, and the other shard carries its part")
    func lostUnsubscribeReply() async throws {
        try await withSimulator(SimConfiguration(seed: 174, rate: 500)) { server, port in
            let client = StreamClient(
                base: "ws://127.0.0.1:\(port)",
                streams: [.aggTrade(symbol: "btcusdt"), .bookTicker(symbol: "btcusdt"),
                          .aggTrade(symbol: "ethusdt"), .bookTicker(symbol: "ethusdt")],
                configuration: StreamConfiguration(backoff: Backoff(initial: .milliseconds(100), maximum: .seconds(1)),
                                                   requestTimeout: .seconds(1)),
                maxStreamsPerConnection: 2)
            try await withRunning(client) {
                try await waitUntil { server.subscriptions.count == 2 }
                server.faults { $0.dropUnsubscribeReplies = 1 }
                // The focus moves from BTC to SOL (shard 0); ETH's book ticker goes too (shard 1).
                await #expect(throws: LiveRequestError.self) {
                    try await client.change(
                        subscribe: [.aggTrade(symbol: "solusdt"), .bookTicker(symbol: "solusdt")],
                        unsubscribe: [.aggTrade(symbol: "btcusdt"), .bookTicker(symbol: "btcusdt"), .bookTicker(symbol: "ethusdt")])
                }
                #expect(server.faultState.droppedUnsubscribeReplies == 1)
                let wanted = [["solusdt@aggTrade", "solusdt@bookTicker"], ["ethusdt@aggTrade"]]
                try await waitUntil(timeout: .seconds(5)) { server.subscriptions.map { $0.sorted() }.sorted { $0.count > $1.count } == wanted }
                // The client's record converged too: it knows what each connection carries, so the
                // next change is exactly what is sent.
                try await client.unsubscribe([.aggTrade(symbol: "ethusdt")])
                try await waitUntil(timeout: .seconds(5)) {
                    server.subscriptions.map { $0.sorted() }.sorted { $0.count > $1.count } == [wanted[0], []]
                }
                #expect(try await client.listSubscriptions().sorted() == ["solusdt@aggTrade", "solusdt@bookTicker"])
            }
        }
    }
}
