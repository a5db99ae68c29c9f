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
        var maker: Bool = true
    }

    struct PositionRow {
        var symbol: String
        var amount: ExactDecimal
        var entryPrice: ExactDecimal
        var unrealized: ExactDecimal
        var positionSide: String = "BOTH"
        var isolated = false
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
        w.field("o", o.type)
        w.field("f", o.timeInForce)
        w.field("q", o.quantity)
        w.field("p", o.price)
        w.field("ap", average(o))
        w.field("sp", o.stopPrice)
        w.field("x", execution)
        w.field("X", o.status)
        w.field("i", o.orderId)
        w.field("l", last?.quantity ?? .zero)
        w.field("z", o.executed)
        w.field("L", last?.price ?? .zero)
        // The spec: "Commission Asset, will not push if no commission".
        if let fee = last?.fee, !fee.isZero {
            w.field("N", "USDT")
            w.field("n", fee)
        }
        w.field("T", now)
        w.field("t", last?.tradeId ?? 0)
        let open = o.status == "NEW" || o.status == "PARTIALLY_FILLED"
        w.field("b", o.side == "BUY" && open ? (o.quantity - o.executed) * o.price : .zero)
        w.field("a", o.side == "SELL" && open ? (o.quantity - o.executed) * o.price : .zero)
        w.field("m", last?.maker ?? false)
        w.field("R", o.reduceOnly)
        w.field("wt", o.workingType)
        w.field("ot", o.origType)
        w.field("ps", o.positionSide)
        w.field("cp", o.closePosition)
        if o.origType == "TRAILING_STOP_MARKET" {
            // Activation price (the working price at placing when none was sent) and callback rate.
            w.field("AP", o.activationPrice ?? o.trailingExtreme ?? .zero)
            w.field("cr", o.callbackRate ?? .zero)
        }
        w.field("rp", realized)
        w.endObject()
        w.endObject()
        return w.text
    }

    static func average(_ o: SimOrder) -> ExactDecimal {
        o.executed.isZero ? .zero : (o.cumulativeQuote.divided(by: o.executed, scale: 5) ?? o.price)
    }

    static func accountUpdate(reason: String, wallet: ExactDecimal, positions: [PositionRow], now: Int64,
                              balanceChange: ExactDecimal = .zero) -> String {
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
        w.field("bc", balanceChange)
        w.endObject()
        w.endArray()
        // Crossed funding fees carry only the balance (the spec); other updates list positions.
        guard reason != "FUNDING_FEE" || positions.contains(where: \.isolated) else {
            w.endObject()
            w.endObject()
            return w.text
        }
        w.key("P")
        w.beginArray()
        for p in positions where reason != "FUNDING_FEE" || p.isolated {
            w.beginObject()
            w.field("s", p.symbol)
            w.field("pa", p.amount)
            w.field("ep", p.entryPrice)
            w.field("cr", ExactDecimal.zero)
            w.field("up", p.unrealized)
            w.field("mt", p.isolated ? "isolated" : "cross")
            w.field("iw", ExactDecimal.zero)
            w.field("ps", p.positionSide)
            w.endObject()
        }
        w.endArray()
        w.endObject()
        w.endObject()
        return w.text
    }

    static func marginCall(wallet: ExactDecimal, symbol: String, side: String, position p: SimPosition, mark: ExactDecimal,
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
        w.field("ps", side)
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

    /// An `announcement`: public (`NEW_LISTING`) or direct (`DIRECT`), in English and Chinese.
    static func announcement(id: Int64, direct: Bool, time: Int64) -> String {
        var w = JSONWriter()
        w.beginObject()
        w.field("e", "announcement")
        for (language, title, subtitle, content) in [
            ("en", direct ? "Your simulated account" : "New listing on the simulator", "sub title", "<p>Simulated announcement \(id)</p>"),
            ("zh", direct ? "个人消息" : "新币上线", "子标题", "<p>模拟公告 \(id)</p>"),
        ] {
            w.key(language)
            w.beginObject()
            w.field("i", id)
            w.field("t", title)
            w.field("s", subtitle)
            w.field("c", direct ? "DIRECT" : "NEW_LISTING")
            w.field("d", time)
            w.field("S", false)
            w.field("j", "https://www.asterdex.com")
            w.field("C", content)
            w.endObject()
        }
        w.endObject()
        return w.text
    }

    /// `ACCOUNT_CONFIG_UPDATE` with `ai`: multi-assets mode, fee deduction, position mode.
    static func accountConfig(multiAssets: Bool, dualSide: Bool, time: Int64) -> String {
        var w = JSONWriter()
        w.beginObject()
        w.field("e", "ACCOUNT_CONFIG_UPDATE")
        w.field("E", time)
        w.field("T", time)
        w.key("ai")
        w.beginObject()
        w.field("j", multiAssets)
        w.field("f", false)
        w.field("d", dualSide)
        w.endObject()
        w.endObject()
        return w.text
    }
}
