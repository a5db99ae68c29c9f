import AsterKit

extension SimSymbolMarket {
    /// The first resting order of `account` that a taker (buying from the asks, or selling to
    /// the bids, no worse than `limit`) would reach in price-time order: the quantity ahead of it,
    /// the order and its price; `nil` when it would reach none.
    func firstOwnOrder(account: Int, buy: Bool, limit: ExactDecimal?) -> (ahead: ExactDecimal, order: SimRestingOrder, price: ExactDecimal)? {
        var ahead = ExactDecimal.zero
        for level in (buy ? asks : bids).levels {
            if let limit, buy ? level.price > limit : level.price < limit { break }
            guard let queue = (buy ? askQueues : bidQueues)[level.price] else {
                ahead += level.quantity
                continue
            }
            for entry in queue.entries {
                if case .client(let o) = entry, o.account == account { return (ahead, o, level.price) }
                ahead += entry.quantity
            }
        }
        return nil
    }
}
