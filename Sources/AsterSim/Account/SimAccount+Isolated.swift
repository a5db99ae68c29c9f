import AsterKit

/// Isolated margin: each isolated position stands on its own wallet, funded from the cross
/// wallet when the position opens or grows (its initial margin at the symbol's leverage), and by
/// `positionMargin` transfers; its realised PnL and funding go to that wallet, and what is left
/// goes back to the cross wallet as the position closes. The account's wallet balance is the
/// cross wallet plus every isolated wallet.
extension SimAccount {
    /// The wallet of the isolated position at `key` (zero for a cross one).
    public func isolatedWallet(_ key: String) -> ExactDecimal { risk.isolatedWallets[key] ?? .zero }

    /// Whether the position at `key` is isolated (its symbol is in isolated margin mode).
    func isIsolated(_ key: String) -> Bool { isolatedSymbols.contains(Self.symbol(of: key)) }

    /// The cross wallet: the wallet less every isolated wallet.
    public var crossWallet: ExactDecimal {
        wallet - risk.isolatedWallets.values.reduce(ExactDecimal.zero, +)
    }

    /// Keys of the open positions, cross (`isolated` false) or isolated.
    func openKeys(isolated: Bool) -> [String] {
        positions.filter { !$0.value.amount.isZero && isIsolated($0.key) == isolated }.keys.sorted()
    }

    /// Unrealised PnL of the cross positions.
    public var crossUnrealized: ExactDecimal {
        openKeys(isolated: false).reduce(ExactDecimal.zero) { $0 + unrealized($1) }.rounded(scale: 8)
    }

    /// `isolatedMargin` of `positionRisk`: the isolated wallet plus unrealised PnL.
    public func isolatedMargin(_ key: String) -> ExactDecimal {
        isIsolated(key) ? (isolatedWallet(key) + unrealized(key)).rounded(scale: 8) : .zero
    }

    /// Moves margin between the cross wallet and the isolated wallet of `key` after a fill
    /// (called with the position amount `before` the fill, which already moved the position and
    /// added `realized` to the wallet): the realised PnL belongs to the isolated wallet; a closing
    /// part releases its share of the wallet to the cross wallet; an opening part takes its
    /// initial margin (`quantity × price / leverage`) from the cross wallet.
    mutating func moveIsolatedMargin(key: String, before: ExactDecimal, quantity: ExactDecimal, price: ExactDecimal,
                                     realized: ExactDecimal) {
        guard isIsolated(key) else { return }
        let after = positions[key]?.amount ?? .zero
        let buy = after > before
        let closing = before.isZero || buy != before.isNegative ? ExactDecimal.zero : min(quantity, before.magnitude)
        var iw = isolatedWallet(key) + realized
        if closing > .zero {
            let release = closing == before.magnitude ? iw : (iw * closing).divided(by: before.magnitude, scale: 8) ?? iw
            iw -= release
        }
        let opened = quantity - closing
        if opened > .zero {
            iw += ((opened * price).divided(by: ExactDecimal(leverage(Self.symbol(of: key))), scale: 8) ?? .zero)
        }
        risk.isolatedWallets[key] = after.isZero && iw.isZero ? nil : iw.rounded(scale: 8)
    }

    /// `POST positionMargin`: adds `amount` to (type 1) or takes it from (type 2) the isolated
    /// position at `key`, as the spec's errors say: `-4049` when the symbol is not isolated,
    /// `-4054` with no position, `-4050` when the cross wallet's available balance is short,
    /// `-4051` when the position would keep less than its initial margin. Returns the
    /// `ACCOUNT_UPDATE` payload (reason `MARGIN_TRANSFER`).
    mutating func changeIsolatedMargin(key: String, amount: ExactDecimal, add: Bool, now: Int64) throws -> String {
        guard amount > .zero else { throw SimHTTPError(-4055, "Amount must be positive.") }
        guard isIsolated(key) else { throw SimHTTPError(-4049, "Add margin only support for isolated position.") }
        guard let p = positions[key], !p.amount.isZero else {
            throw SimHTTPError(-4054, "Cannot add position margin: position is 0.")
        }
        if add {
            guard amount <= availableBalance else { throw SimHTTPError(-4050, "Cross balance insufficient.") }
            risk.isolatedWallets[key] = isolatedWallet(key) + amount
        } else {
            guard amount <= removableIsolatedMargin(key) else { throw SimHTTPError(-4051, "Isolated balance insufficient.") }
            risk.isolatedWallets[key] = isolatedWallet(key) - amount
        }
        risk.marginChanges.append(SimMarginChange(symbol: Self.symbol(of: key), positionSide: Self.side(of: key),
                                                  amount: amount, type: add ? 1 : 2, time: now))
        if risk.marginChanges.count > 4_000 { risk.marginChanges.removeFirst(2_000) }
        updateTime = now
        return accountUpdate(reason: "MARGIN_TRANSFER", keys: [key], now: now)
    }

    /// What may be taken from the isolated position at `key`: its wallet plus any unrealised loss,
    /// less its initial margin at the mark price (never below zero).
    public func removableIsolatedMargin(_ key: String) -> ExactDecimal {
        let loss = min(unrealized(key), .zero)
        return max(isolatedWallet(key) + loss - positionInitialMargin(key), .zero).rounded(scale: 8)
    }

    /// The account's `ACCOUNT_UPDATE` for the positions at `keys`: wallet, cross wallet and
    /// each position's isolated wallet.
    func accountUpdate(reason: String, keys: [String], now: Int64) -> String {
        SimUserPayload.accountUpdate(reason: reason, wallet: wallet, crossWallet: crossWallet, positions: positionRows(keys), now: now)
    }
}
