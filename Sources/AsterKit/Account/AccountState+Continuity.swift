extension AccountState {
    /// Why `event` shows that an earlier event of the same order was lost, if it does: a fill of
    /// an order known open whose cumulative filled quantity (`z`) minus this fill (`l`) is more
    /// than the quantity known filled, in an event newer than the order's last known change (an
    /// older one is a late arrival, which the state ignores anyway). The user stream carries no
    /// sequence numbers; this chain of fills is the one the spec's fields allow checking.
    public func skippedFill(before event: AsterEvent) -> String? {
        guard case .orderTradeUpdate(let o) = event, o.executionType == .trade,
              let known = openOrders[o.orderId], o.eventTime >= known.updatedAt else { return nil }
        let before = o.filledQuantity - o.lastFilledQuantity
        guard before > known.filled else { return nil }
        return "order \(o.orderId) filled \(o.filledQuantity) with a last fill of \(o.lastFilledQuantity), but only \(known.filled) was known filled: a fill was missed"
    }
}
