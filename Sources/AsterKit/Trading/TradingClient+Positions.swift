import Foundation

/// One change of an isolated position's margin (`GET /fapi/v1/positionMargin/history`).
public struct MarginChange: Sendable, Hashable {
    public var symbol: String
    /// Added (`type` 1) or reduced (2).
    public var added: Bool
    public var amount: ExactDecimal
    public var asset: String
    public var time: Int64
    public var positionSide: PositionSide
}

extension TradingClient {
    /// Changes the price and quantity of a resting LIMIT order (`PUT /fapi/v3/order`; V3 only, as
    /// the spec documents it). Both are checked against the symbol's rules first. An unknown outcome
    /// is resolved by reading the order back: it is never sent twice blindly.
    public func modify(symbol: String, orderId: Int64? = nil, clientOrderId: String? = nil, side: Side,
                       quantity: ExactDecimal, price: ExactDecimal) async throws -> OpenOrder {
        guard orderId != nil || clientOrderId != nil else {
            throw OrderRejection(.parameters, "modify needs an order id or a client order id")
        }
        guard account.isV3 else {
            throw TradingError.unsupported("modifying an order is a V3 endpoint (PUT /fapi/v3/order) and the V1 API has none: "
                + "use an agent wallet, or cancel and place again")
        }
        let symbol = symbol.uppercased()
        // The new price and quantity obey the same rules as a new limit order.
        try await check(NewOrder.limit(symbol, side, quantity: quantity, price: price, clientOrderId: clientOrderId))
        var parameters = [("symbol", symbol), ("side", side.wireValue)]
        if let orderId { parameters.append(("orderId", String(orderId))) }
        if let clientOrderId { parameters.append(("origClientOrderId", clientOrderId)) }
        parameters += [("quantity", quantity.description), ("price", price.description)]
        let identity = orderId.map { [("orderId", String($0))] } ?? [("origClientOrderId", clientOrderId ?? "")]
        return try await write(.PUT, "/fapi/v3/order", parameters, symbol: symbol, clientOrderId: clientOrderId, resolve: { [self] in
            try await query(symbol: symbol, identity, clientOrderId: clientOrderId)
        })
    }

    /// Arms (or, with `.zero`, stops) the dead man's switch of `symbol`
    /// (`POST /fapi/v1/countdownCancelAll`): unless called again within `countdown`, every open
    /// order of the symbol is cancelled. Call it as a heartbeat; re-arming is harmless, so it is
    /// retried like a read.
    public func countdownCancelAll(symbol: String, countdown: Duration) async throws {
        let (whole, overflow) = countdown.components.seconds.multipliedReportingOverflow(by: 1000)
        guard !overflow else { throw OrderRejection(.parameters, "the countdown is too long") }
        let ms = whole.addingReportingOverflow(countdown.components.attoseconds / 1_000_000_000_000_000).partialValue
        guard ms >= 0 else { throw OrderRejection(.parameters, "the countdown cannot be negative") }
        _ = try await account.signed(.POST, path("/fapi/v1/countdownCancelAll", "/fapi/v3/countdownCancelAll"),
                                     [("symbol", symbol.uppercased()), ("countdownTime", String(ms))], retry: .idempotent)
    }

    /// Adds margin to (or, with `add: false`, removes it from) an isolated position
    /// (`POST /fapi/v1/positionMargin`). Attempted once: a repeated add would add twice.
    public func changeIsolatedMargin(symbol: String, amount: ExactDecimal, add: Bool,
                                     positionSide: PositionSide? = nil) async throws {
        guard amount > .zero else { throw OrderRejection(.parameters, "the amount must be positive") }
        var parameters = [("symbol", symbol.uppercased())]
        if let positionSide { parameters.append(("positionSide", positionSide.wireValue)) }
        parameters += [("amount", amount.description), ("type", add ? "1" : "2")]
        _ = try await writeOnce(.POST, path("/fapi/v1/positionMargin", "/fapi/v3/positionMargin"), parameters)
    }

    /// The isolated-margin changes of `symbol` (`GET /fapi/v1/positionMargin/history`).
    public func marginHistory(symbol: String, limit: Int = 500) async throws -> [MarginChange] {
        let path = path("/fapi/v1/positionMargin/history", "/fapi/v3/positionMargin/history")
        let body = try await account.signed(.GET, path, [("symbol", symbol.uppercased()), ("limit", String(limit))])
        let json = try JSONFields.parse(body, path: path)
        return try account.rest.tolerant(path) { skipped throws(RESTError) in
            try JSONFields.list(json, path: path, skipped: skipped) { f throws(RESTError) in
            MarginChange(symbol: try f.string("symbol"), added: try f.int("type") == 1, amount: try f.decimal("amount"),
                         asset: try f.string("asset"), time: try f.int("time"),
                         positionSide: try f.optionalString("positionSide").map { PositionSide(wire: $0) } ?? .both)
            }
        }
    }

    /// Switches Multi-Assets mode (`POST /fapi/v1/multiAssetsMargin`).
    public func setMultiAssetsMargin(_ on: Bool) async throws {
        _ = try await writeOnce(.POST, path("/fapi/v1/multiAssetsMargin", "/fapi/v3/multiAssetsMargin"),
                                [("multiAssetsMargin", on ? "true" : "false")])
    }

    /// Closes the open position(s) of `symbol` at market: one reduce-only order per open side (in
    /// hedge mode, the side's own `positionSide` instead of reduce-only). `side` limits it to LONG
    /// or SHORT. Returns the closing orders; none when nothing is open.
    public func closePosition(symbol: String, side: PositionSide? = nil) async throws -> [OpenOrder] {
        let risks = try await account.positionRisk(symbol: symbol.uppercased())
        var closed: [OpenOrder] = []
        for risk in risks where !risk.positionAmount.isZero {
            if let side, risk.positionSide != side { continue }
            let hedge = risk.positionSide != .both
            let order = NewOrder(symbol: risk.symbol, side: risk.positionAmount > .zero ? .sell : .buy, type: .market,
                                 quantity: risk.positionAmount.magnitude, reduceOnly: !hedge,
                                 positionSide: hedge ? risk.positionSide : nil)
            closed.append(try await place(order))
        }
        return closed
    }
}
