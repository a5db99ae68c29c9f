import ArgumentParser
import AsterKit
import Foundation

/// `aster-tui order`: place, change, cancel and read orders, for scripts and by hand.
struct OrderCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "order",
        abstract: "Place, modify, cancel and list orders (V3 agent wallet or V1 API key).",
        discussion: """
            Every order is checked against exchangeInfo (tick, step, min/max quantity, min
            notional, percent price, max open orders) before it is sent; a broken rule is named
            with the nearest valid value and nothing is sent. Every order carries a client order
            id (--client-id, or a generated one); when the outcome of a write is unknown (timeout,
            reset, 5xx) the order is looked up by that id, never sent again. On a terminal each
            write shows what it will send and asks; otherwise --yes is required. Errors print the
            exchange's code and message and exit 1. Against the simulator's demo account:
              aster-tui sim --port 8080 --credentials-file demo.env &
              aster-tui order place --rest-url http://127.0.0.1:8080 --credentials demo.env \\
                --symbol BTCUSDT --side BUY --type LIMIT --quantity 0.01 --price 90000 --yes
            """,
        subcommands: [Place.self, Modify.self, Cancel.self, CancelAll.self, List.self, Get.self]
    )
}

extension OrderCommand {
    struct Place: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Place an order.")
        @OptionGroup var options: TradingOptions
        @Option(help: "Symbol, e.g. BTCUSDT.") var symbol: String
        @Option(help: "BUY or SELL.") var side: Side
        @Option(help: "LIMIT, MARKET, STOP, STOP_MARKET, TAKE_PROFIT, TAKE_PROFIT_MARKET or TRAILING_STOP_MARKET.")
        var type: OrderType
        @Option(help: "Quantity in contracts.") var quantity: ExactDecimal?
        @Option(help: "Limit price.") var price: ExactDecimal?
        @Option(help: "Trigger price of stop and take-profit orders.") var stopPrice: ExactDecimal?
        @Option(help: "GTC, IOC, FOK or GTX (post-only).") var timeInForce: TimeInForce?
        @Flag(help: "Only reduce the position.") var reduceOnly = false
        @Flag(help: "Close the whole position (STOP_MARKET, TAKE_PROFIT_MARKET).") var closePosition = false
        @Option(help: "BOTH, LONG or SHORT (hedge mode).") var positionSide: PositionSide?
        @Option(help: "What triggers follow: MARK_PRICE or CONTRACT_PRICE.") var workingType: WorkingType?
        @Flag(help: "Trigger protection.") var priceProtect = false
        @Option(help: "Trailing stop activation price.") var activationPrice: ExactDecimal?
        @Option(help: "Trailing stop callback rate in percent (0.1 to 5).") var callbackRate: ExactDecimal?
        @Option(help: "Client order id (1 to 36 of A-Z a-z 0-9 . : / _ -); generated when absent.") var clientId: String?

        func validate() throws {
            if let clientId, !ClientOrderID.isValid(clientId) {
                throw ValidationError("--client-id must be 1 to 36 characters of A-Z a-z 0-9 . : / _ -")
            }
            guard quantity != nil || closePosition else { throw ValidationError("--quantity is required (or --close-position)") }
        }

        func run() async throws {
            let order = NewOrder(symbol: symbol, side: side, type: type, quantity: quantity, price: price, stopPrice: stopPrice,
                                 timeInForce: timeInForce, reduceOnly: reduceOnly, closePosition: closePosition,
                                 positionSide: positionSide, workingType: workingType, priceProtect: priceProtect,
                                 activationPrice: activationPrice, callbackRate: callbackRate, clientOrderId: clientId)
            let trading = try options.client()
            let placed = try await options.run {
                try await trading.check(order)
                try options.confirm(try await Self.preview(order, trading))
                return try await trading.place(order)
            }
            options.print([placed], single: true)
        }

