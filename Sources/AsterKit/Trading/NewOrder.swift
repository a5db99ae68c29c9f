/// An order to place (`POST /fapi/v1/order`, V3 `/fapi/v3/order`), as a value a caller can build,
/// inspect, check and log before anything is sent.
///
/// Every order carries a client order id (`newClientOrderId`): the one given, or a fresh one. It is
/// how an order whose outcome is unknown (a timeout, a reset connection, a 5xx) is found again:
/// ``TradingClient`` never sends an order twice, it asks the exchange for that id.
///
/// ```swift
/// let order = NewOrder.limit("BTCUSDT", .buy, quantity: ExactDecimal("0.010")!, price: ExactDecimal("90000")!)
/// print(order)   // BUY LIMIT 0.010 BTCUSDT @ 90000 GTC (id ak-…)
/// let placed = try await trading.place(order)
/// ```
public struct NewOrder: Sendable, Hashable, CustomStringConvertible {
    /// Symbol, upper case.
    public var symbol: String
    public var side: Side
    public var type: OrderType
    /// Quantity in contracts; `nil` only with ``closePosition``.
    public var quantity: ExactDecimal?
    /// Limit price (LIMIT, STOP, TAKE_PROFIT).
    public var price: ExactDecimal?
    /// Trigger price (STOP, STOP_MARKET, TAKE_PROFIT, TAKE_PROFIT_MARKET).
    public var stopPrice: ExactDecimal?
    /// GTC, IOC, FOK or GTX (post-only); limit-style orders only.
    public var timeInForce: TimeInForce?
    public var reduceOnly: Bool
    /// Close the whole position (STOP_MARKET, TAKE_PROFIT_MARKET; no quantity).
    public var closePosition: Bool
    /// `BOTH` in one-way mode, `LONG` or `SHORT` in hedge mode.
    public var positionSide: PositionSide?
    /// What a trigger follows: mark price or contract (last) price.
    public var workingType: WorkingType?
    public var priceProtect: Bool
    /// TRAILING_STOP_MARKET: activation price (`activationPrice`).
    public var activationPrice: ExactDecimal?
    /// TRAILING_STOP_MARKET: callback rate in percent, 0.1 to 5 (`callbackRate`).
    public var callbackRate: ExactDecimal?
    /// `ACK` or `RESULT`.
    public var responseType: ResponseType
    /// The client order id sent as `newClientOrderId`.
    public var clientOrderId: String

    /// How much the exchange says in its answer (`newOrderRespType`).
    public enum ResponseType: String, Sendable, Hashable {
        case ack = "ACK", result = "RESULT"
    }

    /// Creates an order; `clientOrderId` is generated when `nil`.
    public init(symbol: String, side: Side, type: OrderType, quantity: ExactDecimal? = nil, price: ExactDecimal? = nil,
                stopPrice: ExactDecimal? = nil, timeInForce: TimeInForce? = nil, reduceOnly: Bool = false,
                closePosition: Bool = false, positionSide: PositionSide? = nil, workingType: WorkingType? = nil,
                priceProtect: Bool = false, activationPrice: ExactDecimal? = nil, callbackRate: ExactDecimal? = nil,
                responseType: ResponseType = .result, clientOrderId: String? = nil) {
        self.symbol = symbol.uppercased()
        self.side = side
        self.type = type
        self.quantity = quantity
        self.price = price
        self.stopPrice = stopPrice
        self.timeInForce = timeInForce ?? ([.limit, .stop, .takeProfit].contains(type) ? .gtc : nil)
        self.reduceOnly = reduceOnly
        self.closePosition = closePosition
        self.positionSide = positionSide
        self.workingType = workingType
        self.priceProtect = priceProtect
        self.activationPrice = activationPrice
        self.callbackRate = callbackRate
        self.responseType = responseType
        self.clientOrderId = clientOrderId ?? ClientOrderID.make()
    }

