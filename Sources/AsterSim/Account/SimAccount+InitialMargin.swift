import AsterKit

/// Initial margin, as the exchange reserves it: every open position's notional at the mark price
/// over the symbol's leverage, and every open order's opening part at its price over the same
/// leverage. Cross and isolated orders both reserve from the cross wallet until they fill
/// (then an isolated position's margin moves to its own wallet).
///
/// An order's opening part nets against the position it faces: in one-way mode buys first close
/// a short and sells a long; of a symbol's buy and sell orders the larger opening side is
/// reserved (only one side can open the position). Reduce-only, close-position and untriggered
/// conditional orders reserve nothing.
extension SimAccount {
    /// Initial margin of the position at `key`: notional at the mark price over the leverage.
    public func positionInitialMargin(_ key: String) -> ExactDecimal {
        (notional(key).divided(by: ExactDecimal(leverage(Self.symbol(of: key))), scale: 8) ?? .zero).rounded(scale: 8)
    }

    /// Initial margin of every cross position.
    public var crossPositionMargin: ExactDecimal {
        openKeys(isolated: false).reduce(ExactDecimal.zero) { $0 + positionInitialMargin($1) }
    }

    /// Initial margin the open orders of `key` (`SYMBOL` or `SYMBOL|LONG`) reserve, with `extra`
    /// counted as if it were open too.
    func openOrderMargin(_ key: String, extra: SimOrder? = nil) -> ExactDecimal {
        let symbol = Self.symbol(of: key), side = Self.side(of: key)
        let working = orders.values.filter {
            $0.symbol == symbol && $0.positionSide == side && !$0.reduceOnly && !$0.closePosition && !$0.isConditional
        } + (extra.map { [$0] } ?? [])
        let amount = positions[key]?.amount ?? .zero
        func opening(buy: Bool) -> ExactDecimal {
            let mine = working.filter { ($0.side == "BUY") == buy }
            // Hedge mode: LONG opens with buys, SHORT with sells; the other side only closes.
            if side == "LONG" && !buy || side == "SHORT" && buy { return .zero }
            let quantity = mine.reduce(ExactDecimal.zero) { $0 + ($1.quantity - $1.executed) }
            let notional = mine.reduce(ExactDecimal.zero) { $0 + ($1.quantity - $1.executed) * $1.price }
            guard quantity > .zero else { return .zero }
            let facing = side == "BOTH" && amount.isNegative == buy ? amount.magnitude : .zero
            let open = max(quantity - facing, .zero)
            return open == quantity ? notional : (notional * open).divided(by: quantity, scale: 8) ?? notional
        }
        let reserved = max(opening(buy: true), opening(buy: false))
        return (reserved.divided(by: ExactDecimal(leverage(symbol)), scale: 8) ?? .zero).rounded(scale: 8)
    }

    /// Position keys that have open orders or positions.
    private var busyKeys: Set<String> {
        Set(orders.values.map { Self.key($0.symbol, $0.positionSide) }).union(positions.keys)
    }

    /// Initial margin of every open order.
    public var openOrderMargin: ExactDecimal {
        busyKeys.reduce(ExactDecimal.zero) { $0 + openOrderMargin($1) }
    }

    /// Initial margin of every open position (cross and isolated) at the mark price.
    public var positionMargin: ExactDecimal {
        positions.keys.reduce(ExactDecimal.zero) { $0 + positionInitialMargin($1) }
    }

    /// Available balance: cross wallet plus cross unrealised PnL, less the cross positions' and
    /// every open order's initial margin.
    public var availableBalance: ExactDecimal {
        (crossWallet + crossUnrealized - crossPositionMargin - openOrderMargin).rounded(scale: 8)
    }

    /// What may be withdrawn: the available balance, at most the cross wallet, never below zero.
    public var maxWithdrawAmount: ExactDecimal {
        max(min(availableBalance, crossWallet), .zero).rounded(scale: 8)
    }

    /// Refuses an order whose opening part needs more initial margin than is available
    /// (`-2019`): the reserve of its position with the order counted, less the reserve without it.
    func checkMargin(symbol: String, positionSide: String, buy: Bool, quantity: ExactDecimal, price: ExactDecimal) throws {
        let key = Self.key(symbol, positionSide)
        let order = SimOrder(orderId: -1, clientOrderId: "", symbol: symbol, side: buy ? "BUY" : "SELL", price: price,
                             quantity: quantity, time: 0, updateTime: 0)
        var probe = order
        probe.positionSide = positionSide
        let needed = openOrderMargin(key, extra: probe) - openOrderMargin(key)
        if needed > .zero, needed > availableBalance { throw SimHTTPError(-2019, "Margin is insufficient.") }
    }

    /// Refuses a leverage change as the spec's errors say: `-4161` lowering the leverage of an
    /// isolated symbol with an open position; `-2028` when the initial margin at the new leverage
    /// is more than the account can put up. (`-2027`, the brackets' notional cap, is checked by the caller.)
    func checkLeverageChange(symbol: String, to leverage: Int) throws {
        let keys = ["BOTH", "LONG", "SHORT"].map { Self.key(symbol, $0) }
        let open = keys.contains { !(positions[$0]?.amount.isZero ?? true) }
        if isolatedSymbols.contains(symbol), open, leverage < self.leverage(symbol) {
            throw SimHTTPError(-4161, "Leverage reduction is not supported in Isolated Margin Mode with open positions")
        }
        var changed = self
        changed.leverages[symbol] = leverage
        let before = keys.reduce(ExactDecimal.zero) { $0 + positionInitialMargin($1) + openOrderMargin($1) }
        let after = keys.reduce(ExactDecimal.zero) { $0 + changed.positionInitialMargin($1) + changed.openOrderMargin($1) }
        // An isolated position's margin is already in its wallet: only its orders draw on the cross wallet.
        let isolated = isolatedSymbols.contains(symbol)
        let extra = isolated ? keys.reduce(ExactDecimal.zero) { $0 + changed.openOrderMargin($1) - openOrderMargin($1) } : after - before
        if extra > .zero, extra > availableBalance {
            throw SimHTTPError(-2028, "Leverage is smaller than permitted: insufficient margin balance.")
        }
    }
}
