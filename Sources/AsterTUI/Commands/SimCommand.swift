import ArgumentParser
import AsterSim
import NIOSSL
import Foundation

/// `aster-tui sim`: run the embedded Aster exchange simulator standalone.
struct SimCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sim",
        abstract: "Run the Aster exchange simulator (websocket streams and REST on one port).",
        discussion: """
            Any Aster client can connect: ws://HOST:PORT/ws/<stream>, ws://HOST:PORT/stream?streams=a/b, \
            live SUBSCRIBE/UNSUBSCRIBE/LIST_SUBSCRIPTIONS/SET_PROPERTY/GET_PROPERTY, every market-data \
            endpoint at http://HOST:PORT/fapi/v1/… and /fapi/v3/…, and a demo account (V1 HMAC and V3 \
            agent signatures) that paper-trades against the simulated book.
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

    @Option(help: "Simulated trading before serving, so klines, tickers and trades have a past (90s, 30m, 2h; 0 disables).")
    var warmup = "60m"

    @Flag(name: .customLong("hedge-mode"), help: "Start the demo account in hedge mode (positionSide/dual true).")
    var hedgeModeFlag = false

    @Option(name: .customLong("request-weight-limit"), help: "REST request weight allowed per minute (Aster: 2400).")
    var requestWeightLimit = 2_400

    @Option(name: .customLong("max-age"), help: "Close each connection at this age in seconds (Aster: 86400).")
    var maxAge: Double = 86_400

    @Option(name: .customLong("drop-every"), help: "Cut each connection abruptly (no close frame) after N frames.")
    var dropEvery = 0

    @Option(name: .customLong("garbage-every"), help: "After every N frames send a malformed, unknown or binary frame.")
    var garbageEvery = 0

    @Option(name: .customLong("rest-fail"), help: "Answer the next REST request with this HTTP status (repeatable; 429 and 418 carry Retry-After: 1).")
    var restFail: [Int] = []

    @Option(name: .customLong("rest-delay-ms"), help: "Delay every REST answer by this many milliseconds.")
    var restDelayMs = 0

    @Option(name: .customLong("listen-key-validity"), help: "Seconds a listen key lives without a keepalive (Aster: 3600).")
    var listenKeyValidity: Double = 3_600

    @Option(name: .customLong("tls-cert"), help: "Serve wss:// and https:// with this PEM certificate (needs --tls-key).")
    var tlsCert: String?

    @Option(name: .customLong("tls-key"), help: "PEM private key of --tls-cert.")
    var tlsKey: String?

    @Option(name: .customLong("credentials-file"),
            help: "Write the demo account's credentials to FILE (mode 0600), for `--credentials FILE` of stream --user and account.")
    var credentialsFile: String?

    /// `--warmup` in whole minutes.
    var warmupMinutes: Int? {
        let text = warmup.trimmingCharacters(in: .whitespaces).lowercased()
        if text == "0" { return 0 }
        let units: [(String, Double)] = [("s", 1.0 / 60), ("m", 1), ("h", 60), ("d", 1_440)]
        guard let (suffix, factor) = units.first(where: { text.hasSuffix($0.0) }),
              let value = Double(text.dropLast(suffix.count)), value >= 0 else { return nil }
        return Int((value * factor).rounded(.up))
    }

    func validate() throws {
        guard let minutes = warmupMinutes, minutes <= 2_880 else {
            throw ValidationError("--warmup takes a duration up to 2d: 90s, 30m, 2h, or 0.")
        }
        guard requestWeightLimit > 0 else { throw ValidationError("--request-weight-limit must be positive.") }
        guard (0...65_535).contains(port) else { throw ValidationError("--port must be 0...65535.") }
        guard maxAge > 0, dropEvery >= 0, garbageEvery >= 0, restDelayMs >= 0 else {
            throw ValidationError("fault settings must not be negative.")
        }
        for status in restFail where !(400...599).contains(status) {
            throw ValidationError("--rest-fail takes an HTTP error status (400...599).")
        }
        guard rate > 0 && rate <= 1_000_000 else { throw ValidationError("--rate must be 1...1000000.") }
        guard listenKeyValidity > 0 else { throw ValidationError("--listen-key-validity must be positive.") }
        guard (tlsCert == nil) == (tlsKey == nil) else { throw ValidationError("--tls-cert and --tls-key go together.") }
        for file in [tlsCert, tlsKey].compactMap({ $0 }) where !FileManager.default.isReadableFile(atPath: file) {
            throw ValidationError("cannot read \(file)")
        }
    }

    func run() async throws {
        var tls: TLSConfiguration?
        if let tlsCert, let tlsKey {
            do {
                tls = TLSConfiguration.makeServerConfiguration(
                    certificateChain: try NIOSSLCertificate.fromPEMFile(tlsCert).map { .certificate($0) },
                    privateKey: .privateKey(try NIOSSLPrivateKey(file: tlsKey, format: .pem)))
            } catch {
                throw ValidationError("cannot load the TLS certificate or key: \(error)")
            }
        }
        var configuration = SimConfiguration(
            host: host, port: port, seed: seed, rate: rate, maxConnectionAge: .milliseconds(Int64(maxAge * 1000)),
            dropEvery: dropEvery, garbageEvery: garbageEvery, warmUpMinutes: warmupMinutes ?? 0,
            listenKeyValidity: .milliseconds(Int64(listenKeyValidity * 1000)), requestWeightLimit: requestWeightLimit)
        configuration.tls = tls
        configuration.hedgeMode = hedgeModeFlag
        let server = SimServer(configuration: configuration)
        if let credentialsFile {
            let text = "ASTER_API_KEY=\(SimAccount.demoAPIKey)\nASTER_API_SECRET=\(SimAccount.demoSecret)\n"
            guard FileManager.default.createFile(atPath: credentialsFile, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600]) else {
                throw ValidationError("cannot write \(credentialsFile)")
            }
        }
        let failures = restFail.map { (status: $0, retryAfter: [418, 429].contains($0) ? Optional(1) : nil) }
        let delay = Duration.milliseconds(restDelayMs)
        server.faults {
            $0.restFailures = failures
            $0.restDelay = delay
        }
        let host = self.host
        let secure = tls != nil
        try await server.run { port in
            let (ws, http) = secure ? ("wss", "https") : ("ws", "http")
            Console.err("aster sim listening on \(ws)://\(host):\(port) and \(http)://\(host):\(port)\n")
        }
    }
}
