import AsterTestSupport
import AsterKit
import Foundation
import Testing

/// Every market-data example response of the spec, served over HTTP and read through
/// `RESTClient`, decodes to exactly the values printed in the spec, at V1 and V3 paths.
@Suite("REST market data: the spec's examples", .serialized, .timeLimit(.minutes(2)))
struct RESTMarketSpecTests {
    /// Serves every market fixture under its endpoint (the one-symbol form unless `all`).
    static func servingSpec(all: Bool = false) throws -> RESTFixtureServer {
        let server = RESTFixtureServer()
        let names: [(String, String)] = [
            ("ping", "ping"), ("time", "time"), ("exchangeInfo", "exchangeInfo"), ("depth", "depth"), ("trades", "trades"),
            ("historicalTrades", "historicalTrades"), ("aggTrades", "aggTrades"), ("klines", "klines"),
            ("indexPriceKlines", "indexPriceKlines"), ("markPriceKlines", "markPriceKlines"),
            ("premiumIndex", all ? "premiumIndexAll" : "premiumIndex"), ("fundingRate", "fundingRate"),
            ("fundingInfo", "fundingInfo"), ("ticker/24hr", all ? "ticker24hrAll" : "ticker24hr"),
            ("ticker/price", all ? "tickerPriceAll" : "tickerPrice"), ("ticker/bookTicker", all ? "bookTickerAll" : "bookTicker"),
        ]
        for (endpoint, name) in names { server.serve(endpoint, try restFixtureText(name)) }
        return server
    }

