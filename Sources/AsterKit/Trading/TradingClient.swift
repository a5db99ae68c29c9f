import Foundation
import NIOHTTP1
import Synchronization

/// Places, queries and cancels orders, safely: V3 (agent wallet) or V1 (HMAC), as the
/// ``AccountClient``'s credentials say.
///
/// Safety rules, in order:
/// - **Checked before sending.** Every order is checked against its symbol's `exchangeInfo` rules
///   (``OrderCheck``): a broken rule is an ``OrderRejection`` naming the filter and the nearest valid
///   value, and nothing is sent.
/// - **Never sent twice blindly.** Every order carries a client order id. When its outcome is unknown
///   (a timeout, a reset connection, a 5xx, an unreadable answer) the client asks the exchange for
///   that id (`GET order`, retried as a read): the caller gets the order as it stands, or
///   ``TradingError/notPlaced(clientOrderId:reason:)`` when the exchange has no such order; if
///   even that cannot be told, ``TradingError/unknownOutcome(clientOrderId:cause:)``.
/// - **Clock.** The server-time offset is measured before the first write; a `-1021` (timestamp
///   outside `recvWindow`) re-measures it once, checks the client order id, and only then re-sends.
/// - **Order-rate limits.** A `429` or `-1015` stops further writes until its `Retry-After` (or a
///   minute) has passed: they fail at once with ``TradingError/rateLimited(until:)``, nothing sent.
///   The account's order counts from the last order answer (`X-MBX-ORDER-COUNT-*`) are
///   ``orderCount``, to pace a strategy before the limit is reached.
///
/// ```swift
/// let trading = TradingClient(account: AccountClient(rest: RESTClient(baseURL: AsterEndpoint.productionREST),
///                                                    credentials: credentials))
/// let order = try await trading.place(.limit("BTCUSDT", .buy, quantity: ExactDecimal("0.01")!, price: ExactDecimal("90000")!))
/// try await trading.cancel(symbol: "BTCUSDT", clientOrderId: order.clientOrderId)
/// ```
public final class TradingClient: Sendable {
    /// Signed REST calls.
    public let account: AccountClient
    private let state = Mutex<State>(State())

    private struct State {
        var symbols: [String: SymbolInfo] = [:]
        var timeSynchronized = false
        var blockedUntil: ContinuousClock.Instant?
    }

    /// Creates a client on `account`'s endpoint and credentials.
    public init(account: AccountClient) {
        self.account = account
    }

    /// Orders counted against the account per interval, from the last order answer's
    /// `X-MBX-ORDER-COUNT-*` headers (`nil` before any order answer carried them).
    public var orderCount: OrderCount? { account.rest.orderCount }

    /// The rules of `symbol`, from `exchangeInfo` (fetched once, then on ``refreshExchangeInfo()``).
    public func symbolInfo(_ symbol: String) async throws -> SymbolInfo {
        let name = symbol.uppercased()
        if let known = state.withLock({ $0.symbols[name] }) { return known }
        try await refreshExchangeInfo()
        guard let info = state.withLock({ $0.symbols[name] }) else {
            throw OrderRejection(.unknownSymbol, "\(name) is not listed")
        }
        return info
    }

    /// Fetches `exchangeInfo` again (new listings, changed filters).
    public func refreshExchangeInfo() async throws {
        let info = try await account.rest.exchangeInfo(version: account.isV3 ? .v3 : .v1)
        let byName = Dictionary(info.symbols.map { ($0.symbol, $0) }, uniquingKeysWith: { _, last in last })
        state.withLock { $0.symbols = byName }
    }

    /// Checks `order` against its symbol's rules, with the current mark price and open orders.
    /// Throws ``OrderRejection``; sends nothing that changes state.
    public func check(_ order: NewOrder) async throws {
        let info = try await symbolInfo(order.symbol)
        let mark = try await account.rest.premiumIndex(symbol: order.symbol, version: account.isV3 ? .v3 : .v1).first?.markPrice
        let open = try await account.openOrders(symbol: order.symbol).count
        try OrderCheck.validate(order, symbol: info, markPrice: mark, openOrders: open)
    }

