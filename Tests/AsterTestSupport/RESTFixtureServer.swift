import AsterKit
import AsterSim
import Foundation
import Hummingbird
import Logging
import Synchronization
import Testing

/// A REST server on loopback that answers every public market endpoint, at `/fapi/v1/…` and
/// `/fapi/v3/…`, with a body the test chose: the spec's examples, or broken variants of them.
/// It records each request's path and query.
public final class RESTFixtureServer: Sendable {
    public init() {}

    /// The endpoints served (after the version prefix).
    public static let endpoints = ["ping", "time", "exchangeInfo", "depth", "trades", "historicalTrades", "aggTrades", "klines",
                            "indexPriceKlines", "markPriceKlines", "premiumIndex", "fundingRate", "fundingInfo",
                            "ticker/24hr", "ticker/price", "ticker/bookTicker"]

    private let state = Mutex<(bodies: [String: String], requests: [(path: String, query: String, apiKey: String?)])>(([:], []))

    /// Answers `endpoint` (`klines`, `ticker/24hr`) with `body`, at both versions.
    public func serve(_ endpoint: String, _ body: String) {
        state.withLock { $0.bodies[endpoint] = body }
    }

    /// Requests so far: path, query and `X-MBX-APIKEY` header.
    public var requests: [(path: String, query: String, apiKey: String?)] { state.withLock { $0.requests } }

    /// Runs the server while `body` runs with a client pointed at it.
    public func run<T: Sendable>(logger clientLogger: Logger = Logger(label: "AsterKit.REST"),
                          _ body: @escaping @Sendable (RESTClient) async throws -> T) async throws -> T {
        let router = Router()
        for version in ["fapi/v1", "fapi/v3"] {
            for endpoint in Self.endpoints {
                router.get(RouterPath(stringLiteral: "\(version)/\(endpoint)")) { request, _ -> Response in
                    let text = self.state.withLock { s -> String? in
                        s.requests.append((request.uri.path, request.uri.query ?? "", request.headers[.init("X-MBX-APIKEY")!]))
                        return s.bodies[endpoint]
                    }
                    guard let text else {
                        return Response(status: .notFound, headers: [.contentType: "application/json"],
                                        body: ResponseBody(byteBuffer: ByteBuffer(string: #"{"code":-1,"msg":"no fixture"}"#)))
                    }
                    return Response(status: .ok, headers: [.contentType: "application/json"],
                                    body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
                }
            }
        }
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        var logger = Logger(label: "fixture-server")
        logger.logLevel = .critical  // cancelling the server at the end logs an error
        let connections = ConnectionRegistry()
        let app = Application(router: router, server: connections.http1Server(),
                              configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                              onServerRunning: { continuation.yield($0.localAddress?.port ?? 0) }, logger: logger)
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask {
                try await app.run()
                return nil
            }
            group.addTask {
                await connections.closeAllWhenCancelled()
                return nil
            }
            var it = ports.makeAsyncIterator()
            guard let port = await it.next() else { throw CancellationError() }
            let client = RESTClient(baseURL: "http://127.0.0.1:\(port)",
                                    configuration: RESTConfiguration(timeout: .seconds(5), maxRetries: 0), logger: clientLogger)
            do {
                let result = try await body(client)
                group.cancelAll()
                return result
            } catch {
                group.cancelAll()
                throw error
            }
        }
    }
}

/// The text of a REST fixture from the spec (Fixtures/rest).
public func restFixtureText(_ name: String) throws -> String {
    let url = try #require(Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "Fixtures/rest"))
    return try String(contentsOf: url, encoding: .utf8)
}

/// JSON text of a value built from a fixture (for broken variants).
public func jsonText(_ value: Any) throws -> String {
    String(decoding: try JSONSerialization.data(withJSONObject: value, options: [.fragmentsAllowed]), as: UTF8.self)
}