        /// What will be sent, with its notional (at the limit price, or the mark for market-style orders).
        static func preview(_ order: NewOrder, _ trading: TradingClient) async throws -> String {
            var price = order.price
            if price == nil {
                price = try await trading.account.rest.premiumIndex(symbol: order.symbol).first?.markPrice
            }
            let notional = zip2(order.quantity, price).map { "notional ≈ \($0 * $1) USDT" } ?? ""
            return "about to send: \(order) \(notional)"
        }
    }

    struct Modify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Change a resting LIMIT order's price and quantity (V3).")
        @OptionGroup var options: TradingOptions
        @Option(help: "Symbol.") var symbol: String
        @Option(help: "The order's side, BUY or SELL.") var side: Side
        @OptionGroup var order: OrderIdentity
        @Option(help: "New quantity.") var quantity: ExactDecimal
        @Option(help: "New price.") var price: ExactDecimal

        func run() async throws {
            let trading = try options.client()
            let modified = try await options.run {
                try options.confirm("about to modify \(symbol.uppercased()) \(order.described): "
                                    + "\(side.wireValue) \(quantity) @ \(price), notional ≈ \(quantity * price) USDT")
                return try await trading.modify(symbol: symbol, orderId: order.orderId, clientOrderId: order.clientId, side: side,
                                                quantity: quantity, price: price)
            }
            options.print([modified], single: true)
        }
    }

    struct Cancel: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Cancel one order.")
        @OptionGroup var options: TradingOptions
        @Option(help: "Symbol.") var symbol: String
        @OptionGroup var order: OrderIdentity

        func run() async throws {
            let trading = try options.client()
            let cancelled = try await options.run {
                try options.confirm("about to cancel \(symbol.uppercased()) \(order.described)")
                return try await trading.cancel(symbol: symbol, orderId: order.orderId, clientOrderId: order.clientId)
            }
            options.print([cancelled], single: true)
        }
    }

    struct CancelAll: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "cancel-all", abstract: "Cancel every open order of a symbol.")
        @OptionGroup var options: TradingOptions
        @Option(help: "Symbol.") var symbol: String

        func run() async throws {
            let trading = try options.client()
            try await options.run {
                try options.confirm("about to cancel every open order of \(symbol.uppercased())")
                try await trading.cancelAll(symbol: symbol)
            }
            Console.out(options.json ? #"{"symbol":"\#(symbol.uppercased())","cancelled":"all"}"# + "\n"
                                     : "cancelled every open order of \(symbol.uppercased())\n")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List open orders.")
        @OptionGroup var options: TradingOptions
        @Option(help: "Only this symbol.") var symbol: String?

        func run() async throws {
            let trading = try options.client()
            let orders = try await options.run { try await trading.account.openOrders(symbol: symbol) }
            options.print(orders.sorted { $0.orderId < $1.orderId }, single: false)
        }
    }

    struct Get: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "One order, whatever its status.")
        @OptionGroup var options: TradingOptions
        @Option(help: "Symbol.") var symbol: String
        @OptionGroup var order: OrderIdentity

        func run() async throws {
            let trading = try options.client()
            let found = try await options.run {
                if let id = order.orderId { return try await trading.order(symbol: symbol, orderId: id) }
                return try await trading.order(symbol: symbol, clientOrderId: order.clientId ?? "")
            }
            options.print([found], single: true)
        }
    }
}

/// Which order: `--order-id N` or `--client-id ID`, exactly one.
struct OrderIdentity: ParsableArguments {
    @Option(help: "Order id.") var orderId: Int64?
    @Option(help: "Client order id.") var clientId: String?

    func validate() throws {
        guard (orderId == nil) != (clientId == nil) else { throw ValidationError("give exactly one of --order-id and --client-id") }
    }

    /// `order 42` or `order my-id`, for confirmations.
    var described: String { orderId.map { "order \($0)" } ?? "order \(clientId ?? "")" }
}

/// Both values, or `nil`.
func zip2<A, B>(_ a: A?, _ b: B?) -> (A, B)? {
    guard let a, let b else { return nil }
    return (a, b)
}