    /// Places `order` after checking it, and returns it as the exchange reports it.
    ///
    /// - Throws: ``OrderRejection`` (nothing sent), ``TradingError`` (refused by the exchange, not
    ///   placed, rate limited, or outcome unknown).
    public func place(_ order: NewOrder) async throws -> OpenOrder {
        try await check(order)
        return try await write(.POST, path("/fapi/v1/order", "/fapi/v3/order"), order.parameters,
                               symbol: order.symbol, clientOrderId: order.clientOrderId)
    }

    /// The order with this client order id, whatever its status (`GET /fapi/v1/order`).
    ///
    /// - Throws: ``TradingError/notPlaced(clientOrderId:reason:)`` when the exchange has none.
    public func order(symbol: String, clientOrderId: String) async throws -> OpenOrder {
        try await query(symbol: symbol.uppercased(), [("origClientOrderId", clientOrderId)], clientOrderId: clientOrderId)
    }

    /// The order with this id, whatever its status (`GET /fapi/v1/order`).
    public func order(symbol: String, orderId: Int64) async throws -> OpenOrder {
        try await query(symbol: symbol.uppercased(), [("orderId", String(orderId))], clientOrderId: nil)
    }

    /// Cancels one order by id or client id (`DELETE /fapi/v1/order`) and returns it as cancelled.
    /// An unknown outcome is resolved by querying the order: a cancel is never sent twice blindly.
    public func cancel(symbol: String, orderId: Int64? = nil, clientOrderId: String? = nil) async throws -> OpenOrder {
        guard orderId != nil || clientOrderId != nil else {
            throw OrderRejection(.parameters, "cancel needs an order id or a client order id")
        }
        let symbol = symbol.uppercased()
        var parameters = [("symbol", symbol)]
        if let orderId { parameters.append(("orderId", String(orderId))) }
        if let clientOrderId { parameters.append(("origClientOrderId", clientOrderId)) }
        return try await write(.DELETE, path("/fapi/v1/order", "/fapi/v3/order"), parameters, symbol: symbol,
                               clientOrderId: clientOrderId, resolve: { [self] in
            // The outcome of a cancel is the order's status now.
            try await query(symbol: symbol, orderId.map { [("orderId", String($0))] } ?? [("origClientOrderId", clientOrderId ?? "")],
                            clientOrderId: clientOrderId)
        })
    }

    /// Cancels every open order of `symbol` (`DELETE /fapi/v1/allOpenOrders`). Safe to repeat.
    public func cancelAll(symbol: String) async throws {
        let symbol = symbol.uppercased()
        _ = try await account.signed(.DELETE, path("/fapi/v1/allOpenOrders", "/fapi/v3/allOpenOrders"), [("symbol", symbol)],
                                     retry: .idempotent)
    }

    /// Sets the initial leverage of `symbol` (`POST /fapi/v1/leverage`); returns the leverage and
    /// the maximum notional the exchange reports. Setting the same leverage twice is harmless, so
    /// it is retried like a read.
    public func setLeverage(symbol: String, _ leverage: Int) async throws -> (leverage: Int, maxNotional: ExactDecimal) {
        guard (1...125).contains(leverage) else { throw OrderRejection(.parameters, "leverage must be 1 to 125") }
        let path = path("/fapi/v1/leverage", "/fapi/v3/leverage")
        let body = try await account.signed(.POST, path, [("symbol", symbol.uppercased()), ("leverage", String(leverage))],
                                            retry: .idempotent)
        let f = try JSONFields(try JSONFields.parse(body, path: path), path: path)
        return (Int(try f.int("leverage")), try f.decimal("maxNotionalValue"))
    }

    /// Sets `symbol`'s margin type (`POST /fapi/v1/marginType`): `ISOLATED` or `CROSSED`.
    /// "No need to change margin type" (`-4046`) counts as success.
    public func setMarginType(symbol: String, isolated: Bool) async throws {
        let path = path("/fapi/v1/marginType", "/fapi/v3/marginType")
        do {
            _ = try await account.signed(.POST, path, [("symbol", symbol.uppercased()), ("marginType", isolated ? "ISOLATED" : "CROSSED")],
                                         retry: .idempotent)
        } catch let error as RESTError where Self.code(error) == -4046 {
            return
        }
    }

    // MARK: Writes and their outcomes

