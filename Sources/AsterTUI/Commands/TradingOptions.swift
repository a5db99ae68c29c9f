import ArgumentParser
import AsterKit
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The REST endpoint and the credentials of a signed command (`account`, `order`, `position`).
struct EndpointOptions: ParsableArguments {
    @Option(name: .customLong("rest-url"), help: "REST base URL.")
    var restURL: String = AsterEndpoint.productionREST

    @Option(help: "Read credentials from FILE (NAME=value lines, mode 0600) instead of the environment.")
    var credentials: String?

    func validate() throws {
        guard restURL.hasPrefix("http://") || restURL.hasPrefix("https://") else {
            throw ValidationError("--rest-url must start with http:// or https://")
        }
        _ = try loadCredentials(file: credentials)
    }

    /// A signed REST client on the endpoint with the credentials.
    func account(recvWindow: Int64 = 5_000) throws -> AccountClient {
        AccountClient(rest: RESTClient(baseURL: restURL), credentials: try loadCredentials(file: credentials), recvWindow: recvWindow)
    }
}

/// Endpoint, credentials and output options of the trading commands (`order`, `position`).
struct TradingOptions: ParsableArguments {
    @OptionGroup var endpoint: EndpointOptions

    @Flag(help: "Print one JSON object (the order as the exchange reports it).")
    var json = false

    @Flag(name: .shortAndLong, help: "Send without asking (required when standard input or output is not a terminal).")
    var yes = false

    @Option(help: "recvWindow of signed requests, in milliseconds (1 to 60000).")
    var recvWindow: Int64 = 5_000

    func validate() throws {
        guard (1...60_000).contains(recvWindow) else { throw ValidationError("--recv-window must be 1 to 60000") }
    }

    /// A trading client on the endpoint with the credentials.
    func client() throws -> TradingClient {
        TradingClient(account: try endpoint.account(recvWindow: recvWindow))
    }

    /// Shows what a write will send and asks, unless `--yes`. Without a terminal `--yes` is
    /// required: a script never sends an order nobody confirmed.
    func confirm(_ what: String) throws {
        guard !yes else { return }
        guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 else {
            Console.err("\(what)\nerror: not a terminal, nothing sent: pass --yes to send without asking\n")
            throw ExitCode(64)
        }
        Console.err("\(what)\nSend? [y/N] ")
        let answer = readLine(strippingNewline: true)?.trimmingCharacters(in: .whitespaces).lowercased() ?? ""
        guard answer == "y" || answer == "yes" else {
            Console.err("not sent\n")
            throw ExitCode.failure
        }
    }

    /// Runs a trading call: its errors (a broken rule, the exchange's code and message, an
    /// unknown outcome) go to standard error and the command exits with status 1.
    func run<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as ExitCode {
            throw error
        } catch let error as ValidationError {
            throw error
        } catch {
            Console.err("error: \(error)\n")
            throw ExitCode.failure
        }
    }

    /// Prints orders: one JSON object (or an array for several) with `--json`, readable lines otherwise.
    func print(_ orders: [OpenOrder], single: Bool) {
        if json {
            Console.out((single && orders.count == 1 ? orders[0].json : "[" + orders.map(\.json).joined(separator: ",") + "]") + "\n")
        } else if orders.isEmpty {
            Console.out("no orders\n")
        } else {
            Console.out(orders.map(\.summary).joined(separator: "\n") + "\n")
        }
    }
}

extension Side: ExpressibleByArgument {
    public init?(argument: String) {
        switch argument.uppercased() {
        case "BUY": self = .buy
        case "SELL": self = .sell
        default: return nil
        }
    }
}

extension OrderType: ExpressibleByArgument {
    public init?(argument: String) {
        let value = OrderType(wire: argument.uppercased().replacingOccurrences(of: "-", with: "_"))
        if case .unknown = value { return nil }
        if value == .liquidation { return nil }
        self = value
    }
}

extension TimeInForce: ExpressibleByArgument {
    public init?(argument: String) {
        let value = TimeInForce(wire: argument.uppercased())
        if case .unknown = value { return nil }
        self = value
    }
}

extension PositionSide: ExpressibleByArgument {
    public init?(argument: String) {
        let value = PositionSide(wire: argument.uppercased())
        if case .unknown = value { return nil }
        self = value
    }
}

extension WorkingType: ExpressibleByArgument {
    public init?(argument: String) {
        let value = WorkingType(wire: argument.uppercased().replacingOccurrences(of: "-", with: "_"))
        if case .unknown = value { return nil }
        self = value
    }
}

extension ExactDecimal: ExpressibleByArgument {
    public init?(argument: String) {
        guard let value = try? ExactDecimal(parsing: argument) else { return nil }
        self = value
    }
}
