import AsterKit

/// The order ticket the dashboard shows while an order is being written (`b`, `S`) or an open
/// order changed (`M`): what the user typed, and once Enter was pressed, what will be sent.
public struct OrderTicket: Sendable, Hashable {
    /// The field being typed into.
    public enum Field: String, Sendable, Hashable, CaseIterable {
        case price, quantity, takeProfit = "take profit", stopLoss = "stop loss"
    }

    public var symbol: String
    public var side: Side
    /// MARKET instead of LIMIT (`m` toggles).
    public var market = false
    public var price: String
    public var quantity = ""
    /// The quantity is in USDT of notional, not contracts (`u` toggles).
    public var quantityInQuote = false
    /// `r` toggles.
    public var reduceOnly = false
    public var takeProfit = ""
    public var stopLoss = ""
    public var field: Field = .quantity
    /// Set once Enter was pressed on a valid ticket: the confirmation.
    public var preview: OrderPreview?
    /// Why the ticket cannot be sent as typed.
    public var problem: String?
    /// Changing this open order instead of placing a new one.
    public var modifying: Int64?

    public init(symbol: String, side: Side, price: String) {
        self.symbol = symbol
        self.side = side
        self.price = price
    }

    /// The fields Tab moves through (no price for a market order, no TP/SL when modifying).
    var fields: [Field] {
        var all: [Field] = market ? [.quantity] : [.price, .quantity]
        if modifying == nil { all += [.takeProfit, .stopLoss] }
        return all
    }

    /// The text of `field`.
    public func text(_ field: Field) -> String {
        switch field {
        case .price: price
        case .quantity: quantity
        case .takeProfit: takeProfit
        case .stopLoss: stopLoss
        }
    }

    mutating func edit(_ change: (inout String) -> Void) {
        switch field {
        case .price: change(&price)
        case .quantity: change(&quantity)
        case .takeProfit: change(&takeProfit)
        case .stopLoss: change(&stopLoss)
        }
        preview = nil
        problem = nil
    }
}

/// What an order ticket will send, with its effect: shown for confirmation before anything goes out.
public struct OrderPreview: Sendable, Hashable {
    /// The orders: the entry, then the take-profit and stop-loss (reduce-only triggers), if any.
    public var orders: [NewOrder]
    /// Quantity × price (the mark or best price for a market order).
    public var notional: ExactDecimal
    /// The position, margin and liquidation price if the entry filled (when the account is known).
    public var estimate: FillEstimate?
}

/// An action waiting for Enter (or Esc): shown as one line in the middle of the screen.
public enum PendingConfirmation: Sendable, Hashable {
    case cancelOrder(symbol: String, orderId: Int64, summary: String)
    case closePosition(symbol: String, summary: String)

    /// The question shown.
    public var question: String {
        switch self {
        case .cancelOrder(_, _, let summary): "cancel \(summary)?"
        case .closePosition(_, let summary): "close \(summary) at market (reduce-only)?"
        }
    }
}