    func path(_ v1: String, _ v3: String) -> String { account.isV3 ? v3 : v1 }

    /// Sends a state-changing request once and returns the order it answers with; an unknown
    /// outcome is resolved by `resolve` (by default: query `clientOrderId`).
    func write(_ method: HTTPMethod, _ path: String, _ parameters: [(String, String)], symbol: String, clientOrderId: String?,
               resolve: (@Sendable () async throws -> OpenOrder)? = nil) async throws -> OpenOrder {
        if let until = state.withLock({ $0.blockedUntil }), until > .now {
            throw TradingError.rateLimited(until: until)
        }
        if !state.withLock({ $0.timeSynchronized }) {
            try await account.synchronizeTime()
            state.withLock { $0.timeSynchronized = true }
        }
        let resolution: @Sendable () async throws -> OpenOrder = resolve ?? { [self] in
            guard let clientOrderId else { throw TradingError.unknownOutcome(clientOrderId: nil, cause: "no client order id") }
            return try await query(symbol: symbol, [("origClientOrderId", clientOrderId)], clientOrderId: clientOrderId)
        }
        var resent = false
        while true {
            let outcome: Outcome
            do {
                let body = try await account.signed(method, path, parameters, retry: .once)
                if let order = try? Self.order(body, path: path) { return order }
                outcome = .unknown("the answer could not be read")
            } catch let error as RESTError {
                outcome = classify(error)
            }
            switch outcome {
            case .refused(let code, let message):
                throw TradingError.rejected(code: code, message: message)
            case .clockSkew where !resent:
                // Refused before it was looked at; still, check the id before sending it again.
                try await account.synchronizeTime()
                if let existing = try? await resolution() { return existing }
                resent = true
                continue
            case .clockSkew:
                throw TradingError.rejected(code: -1021, message: "timestamp outside recvWindow after resynchronising the clock")
            case .unknown(let cause):
                return try await resolveUnknown(resolution, clientOrderId: clientOrderId, cause: cause)
            case .notSent(let reason):
                throw TradingError.notPlaced(clientOrderId: clientOrderId, reason: reason)
            }
        }
    }

    /// Sends a state-changing request once and returns its body. A refusal throws
    /// ``TradingError/rejected(code:message:)``; a `-1021` re-measures the clock and is a refusal;
    /// anything else (timeout, reset, 5xx) throws ``TradingError/unknownOutcome(clientOrderId:cause:)``
    /// for the caller to resolve.
    func writeOnce(_ method: HTTPMethod, _ path: String, _ parameters: [(String, String)]) async throws -> [UInt8] {
        if let until = state.withLock({ $0.blockedUntil }), until > .now {
            throw TradingError.rateLimited(until: until)
        }
        do {
            return try await account.signed(method, path, parameters, retry: .once)
        } catch let error as RESTError {
            switch classify(error) {
            case .refused(let code, let message): throw TradingError.rejected(code: code, message: message)
            case .clockSkew:
                try? await account.synchronizeTime()
                throw TradingError.rejected(code: -1021, message: "timestamp outside recvWindow (clock re-measured)")
            case .unknown(let cause): throw TradingError.unknownOutcome(clientOrderId: nil, cause: cause)
            case .notSent(let reason): throw TradingError.notPlaced(clientOrderId: nil, reason: reason)
            }
        }
    }

    private enum Outcome {
        case refused(code: Int, message: String)
        case clockSkew
        case unknown(String)
        /// Nothing left the client (the request could not be signed).
        case notSent(String)
    }

    private func classify(_ error: RESTError) -> Outcome {
        switch error.kind {
        case .server(let status, let code, let message):
            if code == -1021 { return .clockSkew }
            if code == -1015 {
                block(for: nil)
                return .refused(code: -1015, message: message)
            }
            // 4xx with the exchange's code: looked at and refused. 5xx: the outcome is unknown.
            if (400..<500).contains(status) { return .refused(code: code ?? status, message: message) }
            return .unknown(error.description)
        case .rateLimited(let after):
            block(for: after)
            return .refused(code: 429, message: error.description)
        case .banned:
            return .refused(code: 418, message: error.description)
        case .transport(let why):
            return .unknown(why)
        case .invalidResponse(let why):
            return .unknown(why)
        case .notSent(let why):
            return .notSent(why)
        }
    }

