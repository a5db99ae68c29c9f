import AsterSim
import AsterTestSupport
import Foundation
import Testing

@testable import AsterKit

@Suite("Orders checked against exchangeInfo before anything is sent")
struct OrderCheckTests {
    let btc = symbolInfo("BTCUSDT", tick: "0.1", step: "0.001")

    func rejection(_ order: NewOrder, mark: ExactDecimal? = dec("100000"), open: Int? = 0) -> OrderRejection? {
        do {
            try OrderCheck.validate(order, symbol: btc, markPrice: mark, openOrders: open)
            return nil
        } catch {
            return error
        }
    }

    @Test("a valid limit and a valid market order pass")
    func valid() {
        #expect(rejection(.limit("BTCUSDT", .buy, quantity: dec("0.010"), price: dec("99000.5"))) == nil)
        #expect(rejection(.market("BTCUSDT", .sell, quantity: dec("0.001"))) == nil)
    }

    @Test("each broken rule is named with the nearest valid value")
    func rules() {
        let offTick = rejection(.limit("BTCUSDT", .buy, quantity: dec("0.010"), price: dec("99000.57")))
        #expect(offTick?.rule == .priceFilter && offTick?.nearestValid == dec("99000.6"))
        let offStep = rejection(.limit("BTCUSDT", .buy, quantity: dec("0.0104"), price: dec("99000")))
        #expect(offStep?.rule == .lotSize && offStep?.nearestValid == dec("0.010"))
        let tooSmall = rejection(.limit("BTCUSDT", .buy, quantity: dec("0.0001"), price: dec("99000")))
        #expect(tooSmall?.rule == .lotSize && tooSmall?.nearestValid == dec("0.001"))
        // 0.001 × 4000 = 4 < the minimum notional of 5: 0.002 is the smallest quantity that reaches it.
        let notional = rejection(.limit("BTCUSDT", .buy, quantity: dec("0.001"), price: dec("4000")), mark: nil)
        #expect(notional?.rule == .minNotional && notional?.nearestValid == dec("0.002"))
        // A market order's notional is taken at the mark.
        let market = rejection(.market("BTCUSDT", .buy, quantity: dec("0.001")), mark: dec("4000"))
        #expect(market?.rule == .minNotional)
        // 95 %–105 % of the mark.
        let far = rejection(.limit("BTCUSDT", .sell, quantity: dec("0.010"), price: dec("106000")))
        #expect(far?.rule == .percentPrice && far?.nearestValid == dec("105000"))
        let full = rejection(.limit("BTCUSDT", .buy, quantity: dec("0.010"), price: dec("99000")), open: 200)
        #expect(full?.rule == .maxNumOrders)
        // Reduce-only orders are not held to the minimum notional.
        #expect(rejection(.limit("BTCUSDT", .sell, quantity: dec("0.001"), price: dec("4000"), reduceOnly: true), mark: nil) == nil)
    }

