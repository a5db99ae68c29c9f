import AsterKit

/// The user-data payloads, keyed and ordered exactly as the spec's examples
/// (`ORDER_TRADE_UPDATE`, `ACCOUNT_UPDATE`, `MARGIN_CALL`, `ACCOUNT_CONFIG_UPDATE`,
/// `listenKeyExpired`), and the signed REST answers.
enum SimUserPayload {
    struct Fill {
        var quantity: ExactDecimal
        var price: ExactDecimal
        var fee: ExactDecimal
        var tradeId: Int64
    }

    struct PositionRow {
        var symbol: String
        var amount: ExactDecimal
        var entryPrice: ExactDecimal
        var unrealized: ExactDecimal
    }

    static func listenKeyExpired(time: Int64) -> String {
        var w = JSONWriter()
        w.beginObject()
        w.field("e", "listenKeyExpired")
        w.field("E", time)
        w.endObject()
        return w.text
    }

    static func orderUpdate(_ o: SimOrder, execution: String, last: Fill?, now: Int64, realized: ExactDecimal) -> String {
        var w = JSONWriter()
        w.beginObject()
        w.field("e", "ORDER_TRADE_UPDATE")
        w.field("E", now)
        w.field("T", now)
        w.key("o")
        w.beginObject()
        w.field("s", o.symbol)
        w.field("c", o.clientOrderId)
        w.field("S", o.side)
        w.field("o", "LIMIT")
        w.field("f", "GTC")
        w.field("q", o.quantity)
        w.field("p", o.price)
        let average = o.executed.isZero ? ExactDecimal.zero : (o.cumulativeQuote.divided(by: o.executed, scale: 5) ?? o.price)
        w.field("ap", average)
        w.field("sp", ExactDecimal.zero)
        w.field("x", execution)
        w.field("X", o.status)
        w.field("i", o.orderId)
        w.field("l", last?.quantity ?? .zero)
        w.field("z", o.executed)
        w.field("L", last?.price ?? .zero)
        w.field("N", "USDT")
        w.field("n", last?.fee ?? .zero)
        w.field("T", now)
        w.field("t", last?.tradeId ?? 0)
        w.field("b", o.side == "BUY" && o.status != "FILLED" && o.status != "CANCELED" ? (o.quantity - o.executed) * o.price : .zero)
        w.field("a", o.side == "SELL" && o.status != "FILLED" && o.status != "CANCELED" ? (o.quantity - o.executed) * o.price : .zero)
        w.field("m", last != nil)
        w.field("R", false)
        w.field("wt", "CONTRACT_PRICE")
        w.field("ot", "LIMIT")
        w.field("ps", "BOTH")
        w.field("cp", false)
        w.field("rp", realized)
        w.endObject()
        w.endObject()
        return w.text
    }

    static func accountUpdate(reason: String, wallet: ExactDecimal, positions: [PositionRow], now: Int64) -> String {
        var w = JSONWriter()
        w.beginObject()
        w.field("e", "ACCOUNT_UPDATE")
        w.field("E", now)
        w.field("T", now)
        w.key("a")
        w.beginObject()
        w.field("m", reason)
        w.key("B")
        w.beginArray()
        w.beginObject()
        w.field("a", "USDT")
        w.field("wb", wallet.rounded(scale: 8))
        w.field("cw", wallet.rounded(scale: 8))
        w.field("bc", ExactDecimal.zero)
        w.endObject()
        w.endArray()
        w.key("P")
        w.beginArray()
        for p in positions {
            w.beginObject()
            w.field("s", p.symbol)
            w.field("pa", p.amount)
            w.field("ep", p.entryPrice)
            w.field("cr", ExactDecimal.zero)
            w.field("up", p.unrealized)
            w.field("mt", "cross")
            w.field("iw", ExactDecimal.zero)
            w.field("ps", "BOTH")
            w.endObject()
        }
        w.endArray()
        w.endObject()
        w.endObject()
        return w.text
    }

    static func marginCall(wallet: ExactDecimal, symbol: String, position p: SimPosition, mark: ExactDecimal,
                           unrealized: ExactDecimal, maintenance: ExactDecimal, now: Int64) -> String {
        var w = JSONWriter()
        w.beginObject()
        w.field("e", "MARGIN_CALL")
        w.field("E", now)
        w.field("cw", wallet.rounded(scale: 8))
        w.key("p")
        w.beginArray()
        w.beginObject()
        w.field("s", symbol)
        w.field("ps", p.amount.isNegative ? "SHORT" : "LONG")
        w.field("pa", p.amount)
        w.field("mt", "CROSSED")
        w.field("iw", ExactDecimal.zero)
        w.field("mp", mark)
        w.field("up", unrealized.rounded(scale: 6))
        w.field("mm", maintenance)
        w.endObject()
        w.endArray()
        w.endObject()
        return w.text
    }

    static func leverageUpdate(symbol: String, leverage: Int, time: Int64) -> String {
        var w = JSONWriter()
        w.beginObject()
        w.field("e", "ACCOUNT_CONFIG_UPDATE")
        w.field("E", time)
        w.field("T", time)
        w.key("ac")
        w.beginObject()
        w.field("s", symbol)
        w.field("l", Int64(leverage))
        w.endObject()
        w.endObject()
        return w.text
    }

