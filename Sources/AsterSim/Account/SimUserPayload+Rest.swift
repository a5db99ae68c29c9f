import AsterKit

/// The signed REST answers (account, balance, orders, positions, trades, income, brackets),
/// keyed and typed exactly as the spec's example responses.
extension SimUserPayload {

    /// `GET /fapi/v4/account`.
    static func account(_ a: SimAccount, symbols: [String]) -> String {
        var w = JSONWriter()
        let unrealized = a.totalUnrealized(symbols)
        let wallet = a.wallet.rounded(scale: 8)
        let margin = a.positionMargin
        let available = (wallet + unrealized - margin).rounded(scale: 8)
        w.beginObject()
        w.field("feeTier", Int64(0))
        w.field("canTrade", true)
        w.field("canDeposit", true)
        w.field("canWithdraw", true)
        w.field("updateTime", a.updateTime)
        w.field("totalInitialMargin", margin)
        w.field("totalMaintMargin", a.totalMaintenanceMargin)
        w.field("totalWalletBalance", wallet)
        w.field("totalUnrealizedProfit", unrealized)
        w.field("totalMarginBalance", wallet + unrealized)
        w.field("totalPositionInitialMargin", margin)
        w.field("totalOpenOrderInitialMargin", ExactDecimal.zero)
        w.field("totalCrossWalletBalance", wallet)
        w.field("totalCrossUnPnl", unrealized)
        w.field("availableBalance", available)
        w.field("maxWithdrawAmount", wallet)
        w.key("assets")
        w.beginArray()
        w.beginObject()
        w.field("asset", "USDT")
        w.field("walletBalance", wallet)
        w.field("unrealizedProfit", unrealized)
        w.field("marginBalance", wallet + unrealized)
        w.field("maintMargin", a.totalMaintenanceMargin)
        w.field("initialMargin", margin)
        w.field("positionInitialMargin", margin)
        w.field("openOrderInitialMargin", ExactDecimal.zero)
        w.field("crossWalletBalance", wallet)
        w.field("crossUnPnl", unrealized)
        w.field("availableBalance", available)
        w.field("maxWithdrawAmount", wallet)
        w.field("marginAvailable", true)
        w.field("updateTime", a.updateTime)
        w.endObject()
        w.endArray()
        w.key("positions")
        w.beginArray()
        for s in symbols {
            for side in a.dualSidePosition ? ["LONG", "SHORT"] : ["BOTH"] {
                let p = a.position(s, side: side)
                w.beginObject()
                w.field("symbol", s)
                w.field("initialMargin", ExactDecimal.zero)
                w.field("maintMargin", a.maintenanceMargin(SimAccount.key(s, side)))
                w.field("unrealizedProfit", a.unrealized(SimAccount.key(s, side)).rounded(scale: 8))
                w.field("positionInitialMargin", ExactDecimal.zero)
                w.field("openOrderInitialMargin", ExactDecimal.zero)
                w.field("leverage", String(a.leverage(s)))
                w.field("isolated", a.isolatedSymbols.contains(s))
                w.field("entryPrice", p.entryPrice)
                w.field("maxNotional", a.maxNotional(s).description)
                w.field("positionSide", side)
                w.field("positionAmt", p.amount)
                w.field("updateTime", p.updateTime)
                w.endObject()
            }
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
            w.raw(order(o, style: .query))
        }
        w.endArray()
        return w.text
    }

    /// Which of the spec's order objects: `query` (GET order, openOrder(s), allOrders: with
    /// `time`), `result` (new orders: with `cumQty`), `cancel` (like `result`, without `avgPrice`).
    enum OrderStyle { case query, result, cancel }

    static func order(_ o: SimOrder, style: OrderStyle) -> String {
        var w = JSONWriter()
        w.beginObject()
        if style != .query {
            w.field("clientOrderId", o.clientOrderId)
            w.field("cumQty", o.executed)
            w.field("cumQuote", o.cumulativeQuote)
            w.field("executedQty", o.executed)
            w.field("orderId", o.orderId)
            if style == .result { w.field("avgPrice", average(o)) }
            w.field("origQty", o.quantity)
            if style == .cancel { w.field("origType", o.origType) }
            w.field("price", o.price)
        } else {
            w.field("avgPrice", average(o))
            w.field("clientOrderId", o.clientOrderId)
            w.field("cumQuote", o.cumulativeQuote)
            w.field("executedQty", o.executed)
            w.field("orderId", o.orderId)
            w.field("origQty", o.quantity)
            w.field("origType", o.origType)
            w.field("price", o.price)
        }
        w.field("reduceOnly", o.reduceOnly)
        w.field("side", o.side)
        w.field("positionSide", o.positionSide)
        w.field("status", o.status)
        w.field("stopPrice", o.stopPrice)
        w.field("closePosition", o.closePosition)
        w.field("symbol", o.symbol)
        if style == .query { w.field("time", o.time) }
        w.field("timeInForce", o.timeInForce)
        w.field("type", o.type)
        if style == .result { w.field("origType", o.origType) }
        if o.origType == "TRAILING_STOP_MARKET" {
            w.field("activatePrice", o.activationPrice ?? o.trailingExtreme ?? .zero)
            w.field("priceRate", o.callbackRate ?? .zero)
        }
        w.field("updateTime", o.updateTime)
        w.field("workingType", o.workingType)
        w.field("priceProtect", o.priceProtect)
        w.endObject()
        return w.text
    }

