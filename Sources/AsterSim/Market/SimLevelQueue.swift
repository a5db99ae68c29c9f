import AsterKit

/// A client order resting in the simulated book.
public struct SimRestingOrder: Sendable, Hashable {
    /// The account that owns it.
    public var account: Int
    /// Its order id in that account.
    public var orderId: Int64
    /// The quantity still resting.
    public var quantity: ExactDecimal
}

/// A fill of a client's resting order by a taker (the market's flow or another order).
public struct SimMakerFill: Sendable, Hashable {
    public var account: Int
    public var orderId: Int64
    public var symbol: String
    public var price: ExactDecimal
    public var quantity: ExactDecimal
}

/// The time-ordered queue of one price level that holds client orders: the anonymous flow's
/// liquidity and client orders, each where it joined. A taker fills it front to back (price-time
/// priority); the flow adds at the back and, when it cancels, takes its own liquidity off from
/// the back, so a client's place in the queue only improves as what is ahead of it trades.
/// Levels without client orders keep no queue (their total is all flow).
struct SimLevelQueue: Sendable {
    enum Entry: Sendable, Hashable {
        case flow(ExactDecimal)
        case client(SimRestingOrder)

        var quantity: ExactDecimal {
            switch self {
            case .flow(let q): q
            case .client(let o): o.quantity
            }
        }
    }

    private(set) var entries: [Entry]

    /// A queue behind `flow` of anonymous liquidity already at the level.
    init(flow: ExactDecimal) { entries = flow.isZero ? [] : [.flow(flow)] }

    var total: ExactDecimal { entries.reduce(.zero) { $0 + $1.quantity } }
    var clientQuantity: ExactDecimal { entries.reduce(.zero) { if case .client(let o) = $1 { $0 + o.quantity } else { $0 } } }
    var hasClients: Bool { entries.contains { if case .client = $0 { true } else { false } } }

    /// Quantity ahead of client order `orderId` (its queue position), `nil` when it is not here.
    func ahead(of orderId: Int64) -> ExactDecimal? {
        var sum = ExactDecimal.zero
        for e in entries {
            if case .client(let o) = e, o.orderId == orderId { return sum }
            sum += e.quantity
        }
        return nil
    }

    mutating func append(_ order: SimRestingOrder) { entries.append(.client(order)) }

    /// Adds flow liquidity at the back.
    mutating func addFlow(_ quantity: ExactDecimal) {
        guard quantity > .zero else { return }
        if case .flow(let q) = entries.last { entries[entries.count - 1] = .flow(q + quantity) } else { entries.append(.flow(quantity)) }
    }

    /// Takes up to `quantity` of the flow's liquidity off, from the back; returns what was taken.
    @discardableResult
    mutating func removeFlow(_ quantity: ExactDecimal) -> ExactDecimal {
        var left = quantity
        for i in entries.indices.reversed() where left > .zero {
            guard case .flow(let q) = entries[i] else { continue }
            let cut = min(q, left)
            left -= cut
            entries[i] = .flow(q - cut)
        }
        entries.removeAll { $0 == .flow(.zero) }
        return quantity - left
    }

    /// Removes client order `orderId`; its resting quantity, or `nil` when it is not here.
    mutating func remove(orderId: Int64) -> ExactDecimal? {
        guard let i = entries.firstIndex(where: { if case .client(let o) = $0 { o.orderId == orderId } else { false } }) else { return nil }
        let q = entries[i].quantity
        entries.remove(at: i)
        return q
    }

    /// Sets client order `orderId`'s quantity where it stands; its old quantity, or `nil` when it is not here.
    mutating func resize(orderId: Int64, to quantity: ExactDecimal) -> ExactDecimal? {
        guard let i = entries.firstIndex(where: { if case .client(let o) = $0 { o.orderId == orderId } else { false } }),
              case .client(var o) = entries[i] else { return nil }
        let old = o.quantity
        o.quantity = quantity
        entries[i] = .client(o)
        return old
    }

    /// A taker takes up to `quantity` front to back; returns the quantity filled and the client fills.
    mutating func take(_ quantity: ExactDecimal) -> (filled: ExactDecimal, clients: [(SimRestingOrder, ExactDecimal)]) {
        var left = quantity
        var clients: [(SimRestingOrder, ExactDecimal)] = []
        var i = 0
        while left > .zero, i < entries.count {
            let fill = min(left, entries[i].quantity)
            left -= fill
            switch entries[i] {
            case .flow(let q): entries[i] = .flow(q - fill)
            case .client(var o):
                clients.append((o, fill))
                o.quantity -= fill
                entries[i] = .client(o)
            }
            if entries[i].quantity.isZero { entries.remove(at: i) } else { i += 1 }
        }
        return (quantity - left, clients)
    }
}