    @Test("parameter rules per order type")
    func parameters() {
        #expect(rejection(NewOrder(symbol: "BTCUSDT", side: .buy, type: .limit, quantity: dec("0.01")))?.rule == .parameters)
        #expect(rejection(NewOrder(symbol: "BTCUSDT", side: .buy, type: .stopMarket, quantity: dec("0.01")))?.rule == .parameters)
        #expect(rejection(NewOrder(symbol: "BTCUSDT", side: .sell, type: .stopMarket, quantity: dec("0.01"), stopPrice: dec("95000"),
                                   closePosition: true))?.rule == .parameters)
        #expect(rejection(NewOrder(symbol: "BTCUSDT", side: .sell, type: .trailingStopMarket, quantity: dec("0.01"),
                                   callbackRate: dec("7")))?.rule == .parameters)
        #expect(rejection(.limit("BTCUSDT", .buy, quantity: dec("0.01"), price: dec("99000"), clientOrderId: "has space")) != nil)
        #expect(rejection(.limit("BTCUSDT", .buy, quantity: dec("0.01"), price: dec("99000"), clientOrderId: "a:b/c_d-e.f")) == nil)
        #expect(rejection(NewOrder(symbol: "BTCUSDT", side: .sell, type: .stopMarket, stopPrice: dec("95000"), closePosition: true)) == nil)
    }

    @Test("parameters are form-encoded as the spec's signing examples (Python's urlencode)")
    func formEncoding() {
        let encoded = RESTClient.encode([("newClientOrderId", "a:b/c d+e"), ("x", "é~*"), ("batchOrders", #"[{"a":"1"}]"#)])
        // urllib.parse.urlencode({'newClientOrderId': 'a:b/c d+e', 'x': 'é~*', 'batchOrders': '[{"a":"1"}]'})
        #expect(encoded == "newClientOrderId=a%3Ab%2Fc+d%2Be&x=%C3%A9~%2A&batchOrders=%5B%7B%22a%22%3A%221%22%7D%5D")
        #expect(RESTClient.encode([("symbol", "BTCUSDT"), ("quantity", "0.010")]) == "symbol=BTCUSDT&quantity=0.010")
    }

    @Test("an order describes what it will send; generated client ids are valid and distinct")
    func describing() {
        let order = NewOrder.limit("btcusdt", .buy, quantity: dec("0.010"), price: dec("90000"), clientOrderId: "x1")
        #expect(order.description == "BUY LIMIT 0.01 BTCUSDT @ 90000 GTC (id x1)")
        #expect(order.parameters.map(\.0) == ["symbol", "side", "type", "timeInForce", "quantity", "price", "newClientOrderId",
                                              "newOrderRespType"])
        let ids = (0..<100).map { _ in ClientOrderID.make() }
        #expect(Set(ids).count == 100 && ids.allSatisfy(ClientOrderID.isValid))
    }
}

@Suite("Trading against the simulator, V1 and V3", .serialized, .timeLimit(.minutes(3)))
struct TradingSimulatorTests {
    static func trading(_ port: Int, v3: Bool, timeout: Duration = .seconds(5)) -> TradingClient {
        let rest = RESTClient(baseURL: "http://127.0.0.1:\(port)",
                              configuration: RESTConfiguration(timeout: timeout, maxRetries: 2,
                                                               backoff: Backoff(initial: .milliseconds(50), maximum: .milliseconds(100))))
        let credentials: Credentials = v3
            ? .agent(user: SimAccount.demoUser, signer: SimAccount.demoSigner, privateKey: Secret(SimAccount.demoSignerKey))
            : .hmac(apiKey: SimAccount.demoAPIKey, secret: Secret(SimAccount.demoSecret))
        return TradingClient(account: AccountClient(rest: rest, credentials: credentials))
    }

    /// A buy limit a little under the market (resting), on the tick, above the minimum notional.
    static func restingBuy(_ trading: TradingClient, id: String? = nil) async throws -> NewOrder {
        let info = try await trading.symbolInfo("BTCUSDT")
        let mark = try #require(try await trading.account.rest.premiumIndex(symbol: "BTCUSDT").first?.markPrice)
        let tick = try #require(info.filters.price?.tickSize)
        let lot = try #require(info.filters.lotSize)
        var price = (mark * dec("0.98")).rounded(toMultipleOf: tick, rule: .down)
        let low = mark * (info.filters.percentPrice?.multiplierDown ?? .zero)
        if price < low { price = low.rounded(toMultipleOf: tick, rule: .up) }
        let minimum = info.filters.minNotional ?? .zero
        let quantity = try #require(minimum.divided(by: price, scale: 12)).rounded(toMultipleOf: lot.stepSize, rule: .up) + lot.stepSize
        return .limit("BTCUSDT", .buy, quantity: max(quantity, lot.minQuantity), price: price, clientOrderId: id)
    }

    @Test("place, query by client id (with : and /), cancel; a market order fills; cancel all", arguments: [false, true])
    func lifecycle(v3: Bool) async throws {
        try await withSimulator(SimConfiguration(seed: 71, rate: 2_000)) { _, port in
            let trading = Self.trading(port, v3: v3)
            let order = try await Self.restingBuy(trading, id: "t:\(v3 ? 3 : 1)/resting_1")
            let placed = try await trading.place(order)
            #expect(placed.clientOrderId == order.clientOrderId && placed.status == .new && placed.price == order.price)
            let queried = try await trading.order(symbol: "BTCUSDT", clientOrderId: order.clientOrderId)
            #expect(queried.orderId == placed.orderId)
            let cancelled = try await trading.cancel(symbol: "BTCUSDT", clientOrderId: order.clientOrderId)
            #expect(cancelled.status == .canceled)
            let market = try await trading.place(.market("BTCUSDT", .buy, quantity: order.quantity ?? dec("0.01")))
            #expect(market.status == .filled || market.status == .partiallyFilled || market.status == .new)
            _ = try await trading.place(try await Self.restingBuy(trading))
            try await trading.cancelAll(symbol: "BTCUSDT")
            #expect(try await trading.account.openOrders(symbol: "BTCUSDT").isEmpty)
            let leverage = try await trading.setLeverage(symbol: "BTCUSDT", 7)
            #expect(leverage.leverage == 7)
        }
    }

