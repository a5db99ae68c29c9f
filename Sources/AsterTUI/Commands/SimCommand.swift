import ArgumentParser
import AsterSim
import Foundation

/// `aster-tui sim`: run the embedded Aster exchange simulator standalone.
struct SimCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sim",
        abstract: "Run the Aster exchange simulator (websocket streams and REST on one port).",
        discussion: """
            Any Aster client can connect: ws://HOST:PORT/ws/<stream>, ws://HOST:PORT/stream?streams=a/b,
            live SUBSCRIBE/UNSUBSCRIBE/LIST_SUBSCRIPTIONS/SET_PROPERTY/GET_PROPERTY, and
            http://HOST:PORT/fapi/v1/{ping,time,exchangeInfo,depth,ticker/24hr,premiumIndex}.
            """
    )

    @Option(help: "Address to bind.")
    var host = "127.0.0.1"

    @Option(help: "Port to listen on (0 picks a free one).")
    var port = 8_090

    @Option(help: "Seed of the random order flow (same seed, same market).")
    var seed: UInt64 = 1

    @Option(help: "Order-flow actions per second across all symbols.")
    var rate = 2_000

    func validate() throws {
        guard (0...65_535).contains(port) else { throw ValidationError("--port must be 0...65535.") }
        guard rate > 0 && rate <= 1_000_000 else { throw ValidationError("--rate must be 1...1000000.") }
    }

    func run() async throws {
        let server = SimServer(configuration: SimConfiguration(host: host, port: port, seed: seed, rate: rate))
        let host = self.host
        try await server.run { port in
            FileHandle.standardError.write(Data("aster sim listening on ws://\(host):\(port) and http://\(host):\(port)\n".utf8))
        }
    }
}
