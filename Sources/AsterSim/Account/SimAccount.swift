import AsterKit

/// One account of the simulated exchange: a USDT wallet, positions marked to the simulated
/// market, its own orders, fills, income, listen keys and user stream. An account is reached by a
/// V1 API key (HMAC secret) or by a V3 agent (`signer`) registered for its `user`; every
/// account's user-data events are encoded exactly as the spec's examples.
public struct SimAccount: Sendable {
    /// The demo credentials `aster-tui --demo` uses (they only open the simulator's account).
    public static let demoAPIKey = "demo0000aster0000sim0000api0000key0000000000000000000000000000001"
    public static let demoSecret = "demo0000aster0000sim0000secret000000000000000000000000000000000002"

    /// The V3 demo agent: the spec's published demonstration wallet (it guards nothing).
    public static let demoUser = "0x63DD5aCC6b1aa0f563956C0e534DD30B6dcF7C4e"
    public static let demoSigner = "0x21cF8Ae13Bb72632562c6Fff438652Ba1a151bb0"
    public static let demoSignerKey = "0x4fd0a42218f3eae43a6ce26d22544e986139a01e5b34a62db53757ffca81bae1"

    /// The account's number in the simulator (0 is the demo account).
    public internal(set) var id: Int = 0
    /// V1 API key and HMAC secret (empty: no V1 access).
    public let apiKey: String
    public let secret: String
    /// V3 main wallet address (`user`; empty: no V3 access) and its registered agent wallets (`signer`).
    public internal(set) var user: String = ""
    public internal(set) var signers: [String] = []
    /// The last 100 V3 nonces accepted, as the spec's nonce mechanism keeps them per user.
    var nonces: [Int64] = []
    /// Listen-key life in milliseconds (60 minutes on Aster).
    public let listenKeyValidity: Int64
    public internal(set) var wallet: ExactDecimal = 10_000
    public internal(set) var positions: [String: SimPosition] = [:]
    public internal(set) var orders: [Int64: SimOrder] = [:]
    public private(set) var listenKeys: [String: Int64] = [:]
    public internal(set) var updateTime: Int64 = 0
    /// Hedge mode (`positionSide/dual`).
    public internal(set) var dualSidePosition = false
    /// Multi-assets margin mode.
    public internal(set) var multiAssetsMargin = false
    /// Leverage per symbol (20 unless changed).
    public internal(set) var leverages: [String: Int] = [:]
    /// Symbols in isolated margin mode.
    public internal(set) var isolatedSymbols: Set<String> = []
    /// Self-trade prevention mode of the account's orders (`POST /fapi/v3/stpMode`).
    public internal(set) var stpMode = "EXPIRE_TAKER"
    /// The spot wallet that `asset/wallet/transfer` moves USDT to and from (starts as the futures wallet).
    public internal(set) var spotWallet: ExactDecimal = 10_000
    /// `clientTranId`s of the account's transfers (each may be used once).
    var transferIds: Set<String> = []
    /// Finished orders (filled, canceled, expired), oldest first.
    public internal(set) var closedOrders: [SimOrder] = []
    /// The account's fills, oldest first.
    public internal(set) var trades: [SimUserTrade] = []
    /// Income history, oldest first.
    public internal(set) var incomes: [SimIncome] = []
    var nextTranId: Int64 = 9_000_000
    var nextOrderId: Int64 = 8_000_000
    var nextTradeId: Int64 = 500_000
    private var random: SeededGenerator
    private var nextAnnouncement: Int64 = 0
    /// Whether the next crossing of the margin-call level sends a `MARGIN_CALL`.
    var marginCallArmed = true
    /// Margin ratio at which a `MARGIN_CALL` is sent (the spec names no level; 0.8 unless configured).
    public internal(set) var marginCallRatio = ExactDecimal(mantissa: 8, scale: 1)
    private var announcementId: Int64 = 160
    private(set) var lastMarks: [String: ExactDecimal] = [:]

    static let makerFee = ExactDecimal(mantissa: 2, scale: 4)
    static let takerFee = ExactDecimal(mantissa: 4, scale: 4)

