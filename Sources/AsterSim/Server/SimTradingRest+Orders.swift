import AsterKit
import Foundation
import HTTPTypes

/// The order-side endpoints beyond place and cancel, each at the paths the spec documents:
/// `PUT order` (V3), `countdownCancelAll` and `asset/wallet/transfer` (V1 and V3),
/// `remainingOpenableNotionalValue` (V1), `noop` and `stpMode` (V3). Also the answers of new
/// orders as `newOrderRespType` asks and the two encodings of `batchOrders`.
extension SimTradingRest {
    /// Routes with their full paths (`fapi/v1/…`, `fapi/v3/…`).
    func orderRoutes() -> [(HTTPRequest.Method, String, SimUserRest.Handler)] {
        let arm: SimUserRest.Handler = { q, t, id in try countdown(q, account: id, now: t) }
        let move: SimUserRest.Handler = { q, t, id in try transfer(q, account: id, now: t) }
        return [
            (.post, "fapi/v1/countdownCancelAll", arm), (.post, "fapi/v3/countdownCancelAll", arm),
            (.post, "fapi/v1/asset/wallet/transfer", move), (.post, "fapi/v3/asset/wallet/transfer", move),
            (.put, "fapi/v3/order", { q, t, id in SimUserPayload.order(try server.modifyOrder(q, account: id, now: t), style: .result) }),
            (.get, "fapi/v1/remainingOpenableNotionalValue", { q, _, id in try remainingNotional(q, account: id) }),
            // The nonce check before any handler has already used this request's nonce: an order
            // signed with the same nonce and not yet processed is now refused (-4225).
            (.post, "fapi/v3/noop", { _, _, _ in #"{"code":200,"msg":"success"}"# }),
            (.post, "fapi/v3/stpMode", { q, _, id in
                let mode = try q.required("stpMode")
                guard SimServer.stpModes.contains(mode) else { throw SimQuery.invalid("stpMode") }
                server.accounts.withLock { $0[id].stpMode = mode }
                return #"{"code":200,"msg":"success"}"#
            }),
            (.get, "fapi/v3/stpMode", { _, _, id in #"{"stpMode":"\#(server.accounts.withLock { $0[id].stpMode })"}"# }),
        ]
    }

    /// A new order's answer: the order as accepted (`newOrderRespType` `ACK`, the spec's default)
    /// or as it stands after matching (`RESULT`: a market order filled, an IOC/FOK order final).
    func placeOrderAnswer(_ q: SimQuery, account id: Int, now: Int64) throws -> String {
        let type = q["newOrderRespType"] ?? "ACK"
        guard type == "ACK" || type == "RESULT" else { throw SimQuery.invalid("newOrderRespType") }
        let placed = try server.place(q, account: id, now: now)
        return SimUserPayload.order(type == "RESULT" ? placed.final : placed.accepted, style: .result)
    }

    /// The items of a `batchOrders` list: JSON, or the V3 spec's own example's form (the same
    /// list in single quotes); `nil` when it is neither.
    static func batchItems(_ text: String) -> [[String: Any]]? {
        let parse = { (text: String) in try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]] }
        return parse(text) ?? parse(text.replacingOccurrences(of: "'", with: "\""))
    }

    private func listedSymbol(_ q: SimQuery) throws -> String {
        let symbol = try q.required("symbol").uppercased()
        guard server.configuration.symbols.contains(where: { $0.name == symbol }) else { throw SimHTTPError(-1121, "Invalid symbol.") }
        return symbol
    }

    /// `countdownCancelAll`: arms (0: stops) the symbol's timer; answers the spec's object.
    private func countdown(_ q: SimQuery, account id: Int, now: Int64) throws -> String {
        let symbol = try listedSymbol(q)
        guard let ms = try q.long("countdownTime") else { throw SimQuery.missing("countdownTime") }
        guard ms >= 0 else { throw SimQuery.invalid("countdownTime") }
        server.armCountdown(account: id, symbol: symbol, countdown: ms, now: now)
        return #"{"symbol":"\#(symbol)","countdownTime":"\#(ms)"}"#
    }

    /// `asset/wallet/transfer`: moves USDT between the futures wallet and the account's spot
    /// wallet (`FUTURE_SPOT` out of futures, `SPOT_FUTURE` in), once per `clientTranId`; a
    /// `TRANSFER` income line and an `ACCOUNT_UPDATE` (`WITHDRAW` or `DEPOSIT`, `bc` the change).
    private func transfer(_ q: SimQuery, account id: Int, now: Int64) throws -> String {
        guard let amount = try q.decimal("amount") else { throw SimQuery.missing("amount") }
        let asset = try q.required("asset").uppercased()
        let clientTranId = try q.required("clientTranId")
        let kind = try q.required("kindType")
        guard asset == "USDT" else { throw SimQuery.invalid("asset") }
        guard kind == "FUTURE_SPOT" || kind == "SPOT_FUTURE" else { throw SimQuery.invalid("kindType") }
        guard amount > .zero else { throw SimHTTPError(-4055, "Amount must be positive.") }
        guard clientTranId.count <= 64, clientTranId.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "._-:/".contains($0)) }) else {
            throw SimHTTPError(-4114, "clientTranId  is not valid")
        }
        let out = kind == "FUTURE_SPOT"
        let (tranId, payload) = try server.accounts.withLock { all -> (Int64, String) in
            guard !all[id].transferIds.contains(clientTranId) else { throw SimHTTPError(-4115, "clientTranId  is duplicated") }
            guard amount <= (out ? min(all[id].wallet, all[id].availableBalance) : all[id].spotWallet) else {
                throw SimHTTPError(-2018, "Balance is insufficient.")
            }
            let change = out ? -amount : amount
            all[id].wallet += change
            all[id].spotWallet -= change
            all[id].transferIds.insert(clientTranId)
            all[id].addIncome("", "TRANSFER", change, now: now)
            all[id].updateTime = now
            return (all[id].nextTranId, SimUserPayload.accountUpdate(reason: out ? "WITHDRAW" : "DEPOSIT", wallet: all[id].wallet,
                                                                     positions: [], now: now, balanceChange: change))
        }
        server.publishUser([payload], account: id)
        return #"{"tranId":\#(tranId),"status":"SUCCESS"}"#
    }

    /// `remainingOpenableNotionalValue`: the brackets' maximum notional at `leverage` less the
    /// notional already held in `symbol` (positions and open orders that add to them), never below 0.
    private func remainingNotional(_ q: SimQuery, account id: Int) throws -> String {
        let symbol = try listedSymbol(q)
        guard let leverage = try q.long("leverage") else { throw SimQuery.missing("leverage") }
        guard (1...125).contains(leverage) else { throw SimHTTPError(-4028, "Leverage \(leverage) is not valid") }
        let cap = SimAccount.maxNotional(symbol, leverage: Int(leverage))
        let held = server.accounts.withLock { a in
            let positions = ["BOTH", "LONG", "SHORT"].reduce(ExactDecimal.zero) { $0 + a[id].notional(SimAccount.key(symbol, $1)) }
            let orders = a[id].orders.values.filter { $0.symbol == symbol && !$0.reduceOnly && !$0.closePosition }
                .reduce(ExactDecimal.zero) { $0 + ($1.quantity - $1.executed) * ($1.price.isZero ? $1.stopPrice : $1.price) }
            return positions + orders
        }
        let left = cap - held
        return #"{"remainingOpenableNotionalValue":\#(left.isNegative ? .zero : left)}"#
    }
}
