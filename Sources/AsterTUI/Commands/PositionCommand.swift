import ArgumentParser
import AsterKit
import Foundation

/// `aster-tui position`: close positions, set leverage and margin type, move isolated margin.
struct PositionCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "position",
        abstract: "Close a position, set leverage or margin type, add or reduce isolated margin.",
        discussion: "Endpoint and credentials as `aster-tui order` takes them; writes ask on a terminal, need --yes otherwise.",
        subcommands: [Close.self, Leverage.self, MarginType.self, Margin.self]
    )
}

extension PositionCommand {
    struct Close: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Close the position(s) of a symbol at market (reduce-only).")
        @OptionGroup var options: TradingOptions
        @Option(help: "Symbol.") var symbol: String
        @Option(help: "Only this side in hedge mode: LONG or SHORT.") var side: PositionSide?

        func run() async throws {
            let trading = try options.client()
            let orders = try await options.run {
                let open = try await trading.account.positionRisk(symbol: symbol.uppercased())
                    .filter { !$0.positionAmount.isZero && (side == nil || $0.positionSide == side) }
                guard !open.isEmpty else { return [OpenOrder]() }
                let what = open.map { "\($0.positionSide.wireValue) \($0.positionAmount) \($0.symbol) at mark \($0.markPrice)" }
                try options.confirm("about to close at market: " + what.joined(separator: ", "))
                return try await trading.closePosition(symbol: symbol, side: side)
            }
            if orders.isEmpty && !options.json {
                Console.out("no open position on \(symbol.uppercased())\n")
            } else {
                options.print(orders, single: false)
            }
        }
    }

    struct Leverage: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Set a symbol's initial leverage.")
        @OptionGroup var options: TradingOptions
        @Option(help: "Symbol.") var symbol: String
        @Option(help: "Leverage, 1 to 125.") var leverage: Int

        func validate() throws {
            guard (1...125).contains(leverage) else { throw ValidationError("--leverage must be 1 to 125") }
        }

        func run() async throws {
            let trading = try options.client()
            let set = try await options.run {
                try options.confirm("about to set \(symbol.uppercased()) leverage to \(leverage)x")
                return try await trading.setLeverage(symbol: symbol, leverage)
            }
            Console.out(options.json
                ? #"{"symbol":"\#(symbol.uppercased())","leverage":\#(set.leverage),"maxNotionalValue":"\#(set.maxNotional)"}"# + "\n"
                : "\(symbol.uppercased()) leverage \(set.leverage)x, max notional \(set.maxNotional)\n")
        }
    }

    struct MarginType: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "margin-type", abstract: "Set ISOLATED or CROSSED margin.")
        @OptionGroup var options: TradingOptions
        @Option(help: "Symbol.") var symbol: String
        @Option(help: "ISOLATED or CROSSED.") var type: String

        func validate() throws {
            guard ["ISOLATED", "CROSSED"].contains(type.uppercased()) else { throw ValidationError("--type must be ISOLATED or CROSSED") }
        }

        func run() async throws {
            let trading = try options.client()
            let isolated = type.uppercased() == "ISOLATED"
            try await options.run {
                try options.confirm("about to set \(symbol.uppercased()) margin to \(type.uppercased())")
                try await trading.setMarginType(symbol: symbol, isolated: isolated)
            }
            Console.out(options.json ? #"{"symbol":"\#(symbol.uppercased())","marginType":"\#(type.uppercased())"}"# + "\n"
                                     : "\(symbol.uppercased()) margin \(type.uppercased())\n")
        }
    }

    struct Margin: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add or reduce an isolated position's margin.")
        @OptionGroup var options: TradingOptions
        @Argument(help: "add or reduce") var action: String
        @Option(help: "Symbol.") var symbol: String
        @Option(help: "Amount of the margin asset.") var amount: ExactDecimal
        @Option(help: "LONG or SHORT in hedge mode.") var side: PositionSide?

        func validate() throws {
            guard ["add", "reduce"].contains(action) else { throw ValidationError("the action is add or reduce") }
            guard amount > .zero else { throw ValidationError("--amount must be positive") }
        }

        func run() async throws {
            let trading = try options.client()
            try await options.run {
                try options.confirm("about to \(action) \(amount) margin \(action == "add" ? "to" : "from") \(symbol.uppercased())")
                try await trading.changeIsolatedMargin(symbol: symbol, amount: amount, add: action == "add", positionSide: side)
            }
            Console.out(options.json ? #"{"symbol":"\#(symbol.uppercased())","\#(action)":"\#(amount)"}"# + "\n"
                                     : "\(action == "add" ? "added" : "reduced") \(amount) margin on \(symbol.uppercased())\n")
        }
    }
}
