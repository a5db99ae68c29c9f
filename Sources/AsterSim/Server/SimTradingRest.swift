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
            (.post, "order", { q, t in SimUserPayload.order(try server.placeOrder(q, now: t), style: .result) }),
            (.delete, "order", { q, t in try cancel(q, now: t) }),
            (.post, "batchOrders", { q, t in try batchPlace(q, now: t) }),
            (.delete, "batchOrders", { q, t in try batchCancel(q, now: t) }),
            (.delete, "allOpenOrders", { q, t in try cancelAll(q, now: t) }),
            (.post, "leverage", { q, t in try leverage(q, now: t) }),
            (.post, "marginType", { q, _ in try marginType(q) }),
            (.post, "positionSide/dual", { q, t in
                guard let dual = try q.bool("dualSidePosition") else { throw SimQuery.missing("dualSidePosition") }
                let payload = try server.account.withLock { try $0.setDualSide(dual, now: t) }
                server.publishUser([payload])
                return #"{"code":200,"msg":"success"}"#
            }),
            (.post, "multiAssetsMargin", { q, t in
                guard let on = try q.bool("multiAssetsMargin") else { throw SimQuery.missing("multiAssetsMargin") }
                server.publishUser([server.account.withLock { $0.setMultiAssets(on, now: t) }])
                return #"{"code":200,"msg":"success"}"#
            }),
        ]
    }

    private func symbol(_ q: SimQuery) throws -> String {
        let symbol = try q.required("symbol").uppercased()
        guard server.configuration.symbols.contains(where: { $0.name == symbol }) else { throw SimHTTPError(-1121, "Invalid symbol.") }
        return symbol
    }

    private func cancel(_ q: SimQuery, now: Int64) throws -> String {
        let symbol = try symbol(q)
        let id = try q.long("orderId")
        let clientId = q["origClientOrderId"]
        guard id != nil || clientId != nil else {
            throw SimHTTPError(-1102, "Param 'orderId' or 'origClientOrderId' must be sent, but both were empty/null!")
        }
        return SimUserPayload.order(try server.cancelOrder(symbol: symbol, id: id, clientId: clientId, now: now), style: .cancel)
    }

    private func cancelAll(_ q: SimQuery, now: Int64) throws -> String {
        let symbol = try symbol(q)
        let payloads = server.account.withLock { a in
            a.orders.values.filter { $0.symbol == symbol && !$0.isDemo }.map(\.orderId).sorted()
                .compactMap { a.finish($0, status: "CANCELED", now: now)?.payload }
        }
        server.publishUser(payloads)
        return #"{"code":"200","msg":"The operation of cancel all open order is done."}"#
    }

    /// `batchOrders`: a JSON list of at most 5 orders; each answer is the order or its error.
    private func batchPlace(_ q: SimQuery, now: Int64) throws -> String {
        let list = try q.required("batchOrders")
        guard let items = try? JSONSerialization.jsonObject(with: Data(list.utf8)) as? [[String: Any]] else {
            throw SimQuery.invalid("batchOrders")
        }
        guard (1...5).contains(items.count) else {
            throw SimHTTPError(-4082, "Invalid number of batch place orders: \(items.count)")
        }
        let answers = items.map { item -> String in
            var values: [String: String] = [:]
            for (k, v) in item { values[k] = (v as? String) ?? "\(v)" }
            do {
                return SimUserPayload.order(try server.placeOrder(SimQuery(values), now: now), style: .result)
            } catch let error as SimHTTPError {
                return error.body
            } catch {
                return SimHTTPError(-1000, "An unknown error occured while processing the request.").body
            }
        }
        return SimMarketPayload.array(answers)
    }

    private func batchCancel(_ q: SimQuery, now: Int64) throws -> String {
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
                return SimUserPayload.order(try server.cancelOrder(symbol: symbol, id: ref.0, clientId: ref.1, now: now), style: .cancel)
            } catch let error as SimHTTPError {
                return error.body
            } catch {
                return SimHTTPError(-2011, "Unknown order sent.").body
            }
        }
        return SimMarketPayload.array(answers)
    }

    private func leverage(_ q: SimQuery, now: Int64) throws -> String {
        let symbol = try symbol(q)
        guard let leverage = try q.long("leverage") else { throw SimQuery.missing("leverage") }
        guard (1...125).contains(leverage) else { throw SimHTTPError(-4028, "Leverage \(leverage) is not valid") }
        server.publishUser([server.account.withLock { $0.setLeverage(Int(leverage), symbol: symbol, now: now) }])
        let cap = leverage > 100 ? "50000" : leverage > 50 ? "250000" : leverage > 20 ? "1000000" : "10000000"
        return #"{"leverage":\#(leverage),"maxNotionalValue":"\#(cap)","symbol":"\#(symbol)"}"#
    }

    private func marginType(_ q: SimQuery) throws -> String {
        let symbol = try symbol(q)
        let type = try q.required("marginType").uppercased()
        guard type == "ISOLATED" || type == "CROSSED" else { throw SimQuery.invalid("marginType") }
        try server.account.withLock { try $0.setMarginType(isolated: type == "ISOLATED", symbol: symbol) }
        return #"{"code":200,"msg":"success"}"#
    }
}
