import AsterTestSupport
@testable import AsterKit
import AsterSim
import Foundation
import Hummingbird
import Logging
import Testing

/// An ORDER_TRADE_UPDATE of the simulator's demo account (tests only).
func orderEvent(_ id: Int64, status: String, execution: String, at time: Int64, filled: String = "0", last: String = "0",
                symbol: String = "ETHUSDT") throws -> AsterEvent {
    try EventDecoder().decode(#"""
    {"e":"ORDER_TRADE_UPDATE","E":\#(time),"T":\#(time),"o":{"s":"\#(symbol)","c":"c\#(id)","S":"BUY","o":"LIMIT","f":"GTC","q":"0.10","p":"100","ap":"0","sp":"0","x":"\#(execution)","X":"\#(status)","i":\#(id),"l":"\#(last)","z":"\#(filled)","L":"100","N":"USDT","n":"0","T":\#(time),"t":\#(time),"b":"0","a":"0","m":true,"R":false,"wt":"CONTRACT_PRICE","ot":"LIMIT","ps":"BOTH","cp":false,"rp":"0"}}
    """#).event
}

/// Places a resting limit order (ETHUSDT, far below the market) on the demo account; its id.
func restingOrder(_ client: AccountClient) async throws -> Int64 {
    let body = try await client.signed(.POST, "/fapi/v1/order", [("symbol", "ETHUSDT"), ("side", "BUY"), ("type", "LIMIT"),
                                                                  ("timeInForce", "GTC"), ("quantity", "0.10"), ("price", "100")])
    let placed = try #require(try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any])
    return try #require((placed["orderId"] as? NSNumber)?.int64Value)
}

/// Whether `state` shows what the simulator's demo account holds.
func equalsServer(_ state: AccountState?, _ server: SimServer) -> Bool {
    guard let state else { return false }
    let sim = server.accountSnapshot
    return state.balances["USDT"]?.walletBalance == sim.wallet
        && Set(state.openOrders.keys) == Set(sim.orders.keys)
        && state.openOrders.allSatisfy { sim.orders[$0.key]?.executed == $0.value.filled }
        && state.openPositions.allSatisfy { sim.positions[$0.symbol]?.amount == $0.amount }
        && state.openPositions.count == sim.positions.filter({ !$0.value.amount.isZero }).count
}

@Suite("Loss is never silent: LiveAccount", .serialized, .timeLimit(.minutes(3)))
struct LiveAccountLossTests {
    @Test("events the user stream's feed dropped make LiveAccount take a fresh snapshot: the account still equals the server's")
    func feedDrops() async throws {
        try await withSimulator(SimConfiguration(seed: 91, rate: 1_000)) { server, port in
            let client = demoAccount(port: port)
            let live = LiveAccount(account: client, webSocketBase: "ws://127.0.0.1:\(port)",
                                   configuration: StreamConfiguration(bufferLimit: 4))
            try await withRunning(live) {
                try await waitUntil { await live.synced }
                let id = try await restingOrder(client)
                try await waitUntil { await live.state?.openOrders[id] != nil }
                let known = try #require(await live.state?.openOrders[id]?.updatedAt)
                try await waitUntil { client.timestamp() > known + 5 }
                let resyncs = await live.resyncs
                // A burst beyond the feed's four places: six are dropped. The four left say the
                // order was cancelled; applied on their own they would leave the account wrong.
                let burst = try orderEvent(id, status: "CANCELED", execution: "CANCELED", at: known + 1)
                live.stream.hub.deliver(Array(repeating: .message(StreamMessage(stream: nil, event: burst)), count: 10))
                try await waitUntil {
                    let status = await live.status
                    return status.resyncs > resyncs && status.synced
                }
                #expect(await live.status.lastResync?.contains("dropped") == true)
                try await waitUntil { equalsServer(await live.state, server) }
                #expect(await live.state?.openOrders[id] != nil)
            }
        }
    }

    @Test("a fill that skips an earlier fill of its order is a lost event: a fresh snapshot, not a wrong filled quantity")
    func skippedFill() async throws {
        try await withSimulator(SimConfiguration(seed: 92, rate: 1_000)) { server, port in
            let client = demoAccount(port: port)
            let live = LiveAccount(account: client, webSocketBase: "ws://127.0.0.1:\(port)")
            try await withRunning(live) {
                try await waitUntil { await live.synced }
                let id = try await restingOrder(client)
                try await waitUntil { await live.state?.openOrders[id] != nil }
                let known = try #require(await live.state?.openOrders[id]?.updatedAt)
                try await waitUntil { client.timestamp() > known + 5 }
                // Filled 0.02 in all with a last fill of 0.01: the first 0.01 never arrived.
                let fill = try orderEvent(id, status: "PARTIALLY_FILLED", execution: "TRADE", at: known + 1, filled: "0.02", last: "0.01")
                #expect(await live.state?.skippedFill(before: fill) != nil)
                live.stream.hub.deliver([.message(StreamMessage(stream: nil, event: fill))])
                try await waitUntil {
                    let status = await live.status
                    return status.resyncs == 1 && status.synced
                }
                #expect(await live.status.lastResync?.contains("a fill was missed") == true)
                try await waitUntil { equalsServer(await live.state, server) }
                #expect(await live.state?.openOrders[id]?.filled == .zero)
            }
        }
    }

    @Test("the chain of fills: a fill that follows the known filled quantity, or a late older one, is no gap")
    func fillChain() throws {
        var state = AccountState(account: AccountInformation(updateTime: 0, totalWalletBalance: 1000, totalUnrealizedProfit: .zero,
                                                             totalMarginBalance: 1000, availableBalance: 1000,
                                                             assets: [AssetBalance(asset: "USDT", walletBalance: 1000)], positions: []),
                                 openOrders: [], at: 0)
        state.apply(try orderEvent(7, status: "NEW", execution: "NEW", at: 10))
        let first = try orderEvent(7, status: "PARTIALLY_FILLED", execution: "TRADE", at: 11, filled: "0.01", last: "0.01")
        #expect(state.skippedFill(before: first) == nil)
        state.apply(first)
        #expect(state.skippedFill(before: try orderEvent(7, status: "FILLED", execution: "TRADE", at: 12, filled: "0.10", last: "0.09")) == nil)
        #expect(state.skippedFill(before: try orderEvent(7, status: "FILLED", execution: "TRADE", at: 12, filled: "0.10", last: "0.05")) != nil)
        #expect(state.skippedFill(before: try orderEvent(7, status: "PARTIALLY_FILLED", execution: "TRADE", at: 9, filled: "0.05", last: "0.01")) == nil,
                "older than the order's last change: a late arrival, not a gap")
        #expect(state.skippedFill(before: try orderEvent(8, status: "FILLED", execution: "TRADE", at: 12, filled: "0.10", last: "0.05")) == nil,
                "an order not known open")
    }

    @Test("events pushed out of the capped list kept while unsynced are counted once and ask for a newer snapshot")
    func pendingOverflow() async throws {
        let account = AccountClient(rest: RESTClient(baseURL: "http://127.0.0.1:1"), credentials: .hmac(apiKey: "k", secret: Secret("s")))
        let live = LiveAccount(account: account, webSocketBase: "ws://127.0.0.1:1")
        let event = StreamEvent.message(StreamMessage(stream: nil, event: try orderEvent(1, status: "NEW", execution: "NEW", at: 1)))
        for _ in 0..<LiveAccount.pendingLimit { await live.handle(event) }
        #expect(await live.resyncs == 0)
        await live.handle(event)
        #expect(await live.resyncs == 1)
        #expect(await live.status.lastResync?.contains("pushed out") == true)
        // The snapshot asked for has not started: later overflows are covered by it.
        for _ in 0..<10 { await live.handle(event) }
        let status = await live.status
        #expect(status.resyncs == 1 && !status.synced)
    }
}
