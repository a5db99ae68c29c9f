import AsterKit
import HTTPTypes

/// The risk endpoints, at V1 and V3 paths: `POST positionMargin` (add to or take from an
/// isolated position's wallet), `GET positionMargin/history`, `GET forceOrders` (the account's
/// liquidation orders) and `GET adlQuantile`, checked and answered as the spec says.
struct SimRiskRest {
    let server: SimServer

    func routes() -> [(HTTPRequest.Method, String, SimUserRest.Handler)] {
        [
            (.post, "positionMargin", { q, t, id in try changeMargin(q, account: id, now: t) }),
            (.get, "positionMargin/history", { q, _, id in try marginHistory(q, account: id) }),
            (.get, "forceOrders", { q, t, id in try forceOrders(q, account: id, now: t) }),
            (.get, "adlQuantile", { q, _, id in try adlQuantile(q, account: id) }),
        ]
    }

    /// The `symbol` parameter, which must be there and be one of the simulator's symbols.
    private func requiredSymbol(_ q: SimQuery) throws -> String {
        guard let symbol = try symbol(q, required: true) else { throw SimQuery.missing("symbol") }
        return symbol
    }
    private func symbol(_ q: SimQuery, required: Bool) throws -> String? {
        guard let symbol = q["symbol"]?.uppercased() else {
            if required { throw SimQuery.missing("symbol") }
            return nil
        }
        guard server.configuration.symbols.contains(where: { $0.name == symbol }) else { throw SimHTTPError(-1121, "Invalid symbol.") }
        return symbol
    }

    /// `POST positionMargin`: `positionSide` must be `LONG` or `SHORT` in hedge mode (`BOTH`, or
    /// absent, in one-way mode); `type` 1 adds, 2 reduces.
    private func changeMargin(_ q: SimQuery, account id: Int, now: Int64) throws -> String {
        let symbol = try requiredSymbol(q)
        guard let amount = try q.decimal("amount") else { throw SimQuery.missing("amount") }
        guard let type = try q.long("type") else { throw SimQuery.missing("type") }
        guard type == 1 || type == 2 else { throw SimQuery.invalid("type") }
        let dual = server.accounts.withLock { $0[id].dualSidePosition }
        let side = q["positionSide"]?.uppercased() ?? (dual ? "" : "BOTH")
        if side.isEmpty { throw SimQuery.missing("positionSide") }
        guard ["BOTH", "LONG", "SHORT"].contains(side) else { throw SimHTTPError(-4060, "Invalid position side.") }
        guard dual == (side != "BOTH") else { throw SimHTTPError(-4061, "Order's position side does not match user's setting.") }
        let payload = try server.accounts.withLock {
            try $0[id].changeIsolatedMargin(key: SimAccount.key(symbol, side), amount: amount, add: type == 1, now: now)
        }
        server.publishUser([payload], account: id)
        return #"{"amount":\#(amount),"code":200,"msg":"Successfully modify position margin.","type":\#(type)}"#
    }

    /// `GET positionMargin/history`: filters `type`, `startTime`, `endTime`, `limit` (default 500).
    private func marginHistory(_ q: SimQuery, account id: Int) throws -> String {
        let symbol = try requiredSymbol(q)
        let type = try q.long("type")
        if let type, type != 1, type != 2 { throw SimQuery.invalid("type") }
        let limit = try q.limit(default: 500, max: 1000)
        let range = try q.timeRange()
        let rows = server.accounts.withLock { $0[id].risk.marginChanges }
            .filter { $0.symbol == symbol && (type == nil || Int64($0.type) == type) }
            .window(time: \.time, start: range.start, end: range.end, limit: limit)
        return SimMarketPayload.array(rows.map(SimUserPayload.marginChange))
    }

    /// `GET forceOrders`: the account's liquidation orders; `autoCloseType` `LIQUIDATION` or
    /// `ADL` (the simulator never auto-deleverages, so `ADL` finds none); without `startTime`,
    /// the 7 days before `endTime` (or now); `limit` default 50, at most 100.
    private func forceOrders(_ q: SimQuery, account id: Int, now: Int64) throws -> String {
        let symbol = try symbol(q, required: false)
        let kind = q["autoCloseType"]
        if let kind, kind != "LIQUIDATION", kind != "ADL" { throw SimQuery.invalid("autoCloseType") }
        let limit = try q.limit(default: 50, max: 100)
        let range = try q.timeRange()
        let end = range.end ?? now
        let start = range.start ?? end - 7 * 86_400_000
        let rows = server.accounts.withLock { $0[id].risk.forceOrders }
            .filter { (symbol == nil || $0.symbol == symbol) && kind != "ADL" && $0.time >= start }
            .window(time: \.time, start: range.start, end: end, limit: limit)
        return SimMarketPayload.array(rows.map(SimUserPayload.forceOrder))
    }

    /// `GET adlQuantile`: every symbol with a position (or the one asked for).
    private func adlQuantile(_ q: SimQuery, account id: Int) throws -> String {
        let symbol = try symbol(q, required: false)
        return server.accounts.withLock { all in
            let a = all[id]
            let held = Set(a.positions.filter { !$0.value.amount.isZero }.keys.map(SimAccount.symbol(of:)))
            let symbols = symbol.map { [$0] } ?? server.configuration.symbols.map(\.name).filter(held.contains)
            return SimMarketPayload.array(symbols.map { SimUserPayload.adlQuantile(a, symbol: $0) })
        }
    }
}