    @Test("a batch with one bad item: the others are placed, the bad one is named; a batch cancel by client ids", arguments: [false, true])
    func batch(v3: Bool) async throws {
        try await withSimulator(SimConfiguration(seed: 76, rate: 2_000)) { _, port in
            let trading = Self.trading(port, v3: v3)
            let good1 = try await Self.restingBuy(trading)
            var bad = try await Self.restingBuy(trading)
            bad.price = bad.price.map { $0 + dec("0.0000001") }
            let good2 = try await Self.restingBuy(trading)
            let results = try await trading.place(batch: [good1, bad, good2])
            #expect(results.count == 3)
            #expect((try? results[0].get())?.clientOrderId == good1.clientOrderId)
            #expect((try? results[2].get())?.clientOrderId == good2.clientOrderId)
            guard case .failure(let error) = results[1] else { Issue.record("the bad item was placed"); return }
            #expect((error as? OrderRejection)?.rule == .priceFilter)
            let open = try await trading.account.openOrders(symbol: "BTCUSDT").map(\.clientOrderId)
            #expect(Set(open) == [good1.clientOrderId, good2.clientOrderId])
            let cancelled = try await trading.cancel(symbol: "BTCUSDT", clientOrderIds: [good1.clientOrderId, good2.clientOrderId])
            #expect(cancelled.allSatisfy { (try? $0.get())?.status == .canceled })
            #expect(try await trading.account.openOrders(symbol: "BTCUSDT").isEmpty)
        }
    }