    @Test("ping, time, depth, trades, aggTrades", arguments: RESTClient.APIVersion.allCases)
    func basics(version: RESTClient.APIVersion) async throws {
        let server = try Self.servingSpec()
        try await server.run { rest in
            try await rest.ping(version: version)
            #expect(try await rest.serverTime(version: version) == 1499827319559)
            let book = try await rest.depth(symbol: "btcusdt", limit: 5, version: version)
            #expect(book == DepthSnapshot(lastUpdateId: 1027024, bids: [PriceLevel(price: dec("4"), quantity: dec("431"))],
                                          asks: [PriceLevel(price: dec("4.000002"), quantity: dec("12"))],
                                          messageTime: 1589436922972, transactionTime: 1589436922959))
            let trades = try await rest.trades(symbol: "BTCUSDT", limit: 10, version: version)
            #expect(trades == [MarketTrade(id: 28457, price: dec("4.000001"), quantity: dec("12"), quoteQuantity: dec("48"),
                                           time: 1499865549590, buyerIsMaker: true)])
            #expect(trades[0].takerSide == .sell)
            let old = try await rest.historicalTrades(symbol: "BTCUSDT", fromId: 28000, limit: 1, apiKey: "key-1", version: version)
            #expect(old.map(\.quoteQuantity) == [dec("8000")] && old.map(\.id) == [28457])
            let aggregated = try await rest.aggregateTrades(symbol: "BTCUSDT", startTime: 1, endTime: 2, version: version)
            #expect(aggregated == [CompressedTrade(aggregateTradeId: 26129, price: dec("0.01633102"), quantity: dec("4.70443515"),
                                                   firstTradeId: 27781, lastTradeId: 27781, time: 1498793709153,
                                                   buyerIsMaker: true)])
        }
        let prefix = version.prefix
        let requests = server.requests
        #expect(requests.map(\.path) == ["ping", "time", "depth", "trades", "historicalTrades", "aggTrades"].map { "\(prefix)/\($0)" })
        #expect(requests[2].query == "symbol=BTCUSDT&limit=5")
        #expect(requests[3].query == "symbol=BTCUSDT&limit=10")
        #expect(requests[4].query == "symbol=BTCUSDT&limit=1&fromId=28000" && requests[4].apiKey == "key-1")
        #expect(requests[5].query == "symbol=BTCUSDT&startTime=1&endTime=2")
    }

    @Test("exchangeInfo: rate limits, assets, the contract fields and all seven filters", arguments: RESTClient.APIVersion.allCases)
    func exchangeInfo(version: RESTClient.APIVersion) async throws {
        let info = try await Self.servingSpec().run { rest in try await rest.exchangeInfo(version: version) }
        #expect(info.timezone == "UTC" && info.serverTime == 1565613908500)
        #expect(info.rateLimits == [.init(type: "REQUEST_WEIGHT", interval: "MINUTE", intervalCount: 1, limit: 2400),
                                    .init(type: "ORDERS", interval: "MINUTE", intervalCount: 1, limit: 1200)])
        #expect(info.assets == [.init(asset: "BUSD", marginAvailable: true, autoAssetExchange: .zero),
                                .init(asset: "USDT", marginAvailable: true, autoAssetExchange: .zero),
                                .init(asset: "BTC", marginAvailable: false, autoAssetExchange: nil)])
        let doge = try #require(info.symbol("dogeusdt"))
        #expect(info.symbols.count == 1)
        let expected = SymbolInfo(
            symbol: "DOGEUSDT", pair: "DOGEUSDT", contractType: .perpetual, deliveryDate: 4133404800000,
            onboardDate: 1598252400000, status: .trading, maintenanceMarginPercent: dec("2.5"),
            requiredMarginPercent: dec("5"), baseAsset: "BLZ", quoteAsset: "USDT", marginAsset: "USDT", pricePrecision: 5,
            quantityPrecision: 0, baseAssetPrecision: 8, quotePrecision: 8, underlyingType: "COIN",
            underlyingSubTypes: ["STORAGE"], settlePlan: 0, triggerProtect: dec("0.15"),
            filters: SymbolFilters(
                price: .init(minPrice: dec("0.0001"), maxPrice: dec("300"), tickSize: dec("0.0001")),
                lotSize: .init(minQuantity: dec("1"), maxQuantity: dec("10000000"), stepSize: dec("1")),
                marketLotSize: .init(minQuantity: dec("1"), maxQuantity: dec("590119"), stepSize: dec("1")),
                maxOrders: 200, maxAlgoOrders: 100, minNotional: dec("1"),
                percentPrice: .init(multiplierUp: dec("1.15"), multiplierDown: dec("0.85"), multiplierDecimal: 4)),
            orderTypes: [.limit, .market, .stop, .stopMarket, .takeProfit, .takeProfitMarket, .trailingStopMarket],
            timeInForce: [.gtc, .ioc, .fok, .gtx, .hidden], liquidationFee: dec("0.01"), marketTakeBound: dec("0.3"))
        #expect(doge == expected)
        #expect(doge.tickSize == dec("0.0001") && doge.stepSize == dec("1"))
        #expect(doge.tickSize.description == "0.0001" && doge.filters.percentPrice.multiplierUp.description == "1.15")
        // The filters' rules.
        #expect(doge.filters.price.accepts(dec("0.1234")) && !doge.filters.price.accepts(dec("0.12345")))
        #expect(!doge.filters.price.accepts(dec("300.0001")) && !doge.filters.price.accepts(dec("0.00009")))
        #expect(doge.filters.lotSize.accepts(dec("7")) && !doge.filters.lotSize.accepts(dec("7.5")))
        #expect(!doge.filters.marketLotSize.accepts(dec("590120")) && doge.filters.lotSize.accepts(dec("590120")))
    }

    @Test("klines, index and mark price klines: every column", arguments: RESTClient.APIVersion.allCases)
    func klines(version: RESTClient.APIVersion) async throws {
        let server = try Self.servingSpec()
        try await server.run { rest in
            let candles = try await rest.klines(symbol: "BTCUSDT", interval: .oneMinute, startTime: 10, limit: 2, version: version)
            #expect(candles == [Candle(openTime: 1499040000000, open: dec("0.0163479"), high: dec("0.8"), low: dec("0.015758"),
                                       close: dec("0.015771"), volume: dec("148976.11427815"), closeTime: 1499644799999,
                                       quoteVolume: dec("2434.19055334"), tradeCount: 308,
                                       takerBuyVolume: dec("1756.87402397"), takerBuyQuoteVolume: dec("28.46694368"))])
            let index = try await rest.indexPriceKlines(pair: "btcusdt", interval: .fiveMinutes, version: version)
            #expect(index == [PriceCandle(openTime: 1591256400000, open: dec("9653.6944"), high: dec("9653.6964"),
                                          low: dec("9651.386"), close: dec("9651.552"), closeTime: 1591256459999, dataPoints: 60)])
            let mark = try await rest.markPriceKlines(symbol: "BTCUSDT", interval: .oneDay, endTime: 99, version: version)
            #expect(mark == [PriceCandle(openTime: 1591256460000, open: dec("9653.29201333"), high: dec("9654.56401333"),
                                         low: dec("9653.07367333"), close: dec("9653.07367333"), closeTime: 1591256519999,
                                         dataPoints: 60)])
        }
        #expect(server.requests.map(\.query) == ["symbol=BTCUSDT&interval=1m&startTime=10&limit=2",
                                                 "pair=BTCUSDT&interval=5m", "symbol=BTCUSDT&interval=1d&endTime=99"])
    }

    @Test("premium index, funding history and funding configuration", arguments: RESTClient.APIVersion.allCases)
    func funding(version: RESTClient.APIVersion) async throws {
        let premium = PremiumIndex(symbol: "BTCUSDT", markPrice: dec("11793.63104562"), indexPrice: dec("11781.8049597"),
                                   estimatedSettlePrice: dec("11781.16138815"), lastFundingRate: dec("0.00038246"),
                                   nextFundingTime: 1597392000000, interestRate: dec("0.0001"), time: 1597370495002)
        try await Self.servingSpec().run { rest in
            #expect(try await rest.premiumIndex(symbol: "BTCUSDT", version: version) == [premium])
            let history = try await rest.fundingRateHistory(symbol: "BTCUSDT", limit: 2, version: version)
            #expect(history == [FundingRateRecord(symbol: "BTCUSDT", fundingRate: dec("-0.0375"), fundingTime: 1570608000000),
                                FundingRateRecord(symbol: "BTCUSDT", fundingRate: dec("0.0001"), fundingTime: 1570636800000)])
            let info = try await rest.fundingInfo(version: version)
            #expect(info == [FundingInfo(symbol: "INJUSDT", interestRate: dec("0.0001"), time: 1756197479000,
                                         fundingIntervalHours: 8, fundingFeeCap: dec("0.03"), fundingFeeFloor: dec("-0.03")),
                             FundingInfo(symbol: "ZORAUSDT", interestRate: dec("0.00005"), time: 1756197479000,
                                         fundingIntervalHours: 4, fundingFeeCap: dec("0.02"), fundingFeeFloor: dec("-0.02"))])
        }
        let all = try await Self.servingSpec(all: true).run { rest in try await rest.premiumIndex(version: version) }
        #expect(all == [premium])
    }

    @Test("24 h, price and book tickers, one symbol and all", arguments: RESTClient.APIVersion.allCases, [false, true])
    func tickers(version: RESTClient.APIVersion, all: Bool) async throws {
        let server = try Self.servingSpec(all: all)
        try await server.run { rest in
            let symbol: String? = all ? nil : "BTCUSDT"
            let day = try await rest.tickers24h(symbol: symbol, version: version)
            #expect(day == [Ticker24h(
                symbol: "BTCUSDT", priceChange: dec("-94.999998"), priceChangePercent: dec("-95.96"),
                weightedAveragePrice: dec("0.29628482"), previousClosePrice: dec("0.10002"), lastPrice: dec("4.000002"),
                lastQuantity: dec("200"), openPrice: dec("99"), highPrice: dec("100"), lowPrice: dec("0.1"),
                volume: dec("8913.3"), quoteVolume: dec("15.3"), openTime: 1499783499040, closeTime: 1499869899040,
                firstTradeId: 28385, lastTradeId: 28460, tradeCount: 76)])
            #expect(try await rest.priceTickers(symbol: symbol, version: version)
                == [PriceTicker(symbol: "BTCUSDT", price: dec("6000.01"), time: 1589437530011)])
            #expect(try await rest.bookTickers(symbol: symbol, version: version)
                == [BookTop(symbol: "BTCUSDT", bidPrice: dec("4"), bidQuantity: dec("431"), askPrice: dec("4.000002"),
                            askQuantity: dec("9"), time: 1589437530011)])
        }
        #expect(server.requests.allSatisfy { $0.query == (all ? "" : "symbol=BTCUSDT") && $0.path.hasPrefix(version.prefix) })
    }
}
