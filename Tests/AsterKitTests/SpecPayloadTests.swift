import AsterTestSupport
import Testing

@testable import AsterKit

/// Every payload example of the spec decodes to exactly the values printed in the spec.
@Suite("Spec payload examples")
struct SpecPayloadTests {
    @Test("every fixture decodes to a typed event, never unknown")
    func everyFixtureIsTyped() throws {
        #expect(allFixtureNames.count >= 25)
        for name in allFixtureNames {
            let message = try decode(try fixture(name))
            if case .unknown = message.event { Issue.record("\(name) decoded as unknown") }
            #expect(message.skippedElements.isEmpty, "\(name): \(message.skippedElements)")
        }
    }

    @Test func aggTrade() throws {
        guard case .aggregateTrade(let t) = try decode(try fixture("aggTrade")).event else { throw Unexpected() }
        #expect(t == AggregateTrade(eventTime: 123456789, symbol: "BTCUSDT", aggregateTradeId: 5933014,
                                    price: dec("0.001"), quantity: dec("100"), firstTradeId: 100, lastTradeId: 105,
                                    tradeTime: 123456785, buyerIsMaker: true))
        #expect(t.takerSide == .sell)
    }

    @Test func markPrice() throws {
        guard case .markPrice(let m) = try decode(try fixture("markPrice")).event else { throw Unexpected() }
        #expect(m.symbol == "BTCUSDT" && m.eventTime == 1562305380000)
        #expect(m.markPrice == dec("11794.15") && m.indexPrice == dec("11784.62659091"))
        #expect(m.estimatedSettlePrice == dec("11784.25641265") && m.fundingRate == dec("0.00038167"))
        #expect(m.nextFundingTime == 1562306400000)
    }

    @Test func markPriceArray() throws {
        guard case .markPrices(let all) = try decode(try fixture("markPriceArr")).event else { throw Unexpected() }
        #expect(all.count == 1)
        #expect(all[0].markPrice == dec("11185.87786614") && all[0].fundingRate == dec("0.0003"))
        #expect(all[0].indexPrice == dec("11784.62659091") && all[0].estimatedSettlePrice == dec("11784.25641265"))
    }

    @Test func kline() throws {
        guard case .kline(let e) = try decode(try fixture("kline")).event else { throw Unexpected() }
        let k = e.kline
        #expect(e.eventTime == 123456789 && e.symbol == "BTCUSDT")
        #expect(k.openTime == 123400000 && k.closeTime == 123460000 && k.interval == .oneMinute)
        #expect(k.firstTradeId == 100 && k.lastTradeId == 200 && k.trades == 100 && !k.isClosed)
        #expect(k.open == dec("0.001") && k.close == dec("0.002") && k.high == dec("0.0025") && k.low == dec("0.0015"))
        #expect(k.volume == dec("1000") && k.quoteVolume == dec("1") && k.takerBuyVolume == dec("500"))
        #expect(k.takerBuyQuoteVolume == dec("0.5"))
    }

    @Test func miniTickers() throws {
        guard case .miniTicker(let t) = try decode(try fixture("miniTicker")).event else { throw Unexpected() }
        #expect(t.lastPrice == dec("0.0025") && t.openPrice == dec("0.001") && t.highPrice == dec("0.0025"))
        #expect(t.lowPrice == dec("0.001") && t.volume == dec("10000") && t.quoteVolume == dec("18"))
        #expect(t.changePercent == dec("150"))
        guard case .miniTickers(let all) = try decode(try fixture("miniTickerArr")).event else { throw Unexpected() }
        #expect(all == [t])
    }

    @Test func tickers() throws {
        guard case .ticker(let t) = try decode(try fixture("ticker")).event else { throw Unexpected() }
        #expect(t.priceChange == dec("0.0015") && t.priceChangePercent == dec("250"))
        #expect(t.weightedAveragePrice == dec("0.0018") && t.lastPrice == dec("0.0025") && t.lastQuantity == dec("10"))
        #expect(t.openTime == 0 && t.closeTime == 86400000 && t.firstTradeId == 0 && t.lastTradeId == 18150)
        #expect(t.tradeCount == 18151)
        guard case .tickers(let all) = try decode(try fixture("tickerArr")).event else { throw Unexpected() }
        #expect(all == [t])
    }

    @Test func bookTicker() throws {
        guard case .bookTicker(let b) = try decode(try fixture("bookTicker")).event else { throw Unexpected() }
        #expect(b == BookTicker(updateId: 400900217, eventTime: 1568014460893, transactionTime: 1568014460891,
                                symbol: "BNBUSDT", bidPrice: dec("25.3519"), bidQuantity: dec("31.21"),
                                askPrice: dec("25.3652"), askQuantity: dec("40.66")))
    }

    @Test("liquidations, single and all-market", arguments: ["forceOrder", "forceOrderArr"])
    func liquidation(name: String) throws {
        guard case .liquidation(let l) = try decode(try fixture(name)).event else { throw Unexpected() }
        #expect(l.eventTime == 1568014460893 && l.symbol == "BTCUSDT" && l.side == .sell)
        #expect(l.orderType == .limit && l.timeInForce == .ioc && l.status == .filled)
        #expect(l.quantity == dec("0.014") && l.price == dec("9910") && l.averagePrice == dec("9910"))
        #expect(l.lastFilledQuantity == dec("0.014") && l.filledQuantity == dec("0.014") && l.tradeTime == 1568014460893)
        #expect(l.notional == dec("138.74"))
    }

    @Test func partialDepth() throws {
        guard case .depth(let d) = try decode(try fixture("depthPartial")).event else { throw Unexpected() }
        #expect(d.firstUpdateId == 390497796 && d.finalUpdateId == 390497878 && d.previousFinalUpdateId == 390497794)
        #expect(d.transactionTime == 1571889248276 && d.bids.count == 5 && d.asks.count == 5)
        #expect(d.bids[1] == PriceLevel(price: dec("7403.9"), quantity: dec("3.906")))
        #expect(d.asks.last == PriceLevel(price: dec("7407.2"), quantity: dec("0.175")))
    }

    @Test func diffDepth() throws {
        guard case .depth(let d) = try decode(try fixture("depthDiff")).event else { throw Unexpected() }
        #expect(d == DepthUpdate(eventTime: 123456789, transactionTime: 123456788, symbol: "BTCUSDT",
                                 firstUpdateId: 157, finalUpdateId: 160, previousFinalUpdateId: 149,
                                 bids: [PriceLevel(price: dec("0.0024"), quantity: dec("10"))],
                                 asks: [PriceLevel(price: dec("0.0026"), quantity: dec("100"))]))
    }

    @Test func tradePro() throws {
        let message = try decode(try fixture("tradePro"))
        #expect(message.stream == "btcusdt@tradepro")
        guard case .tradePro(let t) = message.event else { throw Unexpected() }
        #expect(t.tradeId == 128884613 && t.price == dec("73685.5") && t.quantity == dec("0.297"))
        #expect(t.participants == ["hidden", "hidden"] && t.transactionHash.hasPrefix("0X000"))
        #expect(t.transactionTime == 1773751963079 && t.eventTime == 1773751963081)
    }

    @Test func listenKeyExpired() throws {
        guard case .listenKeyExpired(let e) = try decode(try fixture("listenKeyExpired")).event else { throw Unexpected() }
        #expect(e.eventTime == 1576653824250)
    }

    @Test func marginCall() throws {
        guard case .marginCall(let m) = try decode(try fixture("marginCall")).event else { throw Unexpected() }
        #expect(m.crossWalletBalance == dec("3.16812045") && m.positions.count == 1)
        let p = m.positions[0]
        #expect(p.symbol == "ETHUSDT" && p.positionSide == .long && p.positionAmount == dec("1.327"))
        #expect(p.marginType == .crossed && p.isolatedWallet == dec("0") && p.markPrice == dec("187.17127"))
        #expect(p.unrealizedPnL == dec("-1.166074") && p.maintenanceMargin == dec("1.614445"))
    }

    @Test func accountUpdate() throws {
        guard case .accountUpdate(let a) = try decode(try fixture("accountUpdate")).event else { throw Unexpected() }
        #expect(a.eventTime == 1564745798939 && a.transactionTime == 1564745798938 && a.reason == .order)
        #expect(a.balances == [
            .init(asset: "USDT", walletBalance: dec("122624.12345678"), crossWalletBalance: dec("100.12345678"),
                  balanceChange: dec("50.12345678")),
            .init(asset: "BUSD", walletBalance: dec("1"), crossWalletBalance: dec("0"), balanceChange: dec("-49.12345678")),
        ])
        #expect(a.positions.count == 3)
        #expect(a.positions[2].positionAmount == dec("-10") && a.positions[2].positionSide == .short)
        #expect(a.positions[2].accumulatedRealized == dec("-45.04") && a.positions[2].marginType == .isolated)
        #expect(a.positions[1].isolatedWallet == dec("13200.70726908") && a.positions[1].entryPrice == dec("6563.665"))
    }

    @Test func orderTradeUpdate() throws {
        guard case .orderTradeUpdate(let o) = try decode(try fixture("orderTradeUpdate")).event else { throw Unexpected() }
        #expect(o.eventTime == 1568879465651 && o.transactionTime == 1568879465650 && o.symbol == "BTCUSDT")
        #expect(o.clientOrderId == "TEST" && o.side == .sell && o.orderType == .trailingStopMarket)
        #expect(o.timeInForce == .gtc && o.originalQuantity == dec("0.001") && o.originalPrice == .zero)
        #expect(o.stopPrice == dec("7103.04") && o.executionType == .new && o.status == .new && o.orderId == 8886774)
        #expect(o.commissionAsset == "USDT" && o.commission == .zero && o.tradeTime == 1568879465651 && o.tradeId == 0)
        #expect(o.bidsNotional == .zero && o.asksNotional == dec("9.91") && !o.isMaker && !o.isReduceOnly)
        #expect(o.workingType == .contractPrice && o.originalOrderType == .trailingStopMarket)
        #expect(o.positionSide == .long && o.closePosition == false && o.activationPrice == dec("7476.89"))
        #expect(o.callbackRate == dec("5") && o.realizedProfit == .zero)
    }

    @Test func accountConfigUpdates() throws {
        guard case .accountConfigUpdate(let l) = try decode(try fixture("accountConfigLeverage")).event
        else { throw Unexpected() }
        #expect(l.leverage == .init(symbol: "BTCUSDT", leverage: 25) && l.accountInfo == nil)
        guard case .accountConfigUpdate(let i) = try decode(try fixture("accountConfigInfo")).event
        else { throw Unexpected() }
        #expect(i.accountInfo == .init(multiAssetsMode: true, feeDeduction: true, dualSidePosition: true))
        #expect(i.leverage == nil && i.eventTime == 1611646737479 && i.transactionTime == 1611646737476)
    }

    @Test("announcements (v3)", arguments: [("announcementPublic", "NEW_LISTING"), ("announcementDirect", "DIRECT")])
    func announcement(name: String, category: String) throws {
        guard case .announcement(let a) = try decode(try fixture(name)).event else { throw Unexpected() }
        #expect(a.eventTime == nil && a.contents.count == 2)
        #expect(a.primary?.category == category && a.contents["zh"]?.content == "<p>测试内容</p>")
        #expect(a.contents["en"]?.link.hasPrefix("https://asterdex") == true)
        #expect(a.contents["en"]?.subtitle == "sub title" || a.contents["en"]?.subtitle == "sub content")
        #expect(a.contents["zh"]?.title.isEmpty == false && a.contents["en"]?.isRead == false)
    }

    @Test func replies() throws {
        #expect(try decode(try fixture("subscribeReply")).event == .subscriptionReply(.init(id: 1, result: .null)))
        #expect(try decode(try fixture("listSubscriptionsReply")).event
            == .subscriptionReply(.init(id: 3, result: .streams(["btcusdt@aggTrade"]))))
        #expect(try decode(try fixture("getPropertyReply")).event == .subscriptionReply(.init(id: 2, result: .bool(true))))
        #expect(try decode(#"{"code": 0, "msg": "Unknown property","id":7}"#).event
            == .serverError(ServerError(code: 0, message: "Unknown property", id: 7)))
    }
}