    /// Creates an account holding `balance` USDT (one `TRANSFER` income).
    public init(apiKey: String = demoAPIKey, secret: String = demoSecret, seed: UInt64, listenKeyValidity: Duration = .seconds(3600),
                balance: ExactDecimal = 10_000) {
        self.apiKey = apiKey
        self.secret = secret
        self.wallet = balance
        self.spotWallet = balance
        self.listenKeyValidity = listenKeyValidity.milliseconds
        self.random = SeededGenerator(seed: seed ^ 0xACC0_0000)
        incomes.append(SimIncome(symbol: "", type: "TRANSFER", income: wallet, info: "TRANSFER", time: 0, tranId: nextTranId, tradeId: ""))
    }

    /// The leverage of `symbol`.
    public func leverage(_ symbol: String) -> Int { leverages[symbol] ?? 20 }

    /// The key of a position: the symbol in one-way mode, `SYMBOL|LONG` or `SYMBOL|SHORT` in hedge mode.
    static func key(_ symbol: String, _ side: String) -> String { side == "BOTH" ? symbol : symbol + "|" + side }

    /// The position of `symbol` on `side` (`BOTH`, `LONG`, `SHORT`).
    public func position(_ symbol: String, side: String = "BOTH") -> SimPosition { positions[Self.key(symbol, side)] ?? SimPosition() }

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

    /// `DELETE /fapi/v1/listenKey`: invalidates the account's keys; the `listenKeyExpired`
    /// payload for each stream that was open on one.
    @discardableResult
    public mutating func closeListenKeys(now: Int64) -> [SimOutgoing] {
        let closed = listenKeys.keys.sorted()
        listenKeys = [:]
        return closed.map { SimOutgoing(stream: $0, payload: SimUserPayload.listenKeyExpired(time: now)) }
    }

    /// The user-data payloads addressed to every active listen key of the account.
    func addressed(_ payloads: [String], now: Int64) -> [SimOutgoing] {
        let keys = listenKeys.filter { $0.value > now }.keys.sorted()
        return payloads.flatMap { p in keys.map { SimOutgoing(stream: $0, payload: p) } }
    }

    /// Whether `key` opens the user stream now.
    public func isActive(_ key: String, now: Int64) -> Bool { (listenKeys[key] ?? 0) > now }

    /// Keys that lapsed by `now`, removed, each with its `listenKeyExpired` payload.
    public mutating func expireListenKeys(now: Int64) -> [SimOutgoing] {
        let lapsed = listenKeys.filter { $0.value <= now }.map(\.key)
        lapsed.forEach { listenKeys[$0] = nil }
        return lapsed.map { SimOutgoing(stream: $0, payload: SimUserPayload.listenKeyExpired(time: now)) }
    }

    // MARK: Trading

    /// Moves the account on to `now`: marks positions to the market, sends a margin call when
    /// the margin ratio reaches the warning level, and now and then an announcement (resting orders fill in the book, as the market's takers reach them). Returns the user-data payloads, in
    /// event order. Nothing here trades for the account's owner: only its own orders move it.
    public mutating func advance(now: Int64, quotes: [SimQuote]) -> [String] {
        var out: [String] = []
        for q in quotes { lastMarks[q.symbol] = q.mark }
        if nextAnnouncement == 0 { nextAnnouncement = now + 9_000 }
        if let call = marginCallIfDue(level: marginCallRatio, now: now) { out.append(call) }
        if now >= nextAnnouncement {
            // Every two minutes an announcement: public (a new listing) and direct ones in turn.
            nextAnnouncement = now + 120_000
            announcementId += 1
            out.append(SimUserPayload.announcement(id: announcementId, direct: announcementId % 2 == 0, time: now))
        }
        if !out.isEmpty { updateTime = now }
        return out
    }

