import AsterKit

/// Where the simulator's self-trading demo trader trades.
public enum SimTraderPlacement: Sendable, Hashable {
    /// No demo trader.
    case off
    /// In an account of its own, reachable by no credential: its orders and trades show in the
    /// market (book, trades, tickers), never in a client's account. The default.
    case ownAccount
    /// In the demo account, as if its owner were trading: for tests of clients that need a busy
    /// account (user-stream reconciliation). A paper account for a person never uses this.
    case demoAccount
}

/// The demo trader: a client of the simulated exchange that every second or two rests a small
/// limit order a few ticks behind the top of book of one of the first symbols, cancels its orders
/// after 25 seconds, and trims a position that grew past its limit with a reduce-only market
/// order. It decides; the server places and cancels through the same paths as REST clients.
struct SimTrader: Sendable {
    /// What the trader asks the exchange to do.
    enum Action: Sendable, Equatable {
        /// Place an order with these `POST order` parameters.
        case place([String: String])
        /// Cancel an open order.
        case cancel(symbol: String, orderId: Int64)
    }

    private var random: SeededGenerator
    private var nextAction: Int64 = 0
    /// Largest position notional it lets build up before trimming.
    static let maxNotional: ExactDecimal = 20_000

    init(seed: UInt64) { random = SeededGenerator(seed: seed ^ 0x7EAD_E000) }

    /// What to do at `now`, given the market and the trader's account.
    mutating func actions(now: Int64, quotes: [SimQuote], account: SimAccount) -> [Action] {
        if nextAction == 0 { nextAction = now + 500 }
        guard now >= nextAction, !quotes.isEmpty else { return [] }
        nextAction = now + Int64.random(in: 700...2_000, using: &random)
        if let stale = account.orders.values.filter({ now - $0.time > 25_000 }).min(by: { $0.orderId < $1.orderId }) {
            return [.cancel(symbol: stale.symbol, orderId: stale.orderId)]
        }
        for q in quotes {
            let p = account.position(q.symbol)
            guard !p.amount.isZero, p.amount.magnitude * q.mark > Self.maxNotional else { continue }
            return [.place(["symbol": q.symbol, "side": p.amount.isNegative ? "BUY" : "SELL", "type": "MARKET",
                            "quantity": p.amount.magnitude.description, "reduceOnly": "true"])]
        }
        guard account.orders.count < 4 else { return [] }
        let q = quotes[Int.random(in: 0..<min(4, quotes.count), using: &random)]
        let buy = Bool.random(using: &random)
        let ticks = ExactDecimal(Int.random(in: 1...6, using: &random)) * q.tickSize
        let price = buy ? q.bid - ticks : q.ask + ticks
        let notional = ExactDecimal(Int.random(in: 300...1_500, using: &random))
        var quantity = (notional.divided(by: price, scale: 8) ?? q.lotSize).rounded(toMultipleOf: q.lotSize, rule: .up)
        if quantity.isZero { quantity = q.lotSize }
        return [.place(["symbol": q.symbol, "side": buy ? "BUY" : "SELL", "type": "LIMIT", "timeInForce": "GTC",
                        "quantity": quantity.description, "price": price.description])]
    }
}
