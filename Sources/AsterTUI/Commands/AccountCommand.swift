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
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw ExitCode.failure
        }
        let lines = json ? [state.json] : state.summaryLines
        FileHandle.standardOutput.write(Data((lines.joined(separator: "\n") + "\n").utf8))
    }
}

extension AccountState {
    /// One JSON object: balances, positions, open orders, recent fills.
    var json: String {
        var w = JSONWriter()
        w.beginObject()
        w.field("type", "account")
        w.field("time", lastEventTime)
        w.key("balances")
        w.beginArray()
        for b in balances.values.sorted(by: { $0.asset < $1.asset }) {
            w.beginObject()
            w.field("asset", b.asset)
            w.field("walletBalance", b.walletBalance)
            w.field("availableBalance", b.availableBalance)
            w.endObject()
        }
        w.endArray()
        w.field("unrealizedPnL", totalUnrealizedPnL)
        w.field("marginBalance", marginBalance())
        w.key("positions")
        w.beginArray()
        for p in openPositions {
            w.beginObject()
            w.field("symbol", p.symbol)
            w.field("amount", p.amount)
            w.field("entryPrice", p.entryPrice)
            w.field("unrealizedPnL", p.unrealizedPnL)
            w.field("leverage", Int64(p.leverage))
            w.endObject()
        }
        w.endArray()
        w.key("openOrders")
        w.beginArray()
        for o in openOrders.values.sorted(by: { $0.orderId < $1.orderId }) {
            w.beginObject()
            w.field("orderId", o.orderId)
            w.field("symbol", o.symbol)
            w.field("side", o.side)
            w.field("type", o.type)
            w.field("status", o.status)
            w.field("price", o.price)
            w.field("quantity", o.quantity)
            w.field("filled", o.filled)
            w.endObject()
        }
        w.endArray()
        w.endObject()
        return w.text
    }

    /// A readable table.
    var summaryLines: [String] {
        var out = balances.values.sorted { $0.asset < $1.asset }.map {
            "balance  \($0.asset)  wallet \($0.walletBalance)  available \($0.availableBalance)"
        }
        out.append("unrealized PnL \(totalUnrealizedPnL)  margin balance \(marginBalance())")
        out += openPositions.map { "position \($0.symbol)  \($0.amount) @ \($0.entryPrice)  PnL \($0.unrealizedPnL)  \($0.leverage)x" }
        out += openOrders.values.sorted { $0.orderId < $1.orderId }.map {
            "order    \($0.orderId)  \($0.symbol) \($0.side) \($0.type) \($0.quantity) @ \($0.price)  filled \($0.filled)  \($0.status)"
        }
        if openPositions.isEmpty { out.append("no open positions") }
        if openOrders.isEmpty { out.append("no open orders") }
        return out
    }
}
