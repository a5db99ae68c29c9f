import AsterKit

/// The triggers of conditional orders, as the spec's `New Order` describes them: `STOP*` and
/// `TAKE_PROFIT*` at their stop price; `TRAILING_STOP_MARKET` once the extreme price since it was
/// placed has reached `activationPrice` and the price has come back by `callbackRate` percent;
/// each on its `workingType` price (`MARK_PRICE` or `CONTRACT_PRICE`, the last trade). An order
/// with `priceProtect` does not trigger while mark and last price differ by more than the
/// symbol's `triggerProtect`: it waits until they are close again.
extension SimAccount {
    /// The conditional orders due now, in order-id order. Trailing stops' extremes move on first.
    ///
    /// - Parameters:
    ///   - quotes: the market now.
    ///   - triggerProtect: the largest |mark − last| / mark at which a protected order may trigger.
    mutating func dueConditionals(_ quotes: [SimQuote], triggerProtect: ExactDecimal) -> [Int64] {
        let byName = Dictionary(quotes.map { ($0.symbol, $0) }, uniquingKeysWith: { a, _ in a })
        var due: [Int64] = []
        for id in orders.keys.sorted() {
            guard var o = orders[id], o.isConditional, let q = byName[o.symbol] else { continue }
            let price = o.workingType == "MARK_PRICE" ? q.mark : q.last
            guard price > .zero else { continue }
            let reached: Bool
            if o.origType == "TRAILING_STOP_MARKET" {
                o.trailingExtreme = o.trailingExtreme.map { o.side == "BUY" ? min($0, price) : max($0, price) } ?? price
                orders[id] = o
                reached = Self.trailingReached(o, price: price)
            } else {
                // STOP: buy when the price rises to the stop, sell when it falls; TAKE_PROFIT the other way.
                let stop = o.origType.hasPrefix("STOP")
                reached = stop == (o.side == "BUY") ? price >= o.stopPrice : price <= o.stopPrice
            }
            guard reached else { continue }
            if o.priceProtect, !Self.withinProtection(mark: q.mark, last: q.last, threshold: triggerProtect) { continue }
            due.append(id)
        }
        return due
    }

    /// Whether a trailing stop triggers at `price`: SELL when the highest price since placing
    /// reached the activation price and `price` ≤ highest × (1 − rate); BUY mirrored.
    static func trailingReached(_ o: SimOrder, price: ExactDecimal) -> Bool {
        guard let extreme = o.trailingExtreme, let rate = o.callbackRate,
              let fraction = rate.divided(by: 100, scale: 8) else { return false }
        if o.side == "BUY" {
            if let activation = o.activationPrice, extreme > activation { return false }
            return price >= extreme * (1 + fraction)
        }
        if let activation = o.activationPrice, extreme < activation { return false }
        return price <= extreme * (1 - fraction)
    }

    /// Whether mark and last price are within `threshold` (a fraction of the mark price) of each other.
    static func withinProtection(mark: ExactDecimal, last: ExactDecimal, threshold: ExactDecimal) -> Bool {
        guard mark > .zero, last > .zero else { return false }
        return (mark - last).magnitude <= mark * threshold
    }
}
