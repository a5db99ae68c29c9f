import AsterKit

/// A resting demo order.
public struct SimOrder: Sendable, Hashable {
    public var orderId: Int64
    public var clientOrderId: String
    public var symbol: String
    public var side: String
    public var price: ExactDecimal
    public var quantity: ExactDecimal
    public var executed: ExactDecimal = .zero
    public var cumulativeQuote: ExactDecimal = .zero
    public var status: String = "NEW"
    public var time: Int64
    public var updateTime: Int64
}

/// A demo position (one-way mode, cross margin).
public struct SimPosition: Sendable, Hashable {
    public var amount: ExactDecimal = .zero
    public var entryPrice: ExactDecimal = .zero
    public var leverage: Int = 10
}

/// What the market looks like to the account at one moment.
public struct SimQuote: Sendable {
    public var symbol: String
    public var bid: ExactDecimal
    public var ask: ExactDecimal
    public var mark: ExactDecimal
    public var tickSize: ExactDecimal
    public var lotSize: ExactDecimal
}

/// The demo account: a USDT wallet, positions marked to the simulated market, resting limit
/// orders that fill when the market trades through them, funding fees, an occasional margin call
/// and leverage change, and listen keys that lapse. Its user-data events are encoded exactly as
/// the spec's examples; everything is deterministic under the simulator's seed.
public struct SimAccount: Sendable {
    /// The demo credentials `aster-tui --demo` uses (they only open the simulator's account).
    public static let demoAPIKey = "demo0000aster0000sim0000api0000key0000000000000000000000000000001"
    public static let demoSecret = "demo0000aster0000sim0000secret000000000000000000000000000000000002"

    /// The V3 demo agent: the spec's published demonstration wallet (it guards nothing).
    public static let demoUser = "0x63DD5aCC6b1aa0f563956C0e534DD30B6dcF7C4e"
    public static let demoSigner = "0x21cF8Ae13Bb72632562c6Fff438652Ba1a151bb0"
    public static let demoSignerKey = "0x4fd0a42218f3eae43a6ce26d22544e986139a01e5b34a62db53757ffca81bae1"

    public let apiKey: String
    public let secret: String
    /// Listen-key life in milliseconds (60 minutes on Aster).
    public let listenKeyValidity: Int64
    public private(set) var wallet: ExactDecimal = 10_000
    public private(set) var positions: [String: SimPosition] = [:]
    public private(set) var orders: [Int64: SimOrder] = [:]
    public private(set) var listenKeys: [String: Int64] = [:]
    public private(set) var updateTime: Int64 = 0
    private var nextOrderId: Int64 = 8_000_000
    private var nextTradeId: Int64 = 500_000
    private var random: SeededGenerator
    private var nextAction: Int64 = 0
    private var nextFunding: Int64 = 0
    private var nextMarginCall: Int64 = 0
    private var nextConfig: Int64 = 0
    private var lastMarks: [String: ExactDecimal] = [:]

    static let makerFee = ExactDecimal(mantissa: 2, scale: 4)

    public init(apiKey: String = demoAPIKey, secret: String = demoSecret, seed: UInt64, listenKeyValidity: Duration = .seconds(3600)) {
        self.apiKey = apiKey
        self.secret = secret
        self.listenKeyValidity = listenKeyValidity.milliseconds
        self.random = SeededGenerator(seed: seed ^ 0xACC0_0000)
    }

    // MARK: Listen keys

