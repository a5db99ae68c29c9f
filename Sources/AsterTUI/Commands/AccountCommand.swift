import ArgumentParser
import AsterKit
import Foundation

/// `aster-tui account`: the account's balances, positions and open orders, once.
struct AccountCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "account",
        abstract: "Print your account: balances, positions with liquidation price and PnL, open orders.",
        discussion: """
            Signed REST reads (account, openOrders, leverageBracket and positionRisk; V1 paths with
            ASTER_API_KEY and ASTER_API_SECRET, V3 paths with an agent wallet), or --credentials
            FILE (mode 0600). Prints labelled tables: balances, positions (symbol, side, size,
            entry, mark, liquidation, unrealised PnL, ROE %, leverage; hedge mode's LONG and
            SHORT as two rows) and open orders (symbol, side, type, price, quantity, filled);
            --json prints the same fields as one JSON object. Nothing secret is ever printed. Against the simulator's demo account:
              aster-tui sim --port 8080 --credentials-file demo.env &
              aster-tui account --rest-url http://127.0.0.1:8080 --credentials demo.env
            """
    )

    @OptionGroup var endpoint: EndpointOptions

    @Flag(help: "Print one JSON object.")
    var json = false

    func run() async throws {
        let client = try endpoint.account()
        var state: AccountState
        do {
            try await client.synchronizeTime()
            let time = client.timestamp()
            async let info = client.account()
            async let orders = client.openOrders()
            async let brackets = client.leverageBrackets()
            async let risks = client.positionRisk()
            state = AccountState(account: try await info, openOrders: try await orders, brackets: try await brackets, at: time)
            // Marks from the server's position rows (every side of a symbol has the same one).
            for risk in try await risks where !risk.markPrice.isZero { state.mark(risk.symbol, price: risk.markPrice) }
        } catch {
            Console.err("error: \(error)\n")
            throw ExitCode.failure
        }
        let lines = json ? [state.json] : state.summaryLines
        Console.out(lines.joined(separator: "\n") + "\n")
    }
}
