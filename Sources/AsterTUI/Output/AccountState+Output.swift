import AsterKit

extension AccountState {
    /// One JSON object: balances, unrealised PnL, margin balance and ratio, positions (symbol,
    /// side, size, entry, mark, liquidation price, unrealised PnL, ROE %, leverage, maintenance
    /// margin), open orders (symbol, side, type, price, quantity, filled). Decimals are strings,
    /// as in every JSON line of AsterKit; an unknown value (no mark yet, no liquidation price) is
    /// `null`.
    public var json: String {
        var w = JSONWriter()
        w.beginObject()
        w.field("type", "account")
        w.field("time", lastEventTime)
        w.field("snapshotTime", snapshotTime)
        w.field("hedgeMode", hedgeMode)
        w.key("balances")
        w.beginArray()
        for b in balances.values.sorted(by: { $0.asset < $1.asset }) {
            w.beginObject()
            w.field("asset", b.asset)
            w.field("walletBalance", b.walletBalance)
            w.field("availableBalance", b.availableBalance)
            w.field("crossWalletBalance", b.crossWalletBalance)
            // Live: follows the mark prices; otherwise the snapshot's figures, as of snapshotTime.
            w.field("live", isLive(b.asset))
            w.endObject()
        }
        w.endArray()
        w.field("unrealizedPnL", totalUnrealizedPnL)
        w.field("marginBalance", marginBalance())
        w.field("maintenanceMargin", maintenanceMargin)
        w.key("marginRatio")
        if let ratio = marginRatio { w.decimal(ratio) } else { w.null() }
        w.key("positions")
        w.beginArray()
        for p in openPositions {
            w.beginObject()
            w.field("symbol", p.symbol)
            w.field("positionSide", p.side)
            w.field("side", p.isLong ? "LONG" : "SHORT")
            w.field("size", p.amount.magnitude)
            w.field("amount", p.amount)
            w.field("entryPrice", p.entryPrice)
            w.key("markPrice")
            if let mark = p.markPrice { w.decimal(mark) } else { w.null() }
            w.key("liquidationPrice")
            if let price = p.liquidationPrice { w.decimal(price) } else { w.null() }
            w.field("unrealizedPnL", p.unrealizedPnL)
            w.key("roePercent")
            if let roe = p.returnOnEquityPercent { w.decimal(roe) } else { w.null() }
            w.field("leverage", Int64(p.leverage))
            w.field("maintenanceMargin", p.maintenanceMargin)
            w.endObject()
        }
        w.endArray()
        w.key("openOrders")
        w.beginArray()
        for o in openOrders.values.sorted(by: { $0.orderId < $1.orderId }) {
            w.beginObject()
            w.field("orderId", o.orderId)
            w.field("symbol", o.symbol)
            w.field("side", o.side)
            w.field("type", o.type)
            w.field("status", o.status)
            w.field("price", o.price)
            w.field("quantity", o.quantity)
            w.field("filled", o.filled)
            w.endObject()
        }
        w.endArray()
        w.endObject()
        return w.text
    }

    /// Labelled tables: balances (with PnL, margin balance and ratio), positions (symbol, side,
    /// size, entry, mark, liquidation, unrealised PnL, ROE %, leverage) and open orders (symbol,
    /// side, type, price, quantity, filled). Every number is exact, as the server sent it or as
    /// computed.
    public var summaryLines: [String] {
        var out: [String] = []
        var balanceTable = TextTable([("Asset", .left), ("Wallet", .right), ("Available", .right), ("Unrealized PnL", .right),
                                      ("Margin balance", .right), ("Margin ratio", .right)])
        let stale = balances.keys.filter { !isLive($0) }
        for b in balances.values.sorted(by: { $0.asset < $1.asset }) {
            let usdt = b.asset == AccountState.marginAsset
            balanceTable.add([b.asset + (stale.contains(b.asset) ? "*" : ""), b.walletBalance.description, b.availableBalance.description,
                              usdt ? totalUnrealizedPnL.description : "-", usdt ? marginBalance().description : "-",
                              usdt ? (marginRatio.map { ($0 * 100).rounded(scale: 2).description + "%" } ?? "-") : "-"])
        }
        out.append("Balances")
        out += balanceTable.lines
        if !stale.isEmpty { out.append("* as of the snapshot (\(snapshotTime) ms): not kept live") }
        out.append("")
        let positions = openPositions
        if positions.isEmpty {
            out.append("Positions: none")
        } else {
            var table = TextTable([("Symbol", .left), ("Side", .left), ("Size", .right), ("Entry", .right), ("Mark", .right),
                                   ("Liquidation", .right), ("Unrealized PnL", .right), ("ROE %", .right), ("Leverage", .right)])
            for p in positions {
                table.add([p.symbol, p.isLong ? "LONG" : "SHORT", p.amount.magnitude.description, p.entryPrice.description,
                           p.markPrice?.description ?? "-", p.liquidationPrice?.description ?? "-", p.unrealizedPnL.description,
                           p.returnOnEquityPercent.map { $0.description + "%" } ?? "-", "\(p.leverage)x"])
            }
            out.append("Positions" + (hedgeMode ? " (hedge mode)" : ""))
            out += table.lines
        }
        out.append("")
        let orders = openOrders.values.sorted { $0.orderId < $1.orderId }
        if orders.isEmpty {
            out.append("Open orders: none")
        } else {
            var table = TextTable([("Symbol", .left), ("Side", .left), ("Type", .left), ("Price", .right), ("Quantity", .right),
                                   ("Filled", .right), ("Order id", .right)])
            for o in orders {
                table.add([o.symbol, o.side.wireValue, o.type.wireValue, o.price.description, o.quantity.description,
                           o.filled.description, String(o.orderId)])
            }
            out.append("Open orders")
            out += table.lines
        }
        return out
    }
}