    /// `POST /fapi/v1/listenKey`: the active key (extended) or a new one.
    public mutating func createListenKey(now: Int64) -> String {
        if let active = listenKeys.first(where: { $0.value > now })?.key {
            listenKeys[active] = now + listenKeyValidity
            return active
        }
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789")
        let key = String((0..<64).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &random)] })
        listenKeys[key] = now + listenKeyValidity
        return key
    }

    /// `PUT /fapi/v1/listenKey`: extends the active key; `false` when there is none.
    public mutating func keepAlive(now: Int64) -> Bool {
        guard let active = listenKeys.first(where: { $0.value > now })?.key else { return false }
        listenKeys[active] = now + listenKeyValidity
        return true
    }

    /// `DELETE /fapi/v1/listenKey`.
    public mutating func closeListenKeys() { listenKeys = [:] }

    /// Whether `key` opens the user stream now.
    public func isActive(_ key: String, now: Int64) -> Bool { (listenKeys[key] ?? 0) > now }

    /// Keys that lapsed by `now`, removed, each with its `listenKeyExpired` payload.
    public mutating func expireListenKeys(now: Int64) -> [SimOutgoing] {
        let lapsed = listenKeys.filter { $0.value <= now }.map(\.key)
        lapsed.forEach { listenKeys[$0] = nil }
        return lapsed.map { SimOutgoing(stream: $0, payload: SimUserPayload.listenKeyExpired(time: now)) }
    }

    // MARK: Trading

    /// Moves the account on to `now`: fills orders the market reached, places and cancels demo
    /// orders, charges funding, and now and then a margin call or leverage change. Returns the
    /// user-data payloads, in event order.
    public mutating func advance(now: Int64, quotes: [SimQuote]) -> [String] {
        var out: [String] = []
        for q in quotes { lastMarks[q.symbol] = q.mark }
        if nextAction == 0 {
            // The first of each kind comes early, so a demo (and a test) sees them all soon.
            nextAction = now + 500
            nextFunding = now + 6_000
            nextMarginCall = now + 8_000
            nextConfig = now + 5_000
        }
        let byName = Dictionary(quotes.map { ($0.symbol, $0) }, uniquingKeysWith: { a, _ in a })
        for id in orders.keys.sorted() {
            guard let order = orders[id], let q = byName[order.symbol] else { continue }
            let reached = order.side == "BUY" ? q.ask <= order.price : q.bid >= order.price
            if reached { fill(id, quote: q, now: now, into: &out) }
        }
        if now >= nextAction, !quotes.isEmpty {
            nextAction = now + Int64.random(in: 700...2_000, using: &random)
            let stale = orders.values.filter { now - $0.time > 25_000 }.map(\.orderId).sorted()
            if let old = stale.first {
                cancel(old, now: now, into: &out)
            } else if orders.count < 4 {
                place(quote: quotes[Int.random(in: 0..<min(4, quotes.count), using: &random)], now: now, into: &out)
            }
        }
        if now >= nextFunding {
            nextFunding = now + 20_000
            chargeFunding(now: now, into: &out)
        }
        if now >= nextMarginCall {
            if let call = marginCall(now: now) {
                out.append(call)
                nextMarginCall = now + 60_000
            } else {
                nextMarginCall = now + 2_000   // no position yet: look again soon
            }
        }
        if now >= nextConfig {
            nextConfig = now + 40_000
            if let symbol = quotes.first?.symbol {
                let leverage = [5, 10, 20, 25][Int.random(in: 0..<4, using: &random)]
                positions[symbol, default: SimPosition()].leverage = leverage
                out.append(SimUserPayload.leverageUpdate(symbol: symbol, leverage: leverage, time: now))
            }
        }
        if !out.isEmpty { updateTime = now }
        return out
    }

    private mutating func place(quote q: SimQuote, now: Int64, into out: inout [String]) {
        let buy = Bool.random(using: &random)
        let ticks = ExactDecimal(Int.random(in: 1...6, using: &random)) * q.tickSize
        let price = buy ? q.bid - ticks : q.ask + ticks
        let notional = ExactDecimal(Int.random(in: 300...1_500, using: &random))
        var quantity = (notional.divided(by: price, scale: 8) ?? q.lotSize).rounded(toMultipleOf: q.lotSize, rule: .down)
        if quantity.isZero { quantity = q.lotSize }
        nextOrderId += 1
        let order = SimOrder(orderId: nextOrderId, clientOrderId: "demo-\(nextOrderId)", symbol: q.symbol, side: buy ? "BUY" : "SELL",
                             price: price, quantity: quantity, time: now, updateTime: now)
        orders[order.orderId] = order
        out.append(SimUserPayload.orderUpdate(order, execution: "NEW", last: nil, now: now, realized: .zero))
    }

    private mutating func cancel(_ id: Int64, now: Int64, into out: inout [String]) {
        guard var order = orders.removeValue(forKey: id) else { return }
        order.status = "CANCELED"
        order.updateTime = now
        out.append(SimUserPayload.orderUpdate(order, execution: "CANCELED", last: nil, now: now, realized: .zero))
    }

    private mutating func fill(_ id: Int64, quote q: SimQuote, now: Int64, into out: inout [String]) {
        guard var order = orders[id] else { return }
        let remaining = order.quantity - order.executed
        // Half the time a partial fill of about half what is left (on the lot grid).
        var quantity = remaining
        if Bool.random(using: &random), remaining > q.lotSize {
            let half = (remaining.divided(by: 2, scale: 8) ?? remaining).rounded(toMultipleOf: q.lotSize, rule: .down)
            if !half.isZero { quantity = half }
        }
        order.executed += quantity
        order.cumulativeQuote += quantity * order.price
        order.status = order.executed == order.quantity ? "FILLED" : "PARTIALLY_FILLED"
        order.updateTime = now
        let fee = (quantity * order.price * Self.makerFee).rounded(scale: 8)
        let realized = applyFill(symbol: order.symbol, buy: order.side == "BUY", quantity: quantity, price: order.price)
        wallet += realized - fee
        nextTradeId += 1
        let last = SimUserPayload.Fill(quantity: quantity, price: order.price, fee: fee, tradeId: nextTradeId)
        out.append(SimUserPayload.orderUpdate(order, execution: "TRADE", last: last, now: now, realized: realized))
        if order.status == "FILLED" { orders[id] = nil } else { orders[id] = order }
        out.append(SimUserPayload.accountUpdate(reason: "ORDER", wallet: wallet, positions: positionRows([order.symbol]), now: now))
    }

    /// Applies a fill to the position; returns the realised PnL.
    private mutating func applyFill(symbol: String, buy: Bool, quantity: ExactDecimal, price: ExactDecimal) -> ExactDecimal {
        var p = positions[symbol, default: SimPosition()]
        let signed = buy ? quantity : -quantity
        var realized = ExactDecimal.zero
        if p.amount.isZero || p.amount.isNegative == signed.isNegative {
            let total = p.amount + signed
            let cost = p.amount.magnitude * p.entryPrice + quantity * price
            p.entryPrice = (cost.divided(by: total.magnitude, scale: 8) ?? price).rounded(scale: 5)
            p.amount = total
        } else {
            let closing = min(quantity, p.amount.magnitude)
            let direction: ExactDecimal = p.amount.isNegative ? -1 : 1
            realized = ((price - p.entryPrice) * closing * direction).rounded(scale: 8)
            p.amount += signed
            if p.amount.isZero {
                p.entryPrice = .zero
            } else if p.amount.isNegative == signed.isNegative {
                p.entryPrice = price   // flipped: the rest opens at the fill price
            }
        }
        positions[symbol] = p
        return realized
    }

    private mutating func chargeFunding(now: Int64, into out: inout [String]) {
        let open = positions.filter { !$0.value.amount.isZero }.keys.sorted()
        guard !open.isEmpty else { return }
        let rate = ExactDecimal(mantissa: 1, scale: 4)
        for symbol in open {
            let p = positions[symbol]!
            let mark = lastMarks[symbol] ?? p.entryPrice
            // Longs pay shorts at a positive rate.
            let fee = (p.amount * mark * rate).rounded(scale: 8)
            wallet -= fee
        }
        out.append(SimUserPayload.accountUpdate(reason: "FUNDING_FEE", wallet: wallet, positions: positionRows(open), now: now))
    }

    private func marginCall(now: Int64) -> String? {
        guard let (symbol, p) = positions.filter({ !$0.value.amount.isZero }).sorted(by: { $0.key < $1.key }).first else { return nil }
        let mark = lastMarks[symbol] ?? p.entryPrice
        let maint = (p.amount.magnitude * mark * ExactDecimal(mantissa: 4, scale: 3)).rounded(scale: 6)
        return SimUserPayload.marginCall(wallet: wallet, symbol: symbol, position: p, mark: mark,
                                         unrealized: unrealized(symbol), maintenance: maint, now: now)
    }

    /// Unrealised PnL of a position at the last mark price.
    public func unrealized(_ symbol: String) -> ExactDecimal {
        guard let p = positions[symbol], !p.amount.isZero else { return .zero }
        return ((lastMarks[symbol] ?? p.entryPrice) - p.entryPrice) * p.amount
    }

    /// Unrealised PnL of every position among `symbols`, to 8 decimals.
    public func totalUnrealized(_ symbols: [String]) -> ExactDecimal {
        symbols.reduce(ExactDecimal.zero) { $0 + unrealized($1) }.rounded(scale: 8)
    }

    private func positionRows(_ symbols: [String]) -> [SimUserPayload.PositionRow] {
        symbols.map { s in
            let p = positions[s] ?? SimPosition()
            return .init(symbol: s, amount: p.amount, entryPrice: p.entryPrice, unrealized: unrealized(s).rounded(scale: 8))
        }
    }
}