    private func block(for duration: Duration?) {
        let until = ContinuousClock.now + (duration ?? .seconds(60))
        state.withLock { $0.blockedUntil = max($0.blockedUntil ?? until, until) }
    }

    private func resolveUnknown(_ resolution: @Sendable () async throws -> OpenOrder, clientOrderId: String?,
                                cause: String) async throws -> OpenOrder {
        do {
            return try await resolution()
        } catch let error as TradingError {
            throw error
        } catch {
            throw TradingError.unknownOutcome(clientOrderId: clientOrderId, cause: "\(cause); the check failed too: \(error)")
        }
    }

    /// `GET order`: the order, or ``TradingError/notPlaced(clientOrderId:reason:)`` on `-2013`.
    func query(symbol: String, _ identity: [(String, String)], clientOrderId: String?) async throws -> OpenOrder {
        let path = path("/fapi/v1/order", "/fapi/v3/order")
        do {
            return try Self.order(try await account.signed(.GET, path, [("symbol", symbol)] + identity), path: path)
        } catch let error as RESTError where Self.code(error) == -2013 {
            throw TradingError.notPlaced(clientOrderId: clientOrderId, reason: "the exchange has no such order")
        }
    }

    static func code(_ error: RESTError) -> Int? {
        if case .server(_, let code, _) = error.kind { return code }
        return nil
    }

    /// An order answer (`POST`/`DELETE`/`GET order`): `time` is only in query answers.
    static func order(_ body: [UInt8], path: String) throws(RESTError) -> OpenOrder {
        let f = try JSONFields(try JSONFields.parse(body, path: path), path: path)
        let updateTime = try f.int("updateTime")
        var order = OpenOrder(orderId: try f.int("orderId"), clientOrderId: try f.string("clientOrderId"),
                              symbol: try f.string("symbol"), side: try f.wire("side"), type: try f.wire("type"),
                              status: try f.wire("status"), timeInForce: try f.wire("timeInForce"), price: try f.decimal("price"),
                              originalQuantity: try f.decimal("origQty"), executedQuantity: try f.decimal("executedQty"),
                              averagePrice: try f.optionalDecimal("avgPrice") ?? .zero, time: try f.optionalInt("time") ?? updateTime,
                              updateTime: updateTime, positionSide: try f.wire("positionSide"))
        order.cumulativeQuote = try f.optionalDecimal("cumQuote") ?? .zero
        order.originalType = try f.wire("origType")
        order.reduceOnly = try f.optionalBool("reduceOnly") ?? false
        order.stopPrice = try f.optionalDecimal("stopPrice") ?? .zero
        order.closePosition = try f.optionalBool("closePosition") ?? false
        order.workingType = try f.wire("workingType")
        order.priceProtect = try f.optionalBool("priceProtect") ?? false
        order.activatePrice = try f.optionalDecimal("activatePrice")
        order.priceRate = try f.optionalDecimal("priceRate")
        return order
    }
}

/// How a trading request ended when it did not give an order.
public enum TradingError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The exchange looked at the request and refused it (its code and message).
    case rejected(code: Int, message: String)
    /// The exchange has no order with this client order id: it was not placed.
    case notPlaced(clientOrderId: String?, reason: String)
    /// Writes are paused after a 429 or `-1015` until `until`; nothing was sent.
    case rateLimited(until: ContinuousClock.Instant)
    /// Neither the answer nor the check of the client order id came through: look the order up later.
    case unknownOutcome(clientOrderId: String?, cause: String)
    /// The request has no endpoint for these credentials (e.g. modify with a V1 API key: only the
    /// V3 document has `PUT order`); nothing was sent.
    case unsupported(String)

    public var description: String {
        switch self {
        case .rejected(let code, let message): "refused by the exchange: \(code) \(message)"
        case .notPlaced(let id, let reason): "not placed\(id.map { " (\($0))" } ?? ""): \(reason)"
        case .rateLimited(let until): "order rate limit: no writes for another \(until - .now)"
        case .unknownOutcome(let id, let cause): "outcome unknown\(id.map { " for \($0)" } ?? ""): \(cause)"
        case .unsupported(let reason): "not supported: \(reason)"
        }
    }
}
