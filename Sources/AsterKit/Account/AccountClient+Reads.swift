import Foundation
import NIOHTTP1

/// Typed, signed `USER_DATA` reads, at their V1 paths with HMAC credentials and their V3 paths
/// with an agent wallet. Decimals are exact; a field the spec always sends that is missing or
/// malformed throws a ``RESTError`` (`.invalidResponse`) naming the endpoint and the field.
extension AccountClient {
    /// The path of an endpoint: `v1` with HMAC credentials, `v3` with an agent wallet.
    func path(_ v1: String, _ v3: String) -> String { isV3 ? v3 : v1 }

    /// A signed GET's answer: one object, or each element of an array (`[i].field` in errors).
    private func read<T>(_ path: String, _ parameters: [(String, String)] = [],
                         _ make: (JSONFields) throws(RESTError) -> T) async throws -> [T] {
        let body = try await signed(.GET, path, parameters)
        let json = try JSONFields.parse(body, path: path)
        return try rest.tolerant(path) { s throws(RESTError) in try JSONFields.list(json, path: path, skipped: s, make) }
    }

    /// A signed GET answered by one object.
    private func one<T>(_ path: String, _ parameters: [(String, String)] = [],
                        _ make: (JSONFields) throws(RESTError) -> T) async throws -> T {
        let body = try await signed(.GET, path, parameters)
        let fields = try JSONFields(try JSONFields.parse(body, path: path), path: path)
        let value = try make(fields)
        rest.report(fields.skipped, path: path)
        return value
    }

    private static func optional(_ pairs: [(String, String?)]) -> [(String, String)] {
        pairs.compactMap { name, value in value.map { (name, $0) } }
    }

    /// `GET /fapi/v4/account` (V3: `/fapi/v3/accountWithJoinMargin`): totals, balances, positions.
    public func account() async throws -> AccountInformation {
        let path = path("/fapi/v4/account", "/fapi/v3/accountWithJoinMargin")
        return try await one(path, [], AccountInformation.init)
    }

    /// `GET /fapi/v2/balance` (V3: `/fapi/v3/balance`).
    public func balances() async throws -> [FuturesBalance] {
        let path = path("/fapi/v2/balance", "/fapi/v3/balance")
        return try await read(path, [], FuturesBalance.init)
    }

    /// `GET /fapi/v2/positionRisk` (V3: `/fapi/v3/positionRisk`), of one symbol or all.
    public func positionRisk(symbol: String? = nil) async throws -> [PositionRisk] {
        let path = path("/fapi/v2/positionRisk", "/fapi/v3/positionRisk")
        return try await read(path, Self.optional([("symbol", symbol?.uppercased())]), PositionRisk.init)
    }

    /// `GET /fapi/v1/openOrders` (V3: `/fapi/v3/openOrders`), of one symbol or all.
    public func openOrders(symbol: String? = nil) async throws -> [OpenOrder] {
        let path = path("/fapi/v1/openOrders", "/fapi/v3/openOrders")
        return try await read(path, Self.optional([("symbol", symbol?.uppercased())]), OpenOrder.init)
    }

    /// `GET /fapi/v1/openOrder` (V3: `/fapi/v3/openOrder`): one open order by id or client id
    /// (the server answers `-2013` "Order does not exist" once it is filled or cancelled).
    public func openOrder(symbol: String, orderId: Int64? = nil, clientOrderId: String? = nil) async throws -> OpenOrder {
        let path = path("/fapi/v1/openOrder", "/fapi/v3/openOrder")
        let parameters = [("symbol", symbol.uppercased())]
            + Self.optional([("orderId", orderId.map(String.init)), ("origClientOrderId", clientOrderId)])
        return try await one(path, parameters, OpenOrder.init)
    }

