import AsterKit
import Foundation
import HTTPTypes

/// Paper trading: `order`, `batchOrders`, `allOpenOrders`, `leverage`, `marginType`,
/// `positionSide/dual` and `multiAssetsMargin`, at V1 and V3 paths. Orders are checked against the
/// symbol's filters with the spec's errors, take liquidity from the simulator's own book (their
/// trades appear on the public streams) and rest on the demo account, where the market fills them
/// as it fills the demo trader's; fills give `ORDER_TRADE_UPDATE` and `ACCOUNT_UPDATE`.
struct SimTradingRest {
    let server: SimServer
    let now: @Sendable () -> Int64

    func routes() -> [(HTTPRequest.Method, String, SimUserRest.Handler)] {
        [
            (.post, "order", { q, t, id in try placeOrderAnswer(q, account: id, now: t) }),
            (.delete, "order", { q, t, id in try cancel(q, account: id, now: t) }),
            (.post, "batchOrders", { q, t, id in try batchPlace(q, account: id, now: t) }),
            (.delete, "batchOrders", { q, t, id in try batchCancel(q, account: id, now: t) }),
            (.delete, "allOpenOrders", { q, t, id in try cancelAll(q, account: id, now: t) }),
            (.post, "leverage", { q, t, id in try leverage(q, account: id, now: t) }),
            (.post, "marginType", { q, _, id in try marginType(q, account: id) }),
            (.post, "positionSide/dual", { q, t, id in
                guard let dual = try q.bool("dualSidePosition") else { throw SimQuery.missing("dualSidePosition") }
                let payload = try server.accounts.withLock { try $0[id].setDualSide(dual, now: t) }
                server.publishUser([payload], account: id)
                return #"{"code":200,"msg":"success"}"#
            }),
            (.post, "multiAssetsMargin", { q, t, id in
                guard let on = try q.bool("multiAssetsMargin") else { throw SimQuery.missing("multiAssetsMargin") }
                server.publishUser([server.accounts.withLock { $0[id].setMultiAssets(on, now: t) }], account: id)
                return #"{"code":200,"msg":"success"}"#
            }),
        ]
    }

    private func symbol(_ q: SimQuery) throws -> String {
        let symbol = try q.required("symbol").uppercased()
        guard server.configuration.symbols.contains(where: { $0.name == symbol }) else { throw SimHTTPError(-1121, "Invalid symbol.") }
        return symbol
    }

    private func cancel(_ q: SimQuery, account: Int, now: Int64) throws -> String {
        let symbol = try symbol(q)
        let id = try q.long("orderId")
        let clientId = q["origClientOrderId"]
        guard id != nil || clientId != nil else {
            throw SimHTTPError(-1102, "Param 'orderId' or 'origClientOrderId' must be sent, but both were empty/null!")
        }
        return SimUserPayload.order(try server.cancelOrder(symbol: symbol, id: id, clientId: clientId, account: account, now: now), style: .cancel)
    }

    private func cancelAll(_ q: SimQuery, account id: Int, now: Int64) throws -> String {
        let symbol = try symbol(q)
        server.cancelOrders(account: id, now: now) { $0.symbol == symbol }
        return #"{"code":"200","msg":"The operation of cancel all open order is done."}"#
    }

    /// `batchOrders`: a JSON list of at most 5 orders; each answer is the order or its error.
    private func batchPlace(_ q: SimQuery, account id: Int, now: Int64) throws -> String {
        guard let items = Self.batchItems(try q.required("batchOrders")) else { throw SimQuery.invalid("batchOrders") }
        guard (1...5).contains(items.count) else {
            throw SimHTTPError(-4082, "Invalid number of batch place orders: \(items.count)")
        }
        let answers = items.map { item -> String in
            var values: [String: String] = [:]
            for (k, v) in item { values[k] = (v as? String) ?? "\(v)" }
            do {
                return try placeOrderAnswer(SimQuery(values), account: id, now: now)
            } catch let error as SimHTTPError {
                return error.body
            } catch {
                return SimHTTPError(-1000, "An unknown error occured while processing the request.").body
            }
        }
        return SimMarketPayload.array(answers)
    }

    private func batchCancel(_ q: SimQuery, account: Int, now: Int64) throws -> String {
        let symbol = try symbol(q)
        func list(_ name: String) throws -> [Any]? {
            guard let text = q[name] else { return nil }
            guard let items = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [Any], items.count <= 10 else {
                throw SimQuery.invalid(name)
            }
            return items
        }
        let ids = try list("orderIdList")?.compactMap { ($0 as? NSNumber)?.int64Value ?? Int64("\($0)") }
        let clientIds = try list("origClientOrderIdList")?.map { "\($0)" }
        guard ids != nil || clientIds != nil else {
            throw SimHTTPError(-1102, "Param 'orderIdList' or 'origClientOrderIdList' must be sent, but both were empty/null!")
        }
        let refs: [(Int64?, String?)] = (ids ?? []).map { ($0, nil) } + (clientIds ?? []).map { (nil, $0) }
        let answers = refs.map { ref -> String in
            do {
                return SimUserPayload.order(try server.cancelOrder(symbol: symbol, id: ref.0, clientId: ref.1, account: account, now: now), style: .cancel)
            } catch let error as SimHTTPError {
                return error.body
            } catch {
                return SimHTTPError(-2011, "Unknown order sent.").body
            }
        }
        return SimMarketPayload.array(answers)
    }

    private func leverage(_ q: SimQuery, account id: Int, now: Int64) throws -> String {
        let symbol = try symbol(q)
        guard let leverage = try q.long("leverage") else { throw SimQuery.missing("leverage") }
        guard (1...125).contains(leverage) else { throw SimHTTPError(-4028, "Leverage \(leverage) is not valid") }
        let cap = SimAccount.maxNotional(symbol, leverage: Int(leverage))
        let payload = try server.accounts.withLock { a in
            let held = ["BOTH", "LONG", "SHORT"].reduce(ExactDecimal.zero) { $0 + a[id].notional(SimAccount.key(symbol, $1)) }
            guard held <= cap else { throw SimHTTPError(-2027, "Exceeded the maximum allowable position at current leverage.") }
            return a[id].setLeverage(Int(leverage), symbol: symbol, now: now)
        }
        server.publishUser([payload], account: id)
        return #"{"leverage":\#(leverage),"maxNotionalValue":"\#(cap)","symbol":"\#(symbol)"}"#
    }

    private func marginType(_ q: SimQuery, account id: Int) throws -> String {
        let symbol = try symbol(q)
        let type = try q.required("marginType").uppercased()
        guard type == "ISOLATED" || type == "CROSSED" else { throw SimQuery.invalid("marginType") }
        try server.accounts.withLock { try $0[id].setMarginType(isolated: type == "ISOLATED", symbol: symbol) }
        return #"{"code":200,"msg":"success"}"#
    }
}
