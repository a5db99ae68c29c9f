import AsterKit

/// Orders of the demo account, as `order`, `openOrder` and `allOrders` look them up.
extension SimAccount {
    /// The open order of `symbol` with `id` or client id.
    public func openOrder(symbol: String, id: Int64?, clientId: String?) -> SimOrder? {
        orders.values.first { Self.matches($0, symbol: symbol, id: id, clientId: clientId) }
    }

    static func matches(_ o: SimOrder, symbol: String, id: Int64?, clientId: String?) -> Bool {
        o.symbol == symbol && (id == nil || o.orderId == id) && (clientId == nil || o.clientOrderId == clientId)
    }

    /// An open or finished order of `symbol` with `id` or client id.
    public func anyOrder(symbol: String, id: Int64?, clientId: String?) -> SimOrder? {
        openOrder(symbol: symbol, id: id, clientId: clientId)
            ?? closedOrders.last { Self.matches($0, symbol: symbol, id: id, clientId: clientId) }
    }

    /// Every order of `symbol`, open and finished, by order id.
    public func allOrders(symbol: String) -> [SimOrder] {
        (closedOrders.filter { $0.symbol == symbol } + orders.values.filter { $0.symbol == symbol }).sorted { $0.orderId < $1.orderId }
    }
}
