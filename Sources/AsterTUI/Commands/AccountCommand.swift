import ArgumentParser
import AsterKit
import Foundation

/// `aster-tui account`: the account's balances, positions and open orders, once.
struct AccountCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "account",
        abstract: "Print your account: balances, positions with PnL, open orders.",
        discussion: """
            Signed REST reads (GET /fapi/v4/account and /fapi/v1/openOrders) with credentials from
            ASTER_API_KEY and ASTER_API_SECRET, or --credentials FILE (mode 0600). Nothing secret
            is ever printed. Against the simulator's demo account:
              aster-tui sim --port 8080 --credentials-file demo.env &
              aster-tui account --rest-url http://127.0.0.1:8080 --credentials demo.env
            """
    )

    @Option(name: .customLong("rest-url"), help: "REST base URL.")
    var restURL: String = AsterEndpoint.productionREST

    @Option(help: "Read credentials from FILE (NAME=value lines, mode 0600) instead of the environment.")
    var credentials: String?

    @Flag(help: "Print one JSON object.")
    var json = false

    func validate() throws {
        guard restURL.hasPrefix("http://") || restURL.hasPrefix("https://") else {
            throw ValidationError("--rest-url must start with http:// or https://")
        }
        _ = try loadCredentials(file: credentials)
    }

    func run() async throws {
        let client = AccountClient(rest: RESTClient(baseURL: restURL), credentials: try loadCredentials(file: credentials))
        let state: AccountState
        do {
            try await client.synchronizeTime()
            let time = client.timestamp()
            state = AccountState(account: try await client.account(), openOrders: try await client.openOrders(), at: time)
        } catch {
            Console.err("error: \(error)\n")
            throw ExitCode.failure
        }
        let lines = json ? [state.json] : state.summaryLines
        Console.out(lines.joined(separator: "\n") + "\n")
    }
}
