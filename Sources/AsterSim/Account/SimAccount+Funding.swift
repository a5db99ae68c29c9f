import AsterKit

/// Funding fees, charged only at each symbol's scheduled settlement.
extension SimAccount {
    /// Charges (or pays) funding on every open position of the settled symbol: each pays
    /// `amount × markPrice × rate`, so longs pay shorts when the rate is positive. Each position
    /// gets a `FUNDING_FEE` income at the settlement time; returns the `ACCOUNT_UPDATE` payload
    /// (reason `FUNDING_FEE`), or nothing when the account holds no position of the symbol.
    mutating func settleFunding(_ s: SimFundingSettlement) -> [String] {
        let open = positions.filter { Self.symbol(of: $0.key) == s.symbol && !$0.value.amount.isZero }.keys.sorted()
        guard !open.isEmpty else { return [] }
        for key in open {
            guard let p = positions[key] else { continue }
            let fee = (p.amount * s.markPrice * s.rate).rounded(scale: 8)
            wallet -= fee
            // An isolated position pays its funding from its own wallet.
            if isolatedSymbols.contains(s.symbol) { risk.isolatedWallets[key] = isolatedWallet(key) - fee }
            addIncome(s.symbol, "FUNDING_FEE", -fee, now: s.time)
        }
        updateTime = s.time
        return [accountUpdate(reason: "FUNDING_FEE", keys: open, now: s.time)]
    }
}
