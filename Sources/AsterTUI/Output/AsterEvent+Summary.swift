import AsterKit

extension AsterEvent {
    /// One readable line per element: `TYPE SYMBOL details`, for terminals and logs.
    public var summaryLines: [String] {
        elements.map(\.summary)
    }

    private var summary: String {
        switch self {
        case .aggregateTrade(let t):
            return "aggTrade \(t.symbol) \(t.takerSide) \(t.quantity) @ \(t.price) id=\(t.aggregateTradeId)"
        case .markPrice(let m):
            return "markPrice \(m.symbol) mark=\(m.markPrice) index=\(m.indexPrice) "
                + "funding=\(m.fundingRate) next=\(m.nextFundingTime)"
        case .kline(let e):
            let k = e.kline
            return "kline \(e.symbol) \(k.interval) o=\(k.open) h=\(k.high) l=\(k.low) c=\(k.close) v=\(k.volume)"
                + (k.isClosed ? " closed" : "")
        case .miniTicker(let t):
            return "miniTicker \(t.symbol) last=\(t.lastPrice) open=\(t.openPrice) vol=\(t.volume)"
        case .ticker(let t):
            return "ticker \(t.symbol) last=\(t.lastPrice) change=\(t.priceChangePercent)% vol=\(t.volume)"
        case .bookTicker(let b):
            return "bookTicker \(b.symbol) bid \(b.bidQuantity) @ \(b.bidPrice) | ask \(b.askQuantity) @ \(b.askPrice)"
        case .liquidation(let l):
            return "forceOrder \(l.symbol) \(l.side) \(l.quantity) @ \(l.price) avg=\(l.averagePrice) \(l.status)"
        case .depth(let d):
            return "depthUpdate \(d.symbol) U=\(d.firstUpdateId) u=\(d.finalUpdateId) pu=\(d.previousFinalUpdateId) "
                + "bids=\(d.bids.count) asks=\(d.asks.count)"
                + (d.bids.first.map { " best bid \($0.quantity) @ \($0.price)" } ?? "")
        case .tradePro(let t):
            return "tradepro \(t.symbol) \(t.quantity) @ \(t.price) id=\(t.tradeId)"
        case .listenKeyExpired(let e):
            return "listenKeyExpired at \(e.eventTime)"
        case .marginCall(let m):
            return "MARGIN_CALL \(m.positions.map { "\($0.symbol) \($0.positionAmount) upnl=\($0.unrealizedPnL)" }.joined(separator: ", "))"
        case .accountUpdate(let a):
            return "ACCOUNT_UPDATE \(a.reason) balances=\(a.balances.map { "\($0.asset)=\($0.walletBalance)" }.joined(separator: ",")) "
                + "positions=\(a.positions.map { "\($0.symbol):\($0.positionAmount)" }.joined(separator: ","))"
        case .orderTradeUpdate(let o):
            return "ORDER_TRADE_UPDATE \(o.symbol) #\(o.orderId) \(o.side) \(o.orderType) \(o.executionType)/\(o.status) "
                + "\(o.filledQuantity)/\(o.originalQuantity) @ \(o.originalPrice)"
        case .accountConfigUpdate(let c):
            if let l = c.leverage { return "ACCOUNT_CONFIG_UPDATE \(l.symbol) leverage=\(l.leverage)" }
            return "ACCOUNT_CONFIG_UPDATE multiAssets=\(c.accountInfo?.multiAssetsMode == true)"
        case .announcement(let a):
            return "announcement \(a.primary?.category ?? "") \(a.primary?.title ?? "")"
        case .subscriptionReply(let r):
            return "reply id=\(r.id) result=\(r.result)"
        case .serverError(let e):
            return "error code=\(e.code) \(e.message)"
        case .unknown(let u):
            return "unknown \(u.eventType ?? "-") \(u.raw.prefix(120))"
        case .markPrices, .miniTickers, .tickers, .batch:
            return eventType ?? "batch"
        }
    }
}