    @Test("stop, take-profit (close-position), trailing-stop and reduce-only orders rest, are queried and cancelled", arguments: [false, true])
    func conditionalOrders(v3: Bool) async throws {
        try await withSimulator(SimConfiguration(seed: 77, rate: 2_000)) { _, port in
            let trading = Self.trading(port, v3: v3)
            let info = try await trading.symbolInfo("ETHUSDT")
            let mark = try #require(try await trading.account.rest.premiumIndex(symbol: "ETHUSDT").first?.markPrice)
            let tick = try #require(info.filters.price?.tickSize)
            func at(_ factor: String) -> ExactDecimal { (mark * dec(factor)).rounded(toMultipleOf: tick, rule: .down) }
            // A long to protect, so reduce-only and close-position orders have something to act on.
            _ = try await trading.place(.market("ETHUSDT", .buy, quantity: dec("0.5")))
            let orders = [
                NewOrder(symbol: "ETHUSDT", side: .sell, type: .stopMarket, quantity: dec("0.5"), stopPrice: at("0.97"),
                         reduceOnly: true, workingType: .markPrice),
                NewOrder(symbol: "ETHUSDT", side: .sell, type: .stop, quantity: dec("0.5"), price: at("0.965"), stopPrice: at("0.97"),
                         reduceOnly: true),
                NewOrder(symbol: "ETHUSDT", side: .sell, type: .takeProfit, quantity: dec("0.5"), price: at("1.03"), stopPrice: at("1.025")),
                NewOrder(symbol: "ETHUSDT", side: .sell, type: .takeProfitMarket, stopPrice: at("1.03"), closePosition: true),
                .limit("ETHUSDT", .sell, quantity: dec("0.5"), price: at("1.02"), reduceOnly: true),
                NewOrder(symbol: "ETHUSDT", side: .sell, type: .trailingStopMarket, quantity: dec("0.5"), reduceOnly: true,
                         activationPrice: at("1.01"), callbackRate: dec("1")),
            ]
            for order in orders {
                let placed = try await trading.place(order)
                #expect(placed.type == order.type && placed.status == .new, "\(order)")
                #expect(placed.reduceOnly == order.reduceOnly || order.closePosition, "\(order)")
                #expect(placed.closePosition == order.closePosition, "\(order)")
                if let stop = order.stopPrice { #expect(placed.stopPrice == stop, "\(order)") }
                let queried = try await trading.order(symbol: "ETHUSDT", clientOrderId: order.clientOrderId)
                #expect(queried.orderId == placed.orderId)
                #expect(try await trading.cancel(symbol: "ETHUSDT", orderId: placed.orderId).status == .canceled)
            }
            try await trading.setMarginType(symbol: "BTCUSDT", isolated: true)
            try await trading.setMarginType(symbol: "BTCUSDT", isolated: true)   // "no need to change" is success
            #expect(try await trading.account.positionRisk(symbol: "BTCUSDT").first?.marginType == .isolated)
            _ = try await trading.closePosition(symbol: "ETHUSDT")
        }
    }

    @Test("a broken rule is refused locally: nothing reaches the exchange")
    func refusedLocally() async throws {
        try await withSimulator(SimConfiguration(seed: 72, rate: 2_000)) { server, port in
            let trading = Self.trading(port, v3: false)
            var order = try await Self.restingBuy(trading)
            order.price = order.price.map { $0 + dec("0.0000001") }
            let before = server.signedAttempts(path: "/fapi/v1/order").count
            await #expect(throws: OrderRejection.self) { try await trading.place(order) }
            #expect(server.signedAttempts(path: "/fapi/v1/order").count == before)
        }
    }

    @Test("accepted, then no answer in time: exactly one order exists and place returns it", arguments: [false, true])
    func acceptedWithoutAnswer(v3: Bool) async throws {
        try await withSimulator(SimConfiguration(seed: 73, rate: 2_000)) { server, port in
            let trading = Self.trading(port, v3: v3, timeout: .milliseconds(600))
            let order = try await Self.restingBuy(trading)
            let path = v3 ? "/fapi/v3/order" : "/fapi/v1/order"
            server.faults { $0.answerDelays[path] = [.seconds(3)] }
            let placed = try await trading.place(order)
            #expect(placed.clientOrderId == order.clientOrderId && placed.status == .new)
            let open = try await trading.account.openOrders(symbol: "BTCUSDT").filter { $0.clientOrderId == order.clientOrderId }
            #expect(open.count == 1)
            // The POST went out once; the outcome was learnt by a query.
            #expect(server.signedAttempts(path: path).filter { $0.method == "POST" }.count == 1)
        }
    }

    @Test("failed before it was accepted (503): a definite 'not placed', no order")
    func failedBeforeAccepted() async throws {
        try await withSimulator(SimConfiguration(seed: 74, rate: 2_000)) { server, port in
            let trading = Self.trading(port, v3: false)
            let order = try await Self.restingBuy(trading)
            server.faults { $0.pathFailures["/fapi/v1/order"] = [503] }
            await #expect(throws: TradingError.notPlaced(clientOrderId: order.clientOrderId, reason: "the exchange has no such order")) {
                try await trading.place(order)
            }
            #expect(try await trading.account.openOrders(symbol: "BTCUSDT").isEmpty)
            #expect(server.signedAttempts(path: "/fapi/v1/order").filter { $0.method == "POST" }.count == 1)
        }
    }

    @Test("refused by the exchange: its code and message; after a 429 no write is sent until Retry-After")
    func refusedAndRateLimited() async throws {
        try await withSimulator(SimConfiguration(seed: 75, rate: 2_000)) { server, port in
            let trading = Self.trading(port, v3: false)
            let order = try await Self.restingBuy(trading)
            server.faults { $0.pathFailures["/fapi/v1/order"] = [400] }
            do {
                _ = try await trading.place(order)
                Issue.record("placed despite the refusal")
            } catch let error as TradingError {
                guard case .rejected(let code, _) = error else { throw error }
                #expect(code == -1001)
            }
            server.faults { $0.pathFailures["/fapi/v1/order"] = [429] }
            await #expect(throws: (any Error).self) { try await trading.place(order) }
            let attempts = server.signedAttempts().count
            do {
                _ = try await trading.place(try await Self.restingBuy(trading))
                Issue.record("sent while rate limited")
            } catch let error as TradingError {
                guard case .rateLimited = error else { throw error }
            }
            #expect(server.signedAttempts().count == attempts + 1)   // the open-orders read of the check, no POST
        }
    }
}