    /// A limit order (GTC unless told).
    public static func limit(_ symbol: String, _ side: Side, quantity: ExactDecimal, price: ExactDecimal,
                             timeInForce: TimeInForce = .gtc, reduceOnly: Bool = false, clientOrderId: String? = nil) -> NewOrder {
        NewOrder(symbol: symbol, side: side, type: .limit, quantity: quantity, price: price, timeInForce: timeInForce,
                 reduceOnly: reduceOnly, clientOrderId: clientOrderId)
    }

    /// A market order.
    public static func market(_ symbol: String, _ side: Side, quantity: ExactDecimal, reduceOnly: Bool = false,
                              clientOrderId: String? = nil) -> NewOrder {
        NewOrder(symbol: symbol, side: side, type: .market, quantity: quantity, reduceOnly: reduceOnly, clientOrderId: clientOrderId)
    }

    /// The request's parameters in the order the spec's examples list them (without signing fields).
    public var parameters: [(String, String)] {
        var p: [(String, String)] = [("symbol", symbol), ("side", side.wireValue), ("type", type.wireValue)]
        if let positionSide { p.append(("positionSide", positionSide.wireValue)) }
        if let timeInForce { p.append(("timeInForce", timeInForce.wireValue)) }
        if let quantity { p.append(("quantity", quantity.description)) }
        if reduceOnly { p.append(("reduceOnly", "true")) }
        if let price { p.append(("price", price.description)) }
        p.append(("newClientOrderId", clientOrderId))
        if let stopPrice { p.append(("stopPrice", stopPrice.description)) }
        if closePosition { p.append(("closePosition", "true")) }
        if let activationPrice { p.append(("activationPrice", activationPrice.description)) }
        if let callbackRate { p.append(("callbackRate", callbackRate.description)) }
        if let workingType { p.append(("workingType", workingType.wireValue)) }
        if priceProtect { p.append(("priceProtect", "TRUE")) }
        p.append(("newOrderRespType", responseType.rawValue))
        return p
    }

    /// `BUY LIMIT 0.010 BTCUSDT @ 90000 GTC reduce-only (id …)`: what will be sent, readable.
    public var description: String {
        var parts = [side.wireValue, type.wireValue]
        parts.append(closePosition ? "close-position" : (quantity?.description ?? "?"))
        parts.append(symbol)
        if let price { parts.append("@ \(price)") }
        if let stopPrice { parts.append("trigger \(stopPrice)") }
        if let activationPrice { parts.append("activation \(activationPrice)") }
        if let callbackRate { parts.append("callback \(callbackRate)%") }
        if let timeInForce { parts.append(timeInForce.wireValue) }
        if let positionSide, positionSide != .both { parts.append(positionSide.wireValue) }
        if reduceOnly { parts.append("reduce-only") }
        return parts.joined(separator: " ") + " (id \(clientOrderId))"
    }
}

/// Client order ids: `ak-` and 20 random characters of `[0-9a-z]`, within the exchange's
/// `^[\.A-Z\:/a-z0-9_-]{1,36}$`.
public enum ClientOrderID {
    private static let alphabet = Array("0123456789abcdefghijklmnopqrstuvwxyz".utf8)

    /// A fresh id.
    public static func make() -> String {
        var generator = SystemRandomNumberGenerator()
        let tail = (0..<20).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] }
        return "ak-" + String(decoding: tail, as: UTF8.self)
    }

    /// Whether `id` is one the exchange accepts: 1 to 36 characters of `A-Z a-z 0-9 . : / _ -`.
    public static func isValid(_ id: String) -> Bool {
        (1...36).contains(id.utf8.count) && id.utf8.allSatisfy { b in
            (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a)
                || b == UInt8(ascii: ".") || b == UInt8(ascii: ":") || b == UInt8(ascii: "/") || b == UInt8(ascii: "_")
                || b == UInt8(ascii: "-")
        }
    }
}
