import AsterTestSupport
@testable import AsterKit
import Foundation
import Hummingbird
import Logging
import Testing

/// Serves `GET /fapi/v1/depth` with one bid at 1 and the `lastUpdateId` set for the symbol.
func withDepthServer<T: Sendable>(_ ids: Locked<[String: Int64]>, _ body: @Sendable (Int) async throws -> T) async throws -> T {
    let router = Router()
    router.get("/fapi/v1/depth") { request, _ -> Response in
        let symbol = request.uri.queryParameters.get("symbol") ?? ""
        let id = ids.value[symbol] ?? 1
        let text = #"{"lastUpdateId":\#(id),"E":1,"T":1,"bids":[["1.00","1"]],"asks":[["90.00","1"]]}"#
        return Response(status: .ok, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }
    let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
    var logger = Logger(label: "test")
    logger.logLevel = .error
    let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                          onServerRunning: { portContinuation.yield($0.localAddress?.port ?? 0) }, logger: logger)
    return try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask { try await app.run(); return nil }
        var it = ports.makeAsyncIterator()
        let port = try #require(await it.next())
        let result = try await body(port)
        group.cancelAll()
        return result
    }
}

@Suite("Loss is never silent: local books", .serialized, .timeLimit(.minutes(2)))
struct BookLossTests {
    static func diff(_ stream: String, _ symbol: String, _ U: Int64, _ u: Int64, _ pu: Int64, bid: String) -> StreamEvent {
        .message(StreamMessage(stream: stream, event: .depth(DepthUpdate(
            eventTime: 1, transactionTime: 1, symbol: symbol, firstUpdateId: U, finalUpdateId: u, previousFinalUpdateId: pu,
            bids: [PriceLevel(price: dec(bid), quantity: 1)], asks: []))))
    }

    static func connected(_ symbols: [String]) -> StreamEvent {
        .state(ConnectionUpdate(connection: ConnectionID(shard: 0, generation: 1), state: .connected,
                                streams: OrderBookManager.streams(symbols: symbols).map(\.name)))
    }

    @Test("a book takes only the diff stream it subscribed: partial depth and another speed on the same client are ignored")
    func onlyItsDiffStream() async throws {
        let ids = Locked<[String: Int64]>(["BTCUSDT": 100])
        try await withDepthServer(ids) { port in
            let manager = OrderBookManager(symbols: ["BTCUSDT"], rest: RESTClient(baseURL: "http://127.0.0.1:\(port)"))
            let (events, input) = AsyncStream.makeStream(of: StreamEvent.self)
            let running = Task { await manager.run(events) }
            input.yield(Self.connected(["BTCUSDT"]))
            input.yield(Self.diff("btcusdt@depth@100ms", "BTCUSDT", 95, 105, 94, bid: "2"))
            try await waitUntil { await manager.status("BTCUSDT")?.state == .live }
            // The dashboard's partial book and a second diff speed share the client: their
            // depthUpdate events carry the same symbol but other ids and levels.
            input.yield(Self.diff("btcusdt@depth20@100ms", "BTCUSDT", 200, 210, 199, bid: "9"))
            input.yield(Self.diff("btcusdt@depth@500ms", "BTCUSDT", 96, 110, 94, bid: "8"))
            input.yield(Self.diff("btcusdt@depth", "BTCUSDT", 106, 109, 105, bid: "7"))
            input.yield(Self.diff("btcusdt@depth@100ms", "BTCUSDT", 106, 110, 105, bid: "3"))
            try await waitUntil { await manager.book("BTCUSDT")?.lastUpdateId == 110 }
            let status = try #require(await manager.status("BTCUSDT"))
            #expect(status.state == .live && status.resyncs == 0 && status.updatesApplied == 2)
            #expect(await manager.book("BTCUSDT")?.bids.levels.map(\.price) == [3, 2, 1])
            input.finish()
            await running.value
        }
    }

    @Test("when the feed drops events every book starts over from a snapshot, even a quiet one whose chain shows no gap")
    func feedDrops() async throws {
        let ids = Locked<[String: Int64]>(["BTCUSDT": 100, "ETHUSDT": 100])
        try await withDepthServer(ids) { port in
            let manager = OrderBookManager(symbols: ["BTCUSDT", "ETHUSDT"], rest: RESTClient(baseURL: "http://127.0.0.1:\(port)"))
            let fanOut = FanOut<StreamEvent>()
            let feed = fanOut.feed(bufferLimit: 3, FeedCollectors.events)
            let running = Task { await manager.run(feed) }
            fanOut.deliver([Self.connected(["BTCUSDT", "ETHUSDT"])])
            fanOut.deliver([Self.diff("btcusdt@depth@100ms", "BTCUSDT", 95, 105, 94, bid: "2")])
            fanOut.deliver([Self.diff("ethusdt@depth@100ms", "ETHUSDT", 95, 105, 94, bid: "2")])
            try await waitUntil {
                let btc = await manager.status("BTCUSDT")?.state, eth = await manager.status("ETHUSDT")?.state
                return btc == .live && eth == .live
            }
            // One batch beyond the feed's three places: ETH's next diff is dropped, and no later
            // ETH diff would reveal the gap.
            ids.value = ["BTCUSDT": 120, "ETHUSDT": 120]
            fanOut.deliver([Self.diff("ethusdt@depth@100ms", "ETHUSDT", 106, 110, 105, bid: "3"),
                            Self.diff("btcusdt@depth@100ms", "BTCUSDT", 106, 110, 105, bid: "3"),
                            Self.diff("btcusdt@depth@100ms", "BTCUSDT", 111, 115, 110, bid: "4"),
                            Self.diff("btcusdt@depth@100ms", "BTCUSDT", 116, 121, 115, bid: "5")])
            try await waitUntil { await manager.droppedEvents == 1 }
            #expect(await manager.status("ETHUSDT")?.resyncs == 1)
            #expect(await manager.status("ETHUSDT")?.state != .live)
            fanOut.deliver([Self.diff("ethusdt@depth@100ms", "ETHUSDT", 119, 125, 118, bid: "6")])
            try await waitUntil { await manager.status("ETHUSDT").map { $0.state == .live && $0.snapshots == 2 } == true }
            fanOut.finish()
            await running.value
        }
    }
}
