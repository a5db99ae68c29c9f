import AsterKit
import AsterSim
import AsterTestSupport
import Foundation
import Testing

@Suite("aster-tui book", .serialized, .timeLimit(.minutes(3)))
struct BookCommandTests {
    @Test("`aster-tui book --json` prints the synchronised book, equal to the exchange's")
    func json() async throws {
        let binary = try asterTUIBinary()
        try await withSimulator(SimConfiguration(seed: 31, rate: 5_000)) { server, port in
            async let run = runProcess(binary, ["book", "btcusdt", "--url", "ws://127.0.0.1:\(port)",
                                                "--rest-url", "http://127.0.0.1:\(port)", "--levels", "10", "--json",
                                                "--duration", "4"])
            try await Task.sleep(for: .seconds(2))
            server.setPaused(true)
            let result = try await run
            #expect(result.status == 0, "\(result.stderr)")
            let printed = try #require(parse(result.stdout) as? [String: Any])
            let truth = try await RESTClient(baseURL: "http://127.0.0.1:\(port)").depth(symbol: "BTCUSDT", limit: 10)
            #expect(printed["symbol"] as? String == "BTCUSDT")
            #expect((printed["lastUpdateId"] as? NSNumber)?.int64Value == truth.lastUpdateId)
            #expect(printed["bids"] as? [[String]] == truth.bids.map { [$0.price.description, $0.quantity.description] })
            #expect(printed["asks"] as? [[String]] == truth.asks.map { [$0.price.description, $0.quantity.description] })
            #expect((printed["bids"] as? [[String]])?.count == 10)
        }
    }

    @Test("bad arguments exit non-zero", arguments: [["book"], ["book", "BTC-USDT"], ["book", "BTCUSDT", "--levels", "0"]])
    func bad(arguments: [String]) async throws {
        let result = try await runProcess(try asterTUIBinary(), arguments)
        #expect(result.status != 0 && !result.stderr.isEmpty)
    }
}
