import AsterTestSupport
import AsterKit
import AsterSim
import Foundation
import Testing

/// Every typed market-data call against the simulator, at V1 and V3 paths, with its values
/// checked against each other and against the market's rules.
@Suite("REST market data against the simulator", .serialized, .timeLimit(.minutes(3)))
struct RESTMarketSimTests {
    static let config = SimConfiguration(seed: 33, rate: 4_000, warmUpMinutes: 20)

    static func nowMs() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }

    @Test("exchangeInfo: every symbol with its filters, consistent with the book and the trades")
    func exchangeInfo() async throws {
        try await withSimulator(Self.config) { server, port in
            let rest = RESTClient(baseURL: "http://127.0.0.1:\(port)")
            for version in RESTClient.APIVersion.allCases {
                let info = try await rest.exchangeInfo(version: version)
                #expect(info.timezone == "UTC" && abs(info.serverTime - Self.nowMs()) < 10_000)
                #expect(info.rateLimits.map(\.limit) == [2400, 1200] && info.rateLimits.map(\.type) == ["REQUEST_WEIGHT", "ORDERS"])
                #expect(info.symbols.count == 10 && info.symbols.allSatisfy { $0.status == .trading && $0.contractType == .perpetual })
                let btc = try #require(info.symbol("BTCUSDT"))
                #expect(btc.tickSize == dec("0.1") && btc.filters.price.minPrice == btc.tickSize && btc.pricePrecision == 1)
                #expect(btc.filters.maxOrders == 200 && btc.filters.maxAlgoOrders == 100 && btc.filters.minNotional == dec("5"))
                #expect(btc.filters.percentPrice == .init(multiplierUp: dec("1.05"), multiplierDown: dec("0.95"), multiplierDecimal: 4))
                #expect(btc.filters.marketLotSize.maxQuantity == dec("1000000") && btc.filters.lotSize.maxQuantity == dec("10000000"))
                #expect(btc.baseAsset == "BTC" && btc.quoteAsset == "USDT" && btc.orderTypes.count == 7 && btc.timeInForce.count == 5)
                // Every price in the book and every trade respects the symbol's filters.
                for symbol in info.symbols {
                    let book = try await rest.depth(symbol: symbol.symbol, limit: 20, version: version)
                    for level in book.bids + book.asks {
                        #expect(symbol.filters.price.accepts(level.price), "\(symbol.symbol) \(level.price) off tick \(symbol.tickSize)")
                        #expect(symbol.filters.lotSize.accepts(level.quantity) || level.quantity > symbol.filters.lotSize.maxQuantity,
                                "\(symbol.symbol) \(level.quantity) off step \(symbol.stepSize)")
                    }
                }
            }
            _ = server
        }
    }

    @Test("depth and bookTicker agree; trades, historical trades and aggregate trades are ordered and consistent")
    func bookAndTrades() async throws {
        try await withSimulator(Self.config) { server, port in
            let rest = RESTClient(baseURL: "http://127.0.0.1:\(port)")
            server.setPaused(true)
            for version in RESTClient.APIVersion.allCases {
                let book = try await rest.depth(symbol: "ethusdt", limit: 10, version: version)
                #expect(book.bids.count == 10 && book.asks.count == 10)
                #expect(zip(book.bids, book.bids.dropFirst()).allSatisfy { $0.price > $1.price })
                #expect(zip(book.asks, book.asks.dropFirst()).allSatisfy { $0.price < $1.price })
                #expect(book.bids[0].price < book.asks[0].price)
                #expect(book.messageTime != nil && book.transactionTime! <= book.messageTime!)
                let top = try #require(try await rest.bookTickers(symbol: "ETHUSDT", version: version).first)
                #expect(top.symbol == "ETHUSDT")
                #expect(top.bidPrice == book.bids[0].price && top.bidQuantity == book.bids[0].quantity)
                #expect(top.askPrice == book.asks[0].price && top.askQuantity == book.asks[0].quantity)
                let all = try await rest.bookTickers(version: version)
                #expect(all.count == 10 && all.allSatisfy { $0.bidPrice < $0.askPrice })
                let eth = try #require(all.first { $0.symbol == "ETHUSDT" })
                #expect(eth.bidPrice == top.bidPrice && eth.bidQuantity == top.bidQuantity && eth.askPrice == top.askPrice)
                #expect(eth.askQuantity == top.askQuantity && eth.time >= top.time)

                let trades = try await rest.trades(symbol: "ETHUSDT", limit: 50, version: version)
                #expect(trades.count == 50)
                #expect(zip(trades, trades.dropFirst()).allSatisfy { $0.id < $1.id && $0.time <= $1.time })
                #expect(trades.allSatisfy { $0.quoteQuantity == $0.price * $0.quantity && $0.quantity > .zero })
                let from = trades[10].id
                let older = try await rest.historicalTrades(symbol: "ETHUSDT", fromId: from, limit: 5, version: version)
                #expect(older.map(\.id) == trades[10..<15].map(\.id) && older == Array(trades[10..<15]))
                let aggregated = try await rest.aggregateTrades(symbol: "ETHUSDT", limit: 50, version: version)
                #expect(aggregated.count == 50 && zip(aggregated, aggregated.dropFirst()).allSatisfy {
                    $0.aggregateTradeId < $1.aggregateTradeId && $0.lastTradeId < $1.firstTradeId && $0.time <= $1.time
                })
                let last = try #require(aggregated.last)
                #expect(last.price == trades.last?.price && last.time == trades.last?.time)
                let window = try await rest.aggregateTrades(symbol: "ETHUSDT", startTime: aggregated[5].time,
                                                            endTime: aggregated[20].time, version: version)
                #expect(window.allSatisfy { $0.time >= aggregated[5].time && $0.time <= aggregated[20].time })
                #expect(window.contains(aggregated[5]) && window.contains(aggregated[20]))
                let fromId = try await rest.aggregateTrades(symbol: "ETHUSDT", fromId: aggregated[30].aggregateTradeId, limit: 3,
                                                            version: version)
                #expect(fromId == Array(aggregated[30..<33]))
                // The last price and the 24 h ticker's agree with the tape.
                let price = try #require(try await rest.priceTickers(symbol: "ETHUSDT", version: version).first)
                #expect(price.price == trades.last?.price)
                #expect(try await rest.priceTickers(version: version).count == 10)
            }
        }
    }

    @Test("klines of every kind: intervals, windows, OHLC and volume consistency")
    func klines() async throws {
        try await withSimulator(Self.config) { _, port in
            let rest = RESTClient(baseURL: "http://127.0.0.1:\(port)")
            for version in RESTClient.APIVersion.allCases {
                for (interval, length) in [(KlineInterval.oneMinute, Int64(60_000)), (.fiveMinutes, 300_000), (.fifteenMinutes, 900_000)] {
                    let candles = try await rest.klines(symbol: "BTCUSDT", interval: interval, limit: 10, version: version)
                    #expect(candles.count >= 2 && candles.count <= 10, "\(interval)")
                    #expect(zip(candles, candles.dropFirst()).allSatisfy { $1.openTime - $0.openTime == length })
                    #expect(candles.allSatisfy { $0.openTime % length == 0 && $0.closeTime == $0.openTime + length - 1 })
                    #expect(candles.allSatisfy { $0.low <= min($0.open, $0.close) && max($0.open, $0.close) <= $0.high })
                    #expect(candles.allSatisfy { $0.takerBuyVolume <= $0.volume && $0.takerBuyQuoteVolume <= $0.quoteVolume })
                    #expect(candles.allSatisfy { $0.tradeCount > 0 && $0.volume > .zero })
                }
                let minutes = try await rest.klines(symbol: "BTCUSDT", interval: .oneMinute, limit: 20, version: version)
                let window = try await rest.klines(symbol: "BTCUSDT", interval: .oneMinute, startTime: minutes[3].openTime,
                                                   endTime: minutes[7].openTime, version: version)
                #expect(window.map(\.openTime) == minutes[3...7].map(\.openTime))
                #expect(window.first == minutes[3])

                let marks = try await rest.markPriceKlines(symbol: "BTCUSDT", interval: .oneMinute, limit: 10, version: version)
                let index = try await rest.indexPriceKlines(pair: "BTCUSDT", interval: .fiveMinutes, limit: 10, version: version)
                for (candles, length) in [(marks, Int64(60_000)), (index, Int64(300_000))] {
                    #expect(candles.count >= 2)
                    #expect(zip(candles, candles.dropFirst()).allSatisfy { $1.openTime - $0.openTime == length })
                    #expect(candles.allSatisfy { $0.closeTime == $0.openTime + length - 1 && $0.dataPoints > 0 })
                    #expect(candles.allSatisfy { $0.low <= min($0.open, $0.close) && max($0.open, $0.close) <= $0.high })
                }
                // Mark prices stay within a few percent of traded prices.
                let lastTrade = try #require(minutes.last).close
                #expect(((marks.last!.close - lastTrade).magnitude.doubleValue / lastTrade.doubleValue) < 0.05)
            }
        }
    }

    @Test("premium index, funding history and configuration, 24 h tickers")
    func fundingAndTickers() async throws {
        try await withSimulator(Self.config) { server, port in
            let rest = RESTClient(baseURL: "http://127.0.0.1:\(port)")
            server.setPaused(true)
            for version in RESTClient.APIVersion.allCases {
                let all = try await rest.premiumIndex(version: version)
                #expect(all.count == 10)
                let one = try #require(try await rest.premiumIndex(symbol: "ASTERUSDT", version: version).first)
                #expect(one.symbol == "ASTERUSDT" && all.first { $0.symbol == "ASTERUSDT" }?.nextFundingTime == one.nextFundingTime)
                #expect(one.nextFundingTime > Self.nowMs() - 60_000 && one.nextFundingTime % (4 * 3_600_000) == 0)
                #expect(one.markPrice > .zero && one.indexPrice > .zero && one.interestRate == dec("0.00005"))
                let configs = try await rest.fundingInfo(version: version)
                #expect(configs.count == 10)
                let hours = Dictionary(uniqueKeysWithValues: configs.map { ($0.symbol, $0.fundingIntervalHours) })
                #expect(hours["BTCUSDT"] == 8 && hours["ASTERUSDT"] == 4)
                #expect(configs.allSatisfy { $0.fundingFeeFloor == -$0.fundingFeeCap && $0.fundingFeeCap > .zero })
                #expect(try await rest.fundingInfo(symbol: "ASTERUSDT", version: version).map(\.interestRate) == [one.interestRate])
                let history = try await rest.fundingRateHistory(symbol: "BTCUSDT", version: version)
                #expect(!history.isEmpty && history.allSatisfy { $0.symbol == "BTCUSDT" && $0.fundingTime % 3_600_000 == 0 })
                #expect(zip(history, history.dropFirst()).allSatisfy { $0.fundingTime < $1.fundingTime })

                let tickers = try await rest.tickers24h(version: version)
                #expect(tickers.count == 10)
                let eth = try #require(try await rest.tickers24h(symbol: "ETHUSDT", version: version).first)
                // The paused market still keeps time: a 10 ms tick between the two requests moves only the
                // window's end.
                #expect(tickers.contains { var t = $0; t.closeTime = eth.closeTime; return t == eth })
                #expect(tickers.first { $0.symbol == "ETHUSDT" }.map { (0..<1_000).contains(eth.closeTime - $0.closeTime) } == true)
                #expect(eth.lowPrice <= eth.lastPrice && eth.lastPrice <= eth.highPrice && eth.openTime < eth.closeTime)
                #expect(eth.priceChange == eth.lastPrice - eth.openPrice && eth.tradeCount > 0)
                #expect(eth.lastTradeId >= eth.firstTradeId && eth.volume > .zero)
                let price = try #require(try await rest.priceTickers(symbol: "ETHUSDT", version: version).first)
                #expect(price.price == eth.lastPrice)
            }
        }
    }

    @Test("V3 paths are the ones called with version: .v3, and errors name them")
    func v3Paths() async throws {
        try await withSimulator(Self.config) { _, port in
            let rest = RESTClient(baseURL: "http://127.0.0.1:\(port)")
            do {
                _ = try await rest.depth(symbol: "NOPE", version: .v3)
                Issue.record("expected an error")
            } catch let error as RESTError {
                #expect(error.path == "/fapi/v3/depth" && error.kind == .server(status: 400, code: -1121, message: "Invalid symbol."))
            }
            do {
                _ = try await rest.klines(symbol: "BTCUSDT", interval: .oneMinute, limit: 1501, version: .v1)
                Issue.record("expected an error")
            } catch let error as RESTError {
                #expect(error.path == "/fapi/v1/klines")
            }
        }
    }
}
