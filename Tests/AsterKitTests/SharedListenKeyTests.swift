import AsterTestSupport
import AsterKit
import AsterSim
import Foundation
import Testing

@Suite("Two programs on one account", .serialized, .timeLimit(.minutes(3)))
struct SharedListenKeyTests {
    @Test("the listen key is shared; when one program stops (and deletes it) the other's stream recovers with a new key and its account still equals the server's")
    func oneStopsTheOtherRecovers() async throws {
        try await withSimulator(SimConfiguration(seed: 93, rate: 1_000)) { server, port in
            let fast = StreamConfiguration(backoff: Backoff(initial: .milliseconds(50), maximum: .milliseconds(200)))
            let staying = LiveAccount(account: demoAccount(port: port), webSocketBase: "ws://127.0.0.1:\(port)", configuration: fast)
            let leaving = LiveAccount(account: demoAccount(port: port), webSocketBase: "ws://127.0.0.1:\(port)", configuration: fast)
            try await withRunning(staying) {
                let shared = try await withRunning(leaving) {
                    try await waitUntil {
                        let a = await staying.synced, b = await leaving.synced
                        return a && b
                    }
                    // POST listenKey answered both with the account's one active key.
                    let keys = server.accountSnapshot.listenKeys.keys
                    #expect(keys.count == 1)
                    return Array(keys)
                }
                // `leaving` has stopped and deleted the key: the server closed both streams.
                try await waitUntil {
                    let keys = server.accountSnapshot.listenKeys.keys
                    return keys.count == 1 && !keys.contains(shared[0])
                }
                try await waitUntil {
                    let synced = await staying.synced, snapshots = await staying.snapshots
                    return synced && snapshots >= 2
                }
                try await marketOrder(onDemo: demoAccount(port: port), "BTCUSDT", "BUY", "0.010")
                let id = try await restingOrder(demoAccount(port: port))
                try await waitUntil(timeout: .seconds(30)) {
                    let state = await staying.state
                    return state?.openOrders[id] != nil && equalsServer(state, server)
                }
                #expect(await staying.status.connection != .stopped)
            }
        }
    }
}

/// Places a market order on the simulator's demo account (V1).
func marketOrder(onDemo client: AccountClient, _ symbol: String, _ side: String, _ quantity: String) async throws {
    _ = try await client.signed(.POST, "/fapi/v1/order", [("symbol", symbol), ("side", side), ("type", "MARKET"), ("quantity", quantity)])
}