    // MARK: REST answers

    /// `GET /fapi/v4/account`.
    static func account(_ a: SimAccount, symbols: [String]) -> String {
        var w = JSONWriter()
        let unrealized = a.totalUnrealized(symbols)
        let wallet = a.wallet.rounded(scale: 8)
        w.beginObject()
        w.field("feeTier", Int64(0))
        w.field("canTrade", true)
        w.field("canDeposit", true)
        w.field("canWithdraw", true)
        w.field("updateTime", a.updateTime)
        w.field("totalInitialMargin", ExactDecimal.zero)
        w.field("totalMaintMargin", ExactDecimal.zero)
        w.field("totalWalletBalance", wallet)
        w.field("totalUnrealizedProfit", unrealized)
        w.field("totalMarginBalance", wallet + unrealized)
        w.field("totalPositionInitialMargin", ExactDecimal.zero)
        w.field("totalOpenOrderInitialMargin", ExactDecimal.zero)
        w.field("totalCrossWalletBalance", wallet)
        w.field("totalCrossUnPnl", unrealized)
        w.field("availableBalance", wallet + unrealized)
        w.field("maxWithdrawAmount", wallet)
        w.key("assets")
        w.beginArray()
        w.beginObject()
        w.field("asset", "USDT")
        w.field("walletBalance", wallet)
        w.field("unrealizedProfit", unrealized)
        w.field("marginBalance", wallet + unrealized)
        w.field("maintMargin", ExactDecimal.zero)
        w.field("initialMargin", ExactDecimal.zero)
        w.field("positionInitialMargin", ExactDecimal.zero)
        w.field("openOrderInitialMargin", ExactDecimal.zero)
        w.field("crossWalletBalance", wallet)
        w.field("crossUnPnl", unrealized)
        w.field("availableBalance", wallet + unrealized)
        w.field("maxWithdrawAmount", wallet)
        w.field("marginAvailable", true)
        w.field("updateTime", a.updateTime)
        w.endObject()
        w.endArray()
        w.key("positions")
        w.beginArray()
        for s in symbols {
            let p = a.positions[s] ?? SimPosition()
            w.beginObject()
            w.field("symbol", s)
            w.field("initialMargin", ExactDecimal.zero)
            w.field("maintMargin", ExactDecimal.zero)
            w.field("unrealizedProfit", a.unrealized(s).rounded(scale: 8))
            w.field("positionInitialMargin", ExactDecimal.zero)
            w.field("openOrderInitialMargin", ExactDecimal.zero)
            w.field("leverage", String(p.leverage))
            w.field("isolated", false)
            w.field("entryPrice", p.entryPrice)
            w.field("maxNotional", "250000")
            w.field("positionSide", "BOTH")
            w.field("positionAmt", p.amount)
            w.field("updateTime", a.updateTime)
            w.endObject()
        }
        w.endArray()
        w.endObject()
        return w.text
    }

    /// `GET /fapi/v1/openOrders`.
    static func openOrders(_ a: SimAccount, symbol: String?) -> String {
        var w = JSONWriter()
        w.beginArray()
        for o in a.orders.values.sorted(by: { $0.orderId < $1.orderId }) where symbol == nil || o.symbol == symbol {
            w.beginObject()
            w.field("avgPrice", o.executed.isZero ? ExactDecimal.zero : (o.cumulativeQuote.divided(by: o.executed, scale: 5) ?? o.price))
            w.field("clientOrderId", o.clientOrderId)
            w.field("cumQuote", o.cumulativeQuote)
            w.field("executedQty", o.executed)
            w.field("orderId", o.orderId)
            w.field("origQty", o.quantity)
            w.field("origType", "LIMIT")
            w.field("price", o.price)
            w.field("reduceOnly", false)
            w.field("side", o.side)
            w.field("positionSide", "BOTH")
            w.field("status", o.status)
            w.field("stopPrice", ExactDecimal.zero)
            w.field("closePosition", false)
            w.field("symbol", o.symbol)
            w.field("time", o.time)
            w.field("timeInForce", "GTC")
            w.field("type", "LIMIT")
            w.field("updateTime", o.updateTime)
            w.field("workingType", "CONTRACT_PRICE")
            w.field("priceProtect", false)
            w.endObject()
        }
        w.endArray()
        return w.text
    }

    /// `GET /fapi/v2/balance`.
    static func balance(_ a: SimAccount, symbols: [String]) -> String {
        let unrealized = a.totalUnrealized(symbols)
        var w = JSONWriter()
        w.beginArray()
        w.beginObject()
        w.field("accountAlias", "SimDemo")
        w.field("asset", "USDT")
        w.field("balance", a.wallet.rounded(scale: 8))
        w.field("crossWalletBalance", a.wallet.rounded(scale: 8))
        w.field("crossUnPnl", unrealized)
        w.field("availableBalance", (a.wallet + unrealized).rounded(scale: 8))
        w.field("maxWithdrawAmount", a.wallet.rounded(scale: 8))
        w.field("marginAvailable", true)
        w.field("updateTime", a.updateTime)
        w.endObject()
        w.endArray()
        return w.text
    }
}
