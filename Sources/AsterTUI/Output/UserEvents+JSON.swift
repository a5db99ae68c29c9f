import AsterKit

extension MarginCall {
    func writeJSON(into w: inout JSONWriter) {
        w.field("eventTime", eventTime)
        w.field("crossWalletBalance", crossWalletBalance)
        w.key("positions")
        w.beginArray()
        for p in positions {
            w.beginObject()
            w.field("symbol", p.symbol)
            w.field("positionSide", p.positionSide)
            w.field("positionAmount", p.positionAmount)
            w.field("marginType", p.marginType)
            w.field("isolatedWallet", p.isolatedWallet)
            w.field("markPrice", p.markPrice)
            w.field("unrealizedPnL", p.unrealizedPnL)
            w.field("maintenanceMargin", p.maintenanceMargin)
            w.endObject()
        }
        w.endArray()
    }
}

extension AccountUpdate {
    func writeJSON(into w: inout JSONWriter) {
        w.field("eventTime", eventTime)
        w.field("transactionTime", transactionTime)
        w.field("reason", reason)
        w.key("balances")
        w.beginArray()
        for b in balances {
            w.beginObject()
            w.field("asset", b.asset)
            w.field("walletBalance", b.walletBalance)
            w.field("crossWalletBalance", b.crossWalletBalance)
            w.field("balanceChange", b.balanceChange)
            w.endObject()
        }
        w.endArray()
        w.key("positions")
        w.beginArray()
        for p in positions {
            w.beginObject()
            w.field("symbol", p.symbol)
            w.field("positionAmount", p.positionAmount)
            w.field("entryPrice", p.entryPrice)
            w.field("accumulatedRealized", p.accumulatedRealized)
            w.field("unrealizedPnL", p.unrealizedPnL)
            w.field("marginType", p.marginType)
            w.field("isolatedWallet", p.isolatedWallet)
            w.field("positionSide", p.positionSide)
            w.endObject()
        }
        w.endArray()
    }
}

extension OrderTradeUpdate {
    func writeJSON(into w: inout JSONWriter) {
        w.field("symbol", symbol.uppercased())
        w.field("eventTime", eventTime)
        w.field("transactionTime", transactionTime)
        w.field("clientOrderId", clientOrderId)
        w.field("side", side)
        w.field("orderType", orderType)
        w.field("timeInForce", timeInForce)
        w.field("originalQuantity", originalQuantity)
        w.field("originalPrice", originalPrice)
        w.field("averagePrice", averagePrice)
        w.field("stopPrice", stopPrice)
        w.field("executionType", executionType)
        w.field("status", status)
        w.field("orderId", orderId)
        w.field("lastFilledQuantity", lastFilledQuantity)
        w.field("filledQuantity", filledQuantity)
        w.field("lastFilledPrice", lastFilledPrice)
        w.field("commissionAsset", commissionAsset)
        w.field("commission", commission)
        w.field("tradeTime", tradeTime)
        w.field("tradeId", tradeId)
        w.field("bidsNotional", bidsNotional)
        w.field("asksNotional", asksNotional)
        w.field("isMaker", isMaker)
        w.field("isReduceOnly", isReduceOnly)
        w.field("workingType", workingType)
        w.field("originalOrderType", originalOrderType)
        w.field("positionSide", positionSide)
        w.field("closePosition", closePosition)
        w.field("activationPrice", activationPrice)
        w.field("callbackRate", callbackRate)
        w.field("realizedProfit", realizedProfit)
    }
}

extension AccountConfigUpdate {
    func writeJSON(into w: inout JSONWriter) {
        if let leverage { w.field("symbol", leverage.symbol.uppercased()) }
        w.field("eventTime", eventTime)
        w.field("transactionTime", transactionTime)
        if let leverage { w.field("leverage", leverage.leverage) }
        if let info = accountInfo {
            w.field("multiAssetsMode", info.multiAssetsMode)
            w.field("feeDeduction", info.feeDeduction)
            w.field("dualSidePosition", info.dualSidePosition)
        }
    }
}

extension Announcement {
    func writeJSON(into w: inout JSONWriter) {
        w.field("eventTime", eventTime)
        for (language, c) in contents.sorted(by: { $0.key < $1.key }) {
            w.key(language)
            w.beginObject()
            w.field("id", c.id)
            w.field("title", c.title)
            w.field("subtitle", c.subtitle)
            w.field("category", c.category)
            w.field("time", c.time)
            w.field("isRead", c.isRead)
            w.field("link", c.link)
            w.field("content", c.content)
            w.endObject()
        }
    }
}
