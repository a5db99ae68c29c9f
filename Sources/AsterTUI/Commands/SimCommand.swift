import ArgumentParser
import AsterKit
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
            endpoint at http://HOST:PORT/fapi/v1/… and /fapi/v3/…, and paper-trading accounts (V1 HMAC \
            and V3 agent signatures; the demo key and the spec's demonstration wallet open the demo \
            account, --account and --agent add more), each with its own orders, positions and user stream.
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

    @Option(name: .customLong("account"), help: ArgumentHelp(
        "Add an account reached by a V1 API key and HMAC secret (repeatable).", valueName: "KEY:SECRET"))
    var accountOptions: [String] = []

    @Option(name: .customLong("agent"), help: ArgumentHelp(
        "Add a V3 account: main wallet USER with agent wallet SIGNER, 0x addresses (repeatable; agents of one USER share it).",
        valueName: "USER:SIGNER"))
    var agentOptions: [String] = []

    @Option(name: .customLong("accounts-file"), help: ArgumentHelp(
        "Add the accounts of FILE: one a line, `account KEY:SECRET` or `agent USER:SIGNER`; # comments.", valueName: "FILE"))
    var accountsFile: String?

    @Option(help: "Starting USDT balance of every account (the demo key and the spec's demonstration wallet included).")
    var balance = "10000"

    @Option(name: .customLong("funding-interval"),
            help: "Settle funding of every symbol at this interval instead of its fundingIntervalHours (10s, 5m, 1h).")
    var fundingInterval: String?

    @Flag(name: .customLong("no-demo-trader"), help: "Run without the self-trading demo trader (it trades in an account of its own).")
    var noDemoTrader = false

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

    /// `--funding-interval` in milliseconds (`nil` when not given or malformed).
    var fundingIntervalMilliseconds: Int64? {
        guard let text = fundingInterval?.trimmingCharacters(in: .whitespaces).lowercased() else { return nil }
        let units: [(String, Double)] = [("ms", 1), ("s", 1_000), ("m", 60_000), ("h", 3_600_000)]
        guard let (suffix, factor) = units.first(where: { text.hasSuffix($0.0) }),
              let value = Double(text.dropLast(suffix.count)), value.isFinite, value > 0 else { return nil }
        let ms = value * factor
        return ms >= 1_000 && ms <= 86_400_000 ? Int64(ms) : nil
    }

    /// Every credential of `--account`, `--agent` and `--accounts-file`.
    func credentials() throws -> [SimCredential] {
        var out: [SimCredential] = []
        for text in accountOptions {
            guard let c = SimCredential.parse(text, agent: false) else { throw ValidationError("--account takes KEY:SECRET.") }
            out.append(c)
        }
        for text in agentOptions {
            guard let c = SimCredential.parse(text, agent: true) else {
                throw ValidationError("--agent takes USER:SIGNER, two 0x addresses of 40 hex digits.")
            }
            out.append(c)
        }
        if let accountsFile {
            guard let text = try? String(contentsOfFile: accountsFile, encoding: .utf8) else {
                throw ValidationError("cannot read \(accountsFile)")
            }
            do { out += try SimCredential.parseFile(text) } catch { throw ValidationError("\(accountsFile): \(error)") }
        }
        return out
    }

    func validate() throws {
        _ = try credentials()
        guard let start = ExactDecimal(balance), start > .zero, start < 1_000_000_000_000 else {
            throw ValidationError("--balance takes a positive amount of USDT below 10^12.")
        }
        if fundingInterval != nil, fundingIntervalMilliseconds == nil {
            throw ValidationError("--funding-interval takes a duration from 1s to 24h: 10s, 5m, 1h.")
        }
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
        configuration.accounts = try credentials()
        configuration.balance = ExactDecimal(balance) ?? 10_000
        configuration.fundingInterval = fundingIntervalMilliseconds.map { .milliseconds($0) }
        configuration.demoTrader = noDemoTrader ? .off : .ownAccount
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