    /// Fills `quantity` of open order `id` at `price`: the order, the position, the wallet, the
    /// trade and income lists move on. Returns the `ORDER_TRADE_UPDATE` and `ACCOUNT_UPDATE` payloads.
    mutating func execute(_ id: Int64, quantity: ExactDecimal, price: ExactDecimal, maker: Bool, now: Int64) -> [String] {
        guard var order = orders[id] else { return [] }
        order.executed += quantity
        order.cumulativeQuote += quantity * price
        order.status = order.executed == order.quantity ? "FILLED" : "PARTIALLY_FILLED"
        order.updateTime = now
        let fee = (quantity * price * (maker ? Self.makerFee : Self.takerFee)).rounded(scale: 8)
        let key = Self.key(order.symbol, order.positionSide)
        let realized = applyFill(key: key, buy: order.side == "BUY", quantity: quantity, price: price, now: now)
        wallet += realized - fee
        nextTradeId += 1
        trades.append(SimUserTrade(id: nextTradeId, orderId: id, symbol: order.symbol, side: order.side,
                                   positionSide: order.positionSide, price: price, quantity: quantity, commission: fee,
                                   realizedPnl: realized, maker: maker, time: now))
        if !realized.isZero { addIncome(order.symbol, "REALIZED_PNL", realized, now: now, tradeId: String(nextTradeId)) }
        addIncome(order.symbol, "COMMISSION", -fee, now: now, tradeId: String(nextTradeId))
        if trades.count > 4_000 { trades.removeFirst(2_000) }
        let last = SimUserPayload.Fill(quantity: quantity, price: price, fee: fee, tradeId: nextTradeId, maker: maker)
        if order.status == "FILLED" {
            orders[id] = nil
            archive(order)
        } else {
            orders[id] = order
        }
        updateTime = now
        return [SimUserPayload.orderUpdate(order, execution: "TRADE", last: last, now: now, realized: realized),
                SimUserPayload.accountUpdate(reason: "ORDER", wallet: wallet, positions: positionRows([key]), now: now)]
    }

    mutating func addIncome(_ symbol: String, _ type: String, _ amount: ExactDecimal, now: Int64, tradeId: String = "") {
        nextTranId += 1
        incomes.append(SimIncome(symbol: symbol, type: type, income: amount, info: type, time: now, tranId: nextTranId, tradeId: tradeId))
        if incomes.count > 4_000 { incomes.removeFirst(2_000) }
    }

    /// Keeps a finished order for `allOrders` and `GET order`.
    mutating func archive(_ order: SimOrder) {
        closedOrders.append(order)
        if closedOrders.count > 4_000 { closedOrders.removeFirst(2_000) }
    }

    /// Applies a fill to the position; returns the realised PnL.
    private mutating func applyFill(key: String, buy: Bool, quantity: ExactDecimal, price: ExactDecimal, now: Int64) -> ExactDecimal {
        var p = positions[key, default: SimPosition()]
        p.updateTime = now
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
        positions[key] = p
        return realized
    }

    /// The symbol of a position key.
    static func symbol(of key: String) -> String { key.split(separator: "|").first.map(String.init) ?? key }

    /// The position side of a position key.
    static func side(of key: String) -> String { key.split(separator: "|").dropFirst().first.map(String.init) ?? "BOTH" }

    /// The last mark price of `symbol`.
    public func mark(_ symbol: String) -> ExactDecimal? { lastMarks[symbol] }

    /// Unrealised PnL of a position (by key: the symbol, or `SYMBOL|LONG`) at the last mark price.
    public func unrealized(_ key: String) -> ExactDecimal {
        guard let p = positions[key], !p.amount.isZero else { return .zero }
        return ((lastMarks[Self.symbol(of: key)] ?? p.entryPrice) - p.entryPrice) * p.amount
    }

    /// Unrealised PnL of every position of `symbols`, to 8 decimals.
    public func totalUnrealized(_ symbols: [String]) -> ExactDecimal {
        let wanted = Set(symbols)
        return positions.keys.filter { wanted.contains(Self.symbol(of: $0)) }
            .reduce(ExactDecimal.zero) { $0 + unrealized($1) }.rounded(scale: 8)
    }

    /// Initial margin of every open position at the last mark price.
    public var positionMargin: ExactDecimal {
        positions.reduce(ExactDecimal.zero) { sum, e in
            let s = Self.symbol(of: e.key)
            let notional = e.value.amount.magnitude * (lastMarks[s] ?? e.value.entryPrice)
            return sum + (notional.divided(by: ExactDecimal(leverage(s)), scale: 8) ?? .zero)
        }.rounded(scale: 8)
    }

    func positionRows(_ keys: [String]) -> [SimUserPayload.PositionRow] {
        keys.map { k in
            let p = positions[k] ?? SimPosition()
            return .init(symbol: Self.symbol(of: k), amount: p.amount, entryPrice: p.entryPrice,
                         unrealized: unrealized(k).rounded(scale: 8), positionSide: Self.side(of: k),
                         isolated: isolatedSymbols.contains(Self.symbol(of: k)))
        }
    }
}