    /// `GET /fapi/v1/allOrders` (V3: `/fapi/v3/allOrders`): active, cancelled and filled orders.
    public func allOrders(symbol: String, orderId: Int64? = nil, startTime: Int64? = nil, endTime: Int64? = nil,
                          limit: Int? = nil) async throws -> [OpenOrder] {
        let path = path("/fapi/v1/allOrders", "/fapi/v3/allOrders")
        let parameters = [("symbol", symbol.uppercased())] + Self.optional([
            ("orderId", orderId.map(String.init)), ("startTime", startTime.map(String.init)),
            ("endTime", endTime.map(String.init)), ("limit", limit.map(String.init)),
        ])
        return try await read(path, parameters, OpenOrder.init)
    }

    /// `GET /fapi/v1/userTrades` (V3: `/fapi/v3/userTrades`): the account's fills in a symbol.
    public func userTrades(symbol: String, startTime: Int64? = nil, endTime: Int64? = nil, fromId: Int64? = nil,
                           limit: Int? = nil) async throws -> [UserTrade] {
        let path = path("/fapi/v1/userTrades", "/fapi/v3/userTrades")
        let parameters = [("symbol", symbol.uppercased())] + Self.optional([
            ("startTime", startTime.map(String.init)), ("endTime", endTime.map(String.init)),
            ("fromId", fromId.map(String.init)), ("limit", limit.map(String.init)),
        ])
        return try await read(path, parameters, UserTrade.init)
    }

    /// `GET /fapi/v1/income` (V3: `/fapi/v3/income`): transfers, realised PnL, funding, commission.
    public func income(symbol: String? = nil, incomeType: String? = nil, startTime: Int64? = nil, endTime: Int64? = nil,
                       limit: Int? = nil) async throws -> [IncomeRecord] {
        let path = path("/fapi/v1/income", "/fapi/v3/income")
        let parameters = Self.optional([
            ("symbol", symbol?.uppercased()), ("incomeType", incomeType), ("startTime", startTime.map(String.init)),
            ("endTime", endTime.map(String.init)), ("limit", limit.map(String.init)),
        ])
        return try await read(path, parameters, IncomeRecord.init)
    }

    /// `GET /fapi/v1/leverageBracket` (V3: `/fapi/v3/leverageBracket`): every symbol's brackets,
    /// or one symbol's (the server then answers one object, not an array).
    public func leverageBrackets(symbol: String? = nil) async throws -> [SymbolBrackets] {
        let path = path("/fapi/v1/leverageBracket", "/fapi/v3/leverageBracket")
        return try await read(path, Self.optional([("symbol", symbol?.uppercased())]), SymbolBrackets.init)
    }

    /// `GET /fapi/v1/commissionRate` (V3: `/fapi/v3/commissionRate`).
    public func commissionRate(symbol: String) async throws -> CommissionRate {
        let path = path("/fapi/v1/commissionRate", "/fapi/v3/commissionRate")
        return try await one(path, [("symbol", symbol.uppercased())], CommissionRate.init)
    }

    /// `GET /fapi/v1/positionSide/dual` (V3: `/fapi/v3/positionSide/dual`): `true` in hedge mode.
    public func hedgeMode() async throws -> Bool {
        let path = path("/fapi/v1/positionSide/dual", "/fapi/v3/positionSide/dual")
        return try await one(path) { f throws(RESTError) in try f.bool("dualSidePosition") }
    }

    /// `POST /fapi/v1/positionSide/dual` (V3: `/fapi/v3/positionSide/dual`): switches hedge mode
    /// on or off (the server refuses while positions or orders are open). Attempted once.
    public func setHedgeMode(_ on: Bool) async throws {
        let path = path("/fapi/v1/positionSide/dual", "/fapi/v3/positionSide/dual")
        _ = try await signed(.POST, path, [("dualSidePosition", on ? "true" : "false")])
    }

    /// `GET /fapi/v1/multiAssetsMargin` (V3: `/fapi/v3/multiAssetsMargin`): `true` in Multi-Assets mode.
    public func multiAssetsMargin() async throws -> Bool {
        let path = path("/fapi/v1/multiAssetsMargin", "/fapi/v3/multiAssetsMargin")
        return try await one(path) { f throws(RESTError) in try f.bool("multiAssetsMargin") }
    }
}
