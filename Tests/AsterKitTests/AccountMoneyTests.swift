import AsterTestSupport
import AsterSim
import Foundation
import Synchronization
import Testing

@testable import AsterKit

/// A USDT wallet and positions as `GET /fapi/v4/account` gives them.
private func snapshot(wallet: ExactDecimal, _ rows: [PositionInfo]) -> AccountInformation {
    AccountInformation(updateTime: 1_000, totalWalletBalance: wallet, totalUnrealizedProfit: .zero, totalMarginBalance: wallet,
                       availableBalance: wallet, assets: [AssetBalance(asset: "USDT", walletBalance: wallet)], positions: rows)
}

private func row(_ symbol: String, _ side: PositionSide, _ amount: String, _ entry: String, leverage: Int = 10,
                 isolated: Bool = false) -> PositionInfo {
    PositionInfo(symbol: symbol, positionAmount: dec(amount), entryPrice: dec(entry), unrealizedProfit: .zero, leverage: leverage,
                 isolated: isolated, positionSide: side, updateTime: 1_000)
}

private func accountUpdate(at time: Int64, wallet: String = "1000", _ positions: [(String, String, String, String)]) throws -> AsterEvent {
    let rows = positions.map { s, side, amount, entry in
        #"{"s":"\#(s)","pa":"\#(amount)","ep":"\#(entry)","cr":"0","up":"0","mt":"cross","iw":"0","ps":"\#(side)"}"#
    }.joined(separator: ",")
    return try EventDecoder().decode(#"""
    {"e":"ACCOUNT_UPDATE","E":\#(time),"T":\#(time),"a":{"m":"ORDER","B":[{"a":"USDT","wb":"\#(wallet)","cw":"\#(wallet)","bc":"0"}],"P":[\#(rows)]}}
    """#).event
}

/// ETHUSDT's brackets: the spec's example first bracket (75x, 0.65 % up to 10,000) and a second
/// one (1 % up to 100,000, cum 10,000 × (1 % − 0.65 %) = 35).
private let ethBrackets = SymbolBrackets(symbol: "ETHUSDT", brackets: [
    LeverageBracket(bracket: 1, initialLeverage: 75, notionalFloor: 0, notionalCap: 10_000, maintenanceMarginRatio: dec("0.0065"),
                    cumulative: 0),
    LeverageBracket(bracket: 2, initialLeverage: 50, notionalFloor: 10_000, notionalCap: 100_000, maintenanceMarginRatio: dec("0.01"),
                    cumulative: 35),
])
private let btcBrackets = SymbolBrackets(symbol: "BTCUSDT", brackets: [
    LeverageBracket(bracket: 1, initialLeverage: 125, notionalFloor: 0, notionalCap: 50_000, maintenanceMarginRatio: dec("0.004"),
                    cumulative: 0),
])

private func v1(_ port: Int, retries: Int = 0) -> AccountClient {
    AccountClient(rest: RESTClient(baseURL: "http://127.0.0.1:\(port)",
                                   configuration: RESTConfiguration(maxRetries: retries,
                                                                    backoff: Backoff(initial: .milliseconds(40), maximum: .milliseconds(80)))),
                  credentials: .hmac(apiKey: SimAccount.demoAPIKey, secret: Secret(SimAccount.demoSecret)))
}

private func v3(_ port: Int, retries: Int = 0) -> AccountClient {
    AccountClient(rest: RESTClient(baseURL: "http://127.0.0.1:\(port)",
                                   configuration: RESTConfiguration(maxRetries: retries,
                                                                    backoff: Backoff(initial: .milliseconds(40), maximum: .milliseconds(80)))),
                  credentials: .agent(user: SimAccount.demoUser, signer: SimAccount.demoSigner, privateKey: Secret(SimAccount.demoSignerKey)))
}

/// Places a market order on the simulator's demo account.
private func marketOrder(_ client: AccountClient, _ symbol: String, _ side: String, _ quantity: String, positionSide: String) async throws {
    _ = try await client.signed(.POST, client.isV3 ? "/fapi/v3/order" : "/fapi/v1/order",
                                [("symbol", symbol), ("side", side), ("type", "MARKET"), ("quantity", quantity),
                                 ("positionSide", positionSide)])
}

@Suite("Hedge mode: positions by symbol and side", .serialized, .timeLimit(.minutes(3)))
struct HedgeModeTests {
    @Test("BOTH, LONG and SHORT positions of one symbol stay apart, from the snapshot and from deltas")
    func keyedBySide() throws {
        var s = AccountState(account: snapshot(wallet: 1_000, [
            row("BTCUSDT", .both, "1", "100"), row("BTCUSDT", .long, "2", "100"), row("BTCUSDT", .short, "-1", "110"),
        ]), openOrders: [], at: 1_000)
        #expect(s.hedgeMode && s.openPositions.count == 3)
        // A delta for the LONG side changes only the LONG position.
        s.apply(try accountUpdate(at: 2_000, [("BTCUSDT", "LONG", "3", "101")]))
        s.mark("BTCUSDT", price: 105)
        #expect(s.positions[PositionKey("BTCUSDT", .long)]?.amount == 3)
        #expect(s.positions[PositionKey("BTCUSDT", .short)]?.amount == -1)
        #expect(s.positions[PositionKey("BTCUSDT", .both)]?.amount == 1)
        // PnL: BOTH (105 − 100) × 1 = 5, LONG (105 − 101) × 3 = 12, SHORT (105 − 110) × −1 = 5.
        #expect(s.positions[PositionKey("BTCUSDT", .long)]?.unrealizedPnL == 12)
        #expect(s.positions[PositionKey("BTCUSDT", .short)]?.unrealizedPnL == 5)
        #expect(s.totalUnrealizedPnL == 22)
        // Closing the SHORT leaves the LONG; an older SHORT update is ignored.
        s.apply(try accountUpdate(at: 3_000, [("BTCUSDT", "SHORT", "0", "0")]))
        s.apply(try accountUpdate(at: 2_500, [("BTCUSDT", "SHORT", "-4", "120")]))
        #expect(s.openPositions.map(\.key) == [PositionKey("BTCUSDT", .both), PositionKey("BTCUSDT", .long)])
    }

    @Test("ACCOUNT_CONFIG_UPDATE: `ai.d` switches hedge mode; an absent `ai.j` leaves multi-assets mode as it was")
    func configUpdate() throws {
        var s = AccountState(account: snapshot(wallet: 1_000, []), openOrders: [], at: 1_000)
        s.apply(try EventDecoder().decode(#"{"e":"ACCOUNT_CONFIG_UPDATE","E":2000,"T":2000,"ai":{"j":true}}"#).event)
        #expect(s.multiAssetsMode == true && !s.hedgeMode)
        s.apply(try EventDecoder().decode(#"{"e":"ACCOUNT_CONFIG_UPDATE","E":3000,"T":3000,"ai":{"d":true}}"#).event)
        #expect(s.multiAssetsMode == true && s.hedgeMode)
    }

    @Test("a hedge-mode account on the simulator: LONG and SHORT of one symbol equal the server's positions, from snapshot and deltas")
    func againstSimulator() async throws {
        var configuration = SimConfiguration(seed: 61, rate: 4_000)
        configuration.hedgeMode = true
        try await withSimulator(configuration) { server, port in
            let client = v1(port)
            #expect(try await client.hedgeMode())
            // One side opened before the snapshot, the other after it (a delta).
            try await marketOrder(client, "BTCUSDT", "BUY", "0.050", positionSide: "LONG")
            let live = LiveAccount(account: v1(port), webSocketBase: "ws://127.0.0.1:\(port)")
            let runner = Task { try await live.run() }
            try await waitUntil { await live.synced }
            try await marketOrder(client, "BTCUSDT", "SELL", "0.020", positionSide: "SHORT")
            try await marketOrder(client, "BTCUSDT", "BUY", "0.010", positionSide: "LONG")
            try await waitUntil {
                guard let state = await live.state else { return false }
                let risks = try await client.positionRisk(symbol: "BTCUSDT")
                let open = risks.filter { !$0.positionAmount.isZero }
                return open.count == 2 && open.allSatisfy { r in
                    let p = state.positions[PositionKey(r.symbol, r.positionSide)]
                    return p?.amount == r.positionAmount && p?.entryPrice == r.entryPrice
                }
            }
            let state = try #require(await live.state)
            #expect(state.hedgeMode)
            #expect(state.positions[PositionKey("BTCUSDT", .long)]?.amount == dec("0.06"))
            #expect(state.positions[PositionKey("BTCUSDT", .short)]?.amount == dec("-0.02"))
            // A fresh snapshot says the same.
            let fresh = AccountState(account: try await client.account(), openOrders: [], at: client.timestamp())
            #expect(fresh.openPositions.map(\.amount) == [dec("0.06"), dec("-0.02")])
            runner.cancel()
            _ = await runner.result
            _ = server
        }
    }
}

@Suite("Signed requests: re-signed per attempt, only idempotent ones retried", .serialized, .timeLimit(.minutes(3)))
struct SignedRetryTests {
    @Test("a GET that fails twice with 5xx succeeds on the third attempt, V1 and V3, each attempt signed afresh")
    func resignedRetries() async throws {
        try await withSimulator(SimConfiguration(seed: 62, rate: 1_000)) { server, port in
            for (client, path) in [(v1(port, retries: 4), "/fapi/v4/account"), (v3(port, retries: 4), "/fapi/v3/accountWithJoinMargin")] {
                try await client.synchronizeTime()
                server.faults { $0.pathFailures[path] = [503, 500] }
                let account = try await client.account()
                #expect(account.assets.first?.asset == "USDT")
                let attempts = server.signedAttempts(path: path)
                #expect(attempts.count == 3)
                if client.isV3 {
                    #expect(Set(attempts.compactMap(\.nonce)).count == 3)
                } else {
                    #expect(Set(attempts.compactMap(\.timestamp)).count == 3)
                }
            }
        }
    }

    @Test("a failing POST is attempted once and the error names the server's code; a failing GET is retried")
    func postOnce() async throws {
        try await withSimulator(SimConfiguration(seed: 63, rate: 1_000)) { server, port in
            for client in [v1(port, retries: 4), v3(port, retries: 4)] {
                let path = client.isV3 ? "/fapi/v3/order" : "/fapi/v1/order"
                server.faults { $0.pathFailures[path] = [503] }
                await #expect {
                    try await marketOrder(client, "BTCUSDT", "BUY", "0.010", positionSide: "BOTH")
                } throws: { error in
                    guard case .server(let status, let code, _)? = (error as? RESTError)?.kind else { return false }
                    return status == 503 && code == -1001 && "\(error)".contains(path)
                }
                #expect(server.signedAttempts(path: path).count == 1)
                #expect(server.accountSnapshot.positions.values.allSatisfy { $0.amount.isZero })
            }
            // The listen-key keepalive is idempotent: retried.
            let client = v1(port, retries: 4)
            _ = try await client.createListenKey()
            server.faults { $0.restFailures = [(503, nil)] }
            try await client.keepAliveListenKey()
        }
    }
}

@Suite("Account recovery: a failed snapshot is retried until it lands", .serialized, .timeLimit(.minutes(3)))
struct AccountRecoveryTests {
    @Test("the first three account calls fail: unsynced (the pane says syncing), retried with backoff, then synced and equal to the server")
    func retriedSnapshot() async throws {
        try await withSimulator(SimConfiguration(seed: 64, rate: 6_000)) { server, port in
            server.faults { $0.pathFailures["/fapi/v4/account"] = [500, 500, 500] }
            let live = LiveAccount(account: v1(port), webSocketBase: "ws://127.0.0.1:\(port)",
                                   backoff: Backoff(initial: .milliseconds(300), maximum: .milliseconds(400)))
            let seen = Mutex<[LiveAccount.Status]>([])
            let updates = await live.updates()
            let watcher = Task { for await s in updates { seen.withLock { $0.append(s) } } }
            let runner = Task { try await live.run() }
            // While unsynced, place an order: its events arrive before any snapshot landed.
            try await waitUntil { seen.withLock { $0.contains { !$0.synced && $0.lastError != nil } } }
            try await marketOrder(v1(port), "ETHUSDT", "BUY", "0.5", positionSide: "BOTH")
            try await waitUntil(timeout: .seconds(30)) {
                guard await live.synced, let state = await live.state else { return false }
                let sim = server.accountSnapshot
                return state.balances["USDT"]?.walletBalance == sim.wallet
                    && Set(state.openOrders.keys) == Set(sim.orders.keys)
                    && state.openPositions.allSatisfy { sim.positions[$0.symbol]?.amount == $0.amount }
                    && state.openPositions.count == sim.positions.filter({ !$0.value.amount.isZero }).count
            }
            let statuses = seen.withLock { $0 }
            let failing = try #require(statuses.first { !$0.synced && $0.lastError != nil })
            #expect(failing.lastError?.contains("-1001") == true && failing.state == nil)
            #expect(statuses.contains { !$0.synced && $0.syncAttempts >= 3 })
            #expect(await live.snapshots == 1)
            #expect(server.signedAttempts(path: "/fapi/v4/account").count >= 4)
            runner.cancel()
            _ = await runner.result
            watcher.cancel()
        }
    }
}

@Suite("Leverage brackets: maintenance margin and liquidation price", .serialized, .timeLimit(.minutes(3)))
struct LiquidationTests {
    @Test("one-way cross long: LP = (WB + cum − amount × entry) / (|amount| × MMR − amount), by hand")
    func crossLong() throws {
        var s = AccountState(account: snapshot(wallet: 1_000, [row("ETHUSDT", .both, "10", "2000")]), openOrders: [],
                             brackets: [ethBrackets], at: 1_000)
        s.mark("ETHUSDT", price: 1_950)
        let p = try #require(s.openPositions.first)
        // Notional 19,500 is in bracket 2: 19,500 × 1 % − 35 = 160.
        #expect(p.maintenanceMargin == 160)
        // (1000 + 35 − 20000) / (0.1 − 10) = 1915.656565…
        #expect(p.liquidationPrice == dec("1915.65656566"))
        #expect(s.maintenanceMargin == 160)
    }

    @Test("hedge mode: LONG and SHORT share one price; other cross positions' margin and PnL count, by hand")
    func hedgeCross() throws {
        var s = AccountState(account: snapshot(wallet: 1_000, [
            row("ETHUSDT", .long, "10", "2000"), row("ETHUSDT", .short, "-4", "2100"), row("BTCUSDT", .both, "0.1", "50000"),
        ]), openOrders: [], brackets: [ethBrackets, btcBrackets], at: 1_000)
        s.mark("ETHUSDT", price: 1_950)
        s.mark("BTCUSDT", price: 51_000)
        let eth = s.openPositions.filter { $0.symbol == "ETHUSDT" }
        // BTC: uPnL 100, maintenance 5,100 × 0.4 % = 20.4. ETH long in bracket 2 (19,500), short in bracket 1 (7,800).
        // (1000 − 20.4 + 100 + 35 + 0 − 20000 + 8400) / (0.1 + 0.026 − 10 + 4) = 1785.05277494…
        #expect(eth.count == 2 && eth.allSatisfy { $0.liquidationPrice == dec("1785.05277494") })
        #expect(s.maintenanceMargin == dec("231.1"))
        // At that price the margin balance equals the maintenance margin (to the rounding).
        let lp = dec("1785.05277494")
        let equity = dec("1000") + dec("10") * (lp - 2000) + dec("-4") * (lp - 2100) + 100
        let maintenance = dec("10") * lp * dec("0.01") - 35 + dec("4") * lp * dec("0.0065") + dec("20.4")
        #expect((equity - maintenance).magnitude < dec("0.0001"))
    }

    @Test("an isolated short stands on its own wallet; a well-covered long has no liquidation price")
    func isolatedAndNone() throws {
        var s = AccountState(account: snapshot(wallet: 100_000, [row("ETHUSDT", .both, "1", "2000")]), openOrders: [],
                             brackets: [ethBrackets], at: 1_000)
        #expect(s.openPositions.first?.liquidationPrice == nil)
        s.apply(try EventDecoder().decode(#"""
        {"e":"ACCOUNT_UPDATE","E":2000,"T":2000,"a":{"m":"ORDER","B":[],"P":[{"s":"ETHUSDT","pa":"-5","ep":"2000","cr":"0","up":"0","mt":"isolated","iw":"500","ps":"BOTH"}]}}
        """#).event)
        s.mark("ETHUSDT", price: 2_000)
        // (500 + 35 + 10000) / (0.05 + 5) = 2086.13861386…
        #expect(s.openPositions.first?.liquidationPrice == dec("2086.13861386"))
    }

    @Test("the simulator's brackets drive its maintenance margin, positionRisk liquidation price and margin calls")
    func simulatorConsistent() async throws {
        // Margin calls come only from risk: a low call level makes this position's ratio cross it.
        var configuration = SimConfiguration(seed: 65, rate: 2_000)
        configuration.marginCallRatio = ExactDecimal(mantissa: 1, scale: 4)
        try await withSimulator(configuration) { server, port in
            let client = v1(port)
            try await client.synchronizeTime()
            // The user stream listens before the position opens, so it hears the crossing.
            let user = UserDataStream(account: client, webSocketBase: "ws://127.0.0.1:\(port)")
            let calls = user.marginCalls()
            let states = user.states()
            let running = Task { try await user.run() }
            for await update in states {
                if case .connected = update.state { break }
                if case .subscribed = update.state { break }
            }
            try await marketOrder(client, "BTCUSDT", "BUY", "0.500", positionSide: "BOTH")
            let brackets = try await client.leverageBrackets()
            let btc = try #require(brackets.first { $0.symbol == "BTCUSDT" })
            #expect(btc.brackets.first?.maintenanceMarginRatio == dec("0.004") && btc.brackets.count == 5)
            #expect(try await client.leverageBrackets(symbol: "BTCUSDT") == [btc])
            let risk = try #require(try await client.positionRisk(symbol: "BTCUSDT").first)
            var state = AccountState(account: try await client.account(), openOrders: [], brackets: brackets, at: client.timestamp())
            state.mark("BTCUSDT", price: risk.markPrice)
            let p = try #require(state.openPositions.first)
            // The same formula on both sides, and by hand on the server's own numbers.
            #expect(p.liquidationPrice?.rounded(scale: 2) == risk.liquidationPrice.rounded(scale: 2))
            let wallet = try #require(state.balances["USDT"]?.crossWalletBalance)
            let b = try #require(btc.bracket(forNotional: p.notional))
            let byHand = (wallet + b.cumulative - p.amount * p.entryPrice)
                .divided(by: p.amount.magnitude * b.maintenanceMarginRatio - p.amount, scale: 8)
            #expect(p.liquidationPrice == byHand)
            let info = try await client.account()
            #expect(info.totalMaintenanceMargin > .zero)
            // The margin call's maintenance margin is the bracket's, at its own mark price.
            var iterator = calls.makeAsyncIterator()
            let call = try #require(await iterator.next())
            let leg = try #require(call.positions.first)
            #expect(leg.symbol == "BTCUSDT" && leg.positionSide == .both)
            #expect(leg.maintenanceMargin == btc.maintenanceMargin(notional: leg.positionAmount.magnitude * leg.markPrice)?.rounded(scale: 8))
            running.cancel()
            _ = await running.result
            _ = server
        }
    }
}

/// The fields of one REST answer object, as the client reads them.
private func fields(_ object: [String: Any], _ path: String) -> JSONFields { JSONFields(object: object, path: path) }

@Suite("Typed account REST against the simulator and the spec's examples", .serialized, .timeLimit(.minutes(3)))
struct AccountRESTTests {
    @Test("every account endpoint, V1 and V3 paths, decodes the simulator's answers with exact values")
    func everyEndpoint() async throws {
        try await withSimulator(SimConfiguration(seed: 66, rate: 2_000)) { server, port in
            for client in [v1(port), v3(port)] {
                try await client.synchronizeTime()
                try await marketOrder(client, "BTCUSDT", "BUY", "0.010", positionSide: "BOTH")
                let path = client.isV3 ? "/fapi/v3/order" : "/fapi/v1/order"
                let body = try await client.signed(.POST, path, [("symbol", "ETHUSDT"), ("side", "BUY"), ("type", "LIMIT"),
                                                                  ("timeInForce", "GTC"), ("quantity", "0.10"), ("price", "100")])
                let placed = try #require(try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any])
                let orderId = try #require((placed["orderId"] as? NSNumber)?.int64Value)
                let sim = server.accountSnapshot
                let balances = try await client.balances()
                #expect(balances.first { $0.asset == "USDT" }?.balance == sim.wallet.rounded(scale: 8))
                #expect(try await client.account().assets.first?.walletBalance == sim.wallet.rounded(scale: 8))
                let risks = try await client.positionRisk()
                #expect(risks.first { $0.symbol == "BTCUSDT" }?.positionAmount == sim.position("BTCUSDT").amount)
                let open = try await client.openOrders(symbol: "ETHUSDT")
                #expect(open.contains { $0.orderId == orderId && $0.price == 100 && $0.originalQuantity == dec("0.1") })
                let one = try await client.openOrder(symbol: "ETHUSDT", orderId: orderId)
                #expect(one.orderId == orderId && one.type == .limit && one.timeInForce == .gtc && one.status == .new)
                #expect(try await client.allOrders(symbol: "ETHUSDT").contains { $0.orderId == orderId })
                let trades = try await client.userTrades(symbol: "BTCUSDT")
                #expect(trades.contains { $0.side == .buy && $0.quantity == dec("0.01") && $0.commissionAsset == "USDT" })
                let income = try await client.income()
                #expect(income.contains { $0.incomeType == "TRANSFER" && $0.symbol == nil && $0.tradeId == nil })
                #expect(income.contains { $0.incomeType == "COMMISSION" && $0.tradeId != nil })
                let rate = try await client.commissionRate(symbol: "BTCUSDT")
                #expect(rate.maker == dec("0.0002") && rate.taker == dec("0.0004"))
                #expect(try await client.hedgeMode() == false)
                #expect(try await client.multiAssetsMargin() == false)
                #expect(try await client.leverageBrackets().count == server.configuration.symbols.count)
            }
        }
    }

    static let positionRiskExample = #"""
    [{"entryPrice":"6563.66500","marginType":"isolated","isAutoAddMargin":"false","isolatedMargin":"15517.54150468","leverage":"10",
      "liquidationPrice":"5930.78","markPrice":"6679.50671178","maxNotionalValue":"20000000","positionAmt":"20.000","symbol":"BTCUSDT",
      "unRealizedProfit":"2316.83423560","positionSide":"LONG","updateTime":1625474304765},
     {"entryPrice":"0.00000","marginType":"isolated","isAutoAddMargin":"false","isolatedMargin":"5413.95799991","leverage":"10",
      "liquidationPrice":"7189.95","markPrice":"6679.50671178","maxNotionalValue":"20000000","positionAmt":"-10.000","symbol":"BTCUSDT",
      "unRealizedProfit":"-1156.46711780","positionSide":"SHORT","updateTime":0}]
    """#

    private func objects(_ text: String) throws -> [[String: Any]] {
        let value = try JSONSerialization.jsonObject(with: Data(text.utf8))
        if let list = value as? [[String: Any]] { return list }
        return [try #require(value as? [String: Any])]
    }

    @Test("the spec's example responses decode exactly (comments and the spec's missing commas fixed)")
    func specExamples() throws {
        let risks = try objects(Self.positionRiskExample).map { try PositionRisk(fields($0, "/fapi/v2/positionRisk")) }
        #expect(risks[0].positionSide == .long && risks[0].liquidationPrice == dec("5930.78") && risks[0].leverage == 10)
        #expect(risks[1].positionAmount == dec("-10") && risks[1].marginType == .isolated && risks[1].isAutoAddMargin == false)
        #expect(risks[1].unrealizedProfit == dec("-1156.4671178") && risks[0].markPrice == dec("6679.50671178"))

        let balance = try FuturesBalance(fields(objects(#"""
        {"accountAlias":"SgsR","asset":"USDT","balance":"122607.35137903","crossWalletBalance":"23.72469206","crossUnPnl":"0.00000000",
         "availableBalance":"23.72469206","maxWithdrawAmount":"23.72469206","marginAvailable":true,"updateTime":1617939110373}
        """#)[0], "/fapi/v2/balance"))
        #expect(balance.balance == dec("122607.35137903") && balance.marginAvailable && balance.updateTime == 1617939110373)

        let order = try OpenOrder(fields(objects(#"""
        {"avgPrice":"0.00000","clientOrderId":"abc","cumQuote":"0","executedQty":"0","orderId":1917641,"origQty":"0.40",
         "origType":"TRAILING_STOP_MARKET","price":"0","reduceOnly":false,"side":"BUY","positionSide":"SHORT","status":"NEW",
         "stopPrice":"9300","closePosition":false,"symbol":"BTCUSDT","time":1579276756075,"timeInForce":"GTC",
         "type":"TRAILING_STOP_MARKET","activatePrice":"9020","priceRate":"0.3","updateTime":1579276756075,
         "workingType":"CONTRACT_PRICE","priceProtect":false}
        """#)[0], "/fapi/v1/openOrder"))
        #expect(order.type == .trailingStopMarket && order.positionSide == .short && order.activatePrice == dec("9020"))
        #expect(order.priceRate == dec("0.3") && order.originalQuantity == dec("0.4") && order.stopPrice == 9300)

        let trade = try UserTrade(fields(objects(#"""
        {"buyer":false,"commission":"-0.07819010","commissionAsset":"USDT","id":698759,"maker":false,"orderId":25851813,
         "price":"7819.01","qty":"0.002","quoteQty":"15.63802","realizedPnl":"-0.91539999","side":"SELL","positionSide":"SHORT",
         "symbol":"BTCUSDT","time":1569514978020}
        """#)[0], "/fapi/v1/userTrades"))
        #expect(trade.commission == dec("-0.0781901") && trade.realizedPnL == dec("-0.91539999") && trade.quoteQuantity == dec("15.63802"))

        let income = try objects(#"""
        [{"symbol":"","incomeType":"TRANSFER","income":"-0.37500000","asset":"USDT","info":"TRANSFER","time":1570608000000,
          "tranId":"9689322392","tradeId":""},
         {"symbol":"BTCUSDT","incomeType":"COMMISSION","income":"-0.01000000","asset":"USDT","info":"COMMISSION",
          "time":1570636800000,"tranId":"9689322392","tradeId":"2059192"}]
        """#).map { try IncomeRecord(fields($0, "/fapi/v1/income")) }
        #expect(income[0].symbol == nil && income[0].tradeId == nil && income[0].transactionId == 9689322392)
        #expect(income[1].symbol == "BTCUSDT" && income[1].tradeId == 2059192 && income[1].income == dec("-0.01"))

        // Numbers, not strings, in the brackets example; both the array and the one-symbol form.
        let brackets = try objects(#"""
        {"symbol":"ETHUSDT","brackets":[{"bracket":1,"initialLeverage":75,"notionalCap":10000,"notionalFloor":0,"maintMarginRatio":0.0065,"cum":0}]}
        """#).map { try SymbolBrackets(fields($0, "/fapi/v1/leverageBracket")) }
        #expect(brackets[0].brackets[0].maintenanceMarginRatio == dec("0.0065") && brackets[0].brackets[0].notionalCap == 10_000)

        let rate = try CommissionRate(fields(objects(#"{"symbol":"BTCUSDT","makerCommissionRate":"0.0002","takerCommissionRate":"0.0004"}"#)[0],
                                             "/fapi/v1/commissionRate"))
        #expect(rate.maker == dec("0.0002") && rate.taker == dec("0.0004"))

        let account = try AccountInformation(fields(objects(#"""
        {"feeTier":0,"canTrade":true,"canDeposit":true,"canWithdraw":true,"updateTime":0,"totalInitialMargin":"0.00000000",
         "totalMaintMargin":"0.00000000","totalWalletBalance":"23.72469206","totalUnrealizedProfit":"0.00000000",
         "totalMarginBalance":"23.72469206","totalPositionInitialMargin":"0.00000000","totalOpenOrderInitialMargin":"0.00000000",
         "totalCrossWalletBalance":"23.72469206","totalCrossUnPnl":"0.00000000","availableBalance":"23.72469206",
         "maxWithdrawAmount":"23.72469206",
         "assets":[{"asset":"USDT","walletBalance":"23.72469206","unrealizedProfit":"0.00000000","marginBalance":"23.72469206",
           "maintMargin":"0.00000000","initialMargin":"0.00000000","positionInitialMargin":"0.00000000",
           "openOrderInitialMargin":"0.00000000","crossWalletBalance":"23.72469206","crossUnPnl":"0.00000000",
           "availableBalance":"23.72469206","maxWithdrawAmount":"23.72469206","marginAvailable":true,"updateTime":1625474304765}],
         "positions":[{"symbol":"BTCUSDT","initialMargin":"0","maintMargin":"0","unrealizedProfit":"0.00000000",
           "positionInitialMargin":"0","openOrderInitialMargin":"0","leverage":"100","isolated":true,"entryPrice":"0.00000",
           "maxNotional":"250000","positionSide":"BOTH","positionAmt":"0","updateTime":0}]}
        """#)[0], "/fapi/v4/account"))
        #expect(account.totalWalletBalance == dec("23.72469206") && account.positions[0].leverage == 100)
        #expect(account.positions[0].isolated && account.positions[0].maxNotional == 250_000 && account.assets[0].marginAvailable)
    }

    @Test("a missing or malformed field is an error naming the endpoint and the field, never a silent zero")
    func strictFields() throws {
        var rows = try objects(Self.positionRiskExample)
        rows[0]["positionAmt"] = nil
        #expect { try PositionRisk(fields(rows[0], "/fapi/v2/positionRisk")) } throws: { error in
            "\(error)".contains("/fapi/v2/positionRisk") && "\(error)".contains("missing field \"positionAmt\"")
        }
        rows[1]["markPrice"] = "6679.5x"
        #expect { try PositionRisk(fields(rows[1], "/fapi/v2/positionRisk")) } throws: { error in
            "\(error)".contains("/fapi/v2/positionRisk") && "\(error)".contains("malformed field \"markPrice\"")
        }
        rows[1]["markPrice"] = true
        #expect(throws: RESTError.self) { try PositionRisk(fields(rows[1], "/fapi/v2/positionRisk")) }
        // Optional fields may be absent: a plain limit order has no activatePrice or priceRate.
        var order = try objects(#"""
        {"avgPrice":"0","clientOrderId":"x","cumQuote":"0","executedQty":"0","orderId":1,"origQty":"1","origType":"LIMIT","price":"5",
         "reduceOnly":false,"side":"BUY","positionSide":"BOTH","status":"NEW","stopPrice":"0","closePosition":false,"symbol":"BTCUSDT",
         "time":1,"timeInForce":"GTC","type":"LIMIT","updateTime":1,"workingType":"CONTRACT_PRICE","priceProtect":false}
        """#)[0]
        #expect(try OpenOrder(fields(order, "/fapi/v1/openOrder")).activatePrice == nil)
        order["timeInForce"] = nil
        #expect { try OpenOrder(fields(order, "/fapi/v1/openOrder")) } throws: { "\($0)".contains("\"timeInForce\"") }
    }
}