    /// `GET /fapi/v2/positionRisk`: every symbol's position (both sides in hedge mode).
    static func positionRisk(_ a: SimAccount, symbols: [String]) -> String {
        var w = JSONWriter()
        w.beginArray()
        for s in symbols {
            for side in a.dualSidePosition ? ["LONG", "SHORT"] : ["BOTH"] {
                let p = a.position(s, side: side)
                let mark = a.mark(s) ?? p.entryPrice
                let isolated = a.isolatedSymbols.contains(s)
                w.beginObject()
                w.field("entryPrice", p.entryPrice)
                w.field("marginType", isolated ? "isolated" : "cross")
                w.field("isAutoAddMargin", "false")
                w.field("isolatedMargin", ExactDecimal.zero)
                w.field("leverage", String(a.leverage(s)))
                w.field("liquidationPrice", p.amount.isZero ? .zero : (a.liquidationPrice(s)?.rounded(scale: 8) ?? .zero))
                w.field("markPrice", mark)
                w.field("maxNotionalValue", a.maxNotional(s).description)
                w.field("positionAmt", p.amount)
                w.field("symbol", s)
                w.field("unRealizedProfit", a.unrealized(SimAccount.key(s, side)).rounded(scale: 8))
                w.field("positionSide", side)
                w.field("updateTime", p.updateTime)
                w.endObject()
            }
        }
        w.endArray()
        return w.text
    }

    static func userTrade(_ t: SimUserTrade) -> String {
        var w = JSONWriter()
        w.beginObject()
        w.field("buyer", t.side == "BUY")
        w.field("commission", -t.commission)
        w.field("commissionAsset", "USDT")
        w.field("id", t.id)
        w.field("maker", t.maker)
        w.field("orderId", t.orderId)
        w.field("price", t.price)
        w.field("qty", t.quantity)
        w.field("quoteQty", t.price * t.quantity)
        w.field("realizedPnl", t.realizedPnl)
        w.field("side", t.side)
        w.field("positionSide", t.positionSide)
        w.field("symbol", t.symbol)
        w.field("time", t.time)
        w.endObject()
        return w.text
    }

    static func income(_ i: SimIncome) -> String {
        var w = JSONWriter()
        w.beginObject()
        w.field("symbol", i.symbol)
        w.field("incomeType", i.type)
        w.field("income", i.income.rounded(scale: 8))
        w.field("asset", "USDT")
        w.field("info", i.info)
        w.field("time", i.time)
        w.field("tranId", String(i.tranId))
        w.field("tradeId", i.tradeId)
        w.endObject()
        return w.text
    }

    /// `leverageBracket`: numbers, not strings, as in the spec's example.
    static func leverageBracket(symbol: String) -> String {
        var w = JSONWriter()
        w.beginObject()
        w.field("symbol", symbol)
        w.key("brackets")
        w.beginArray()
        for b in SimAccount.brackets(symbol).brackets {
            w.beginObject()
            w.field("bracket", Int64(b.bracket))
            w.field("initialLeverage", Int64(b.initialLeverage))
            w.key("notionalCap")
            w.raw(b.notionalCap.description)
            w.key("notionalFloor")
            w.raw(b.notionalFloor.description)
            w.key("maintMarginRatio")
            w.raw(b.maintenanceMarginRatio.description)
            w.key("cum")
            w.raw(b.cumulative.description)
            w.endObject()
        }
        w.endArray()
        w.endObject()
        return w.text
    }

    static func commissionRate(symbol: String) -> String {
        #"{"symbol":"\#(symbol)","makerCommissionRate":"\#(SimAccount.makerFee)","takerCommissionRate":"\#(SimAccount.takerFee)"}"#
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
        w.field("availableBalance", (a.wallet + unrealized - a.positionMargin).rounded(scale: 8))
        w.field("maxWithdrawAmount", a.wallet.rounded(scale: 8))
        w.field("marginAvailable", true)
        w.field("updateTime", a.updateTime)
        w.endObject()
        w.endArray()
        return w.text
    }
}
