import AsterTestSupport
import AsterDashboard
import Foundation
import Testing

@testable import AsterKit
@testable import AsterTUI

/// Every consumer of decoded frames, fed together as the dashboard and the CLI would be.
struct HostileInputPipeline {
    let model: DashboardModel
    let live: LiveAccount
    let books: OrderBookManager
    var account: AccountState
    var synchronizer = OrderBookSynchronizer(symbol: "BTCUSDT")
    var engine: AlertEngine
    var renderers = [
        (DashboardRenderer(layout: .full), 120, 40), (DashboardRenderer(layout: .compact, glyphs: .ascii), 60, 16),
        (DashboardRenderer(layout: .single(.account)), 100, 14), (DashboardRenderer(layout: .single(.liquidations)), 70, 12),
    ]
    var jsonBytes = 0

    static let rules: [AlertRule] = [
        AlertRule(kind: .priceAbove, symbol: "BTCUSDT", value: 100), AlertRule(kind: .priceBelow, symbol: "BTCUSDT", value: 100),
        AlertRule(kind: .move, symbol: "BTCUSDT", value: 1, minutes: 5), AlertRule(kind: .fundingAbove, symbol: "BTCUSDT", value: 1),
        AlertRule(kind: .liquidationAbove, value: 1), AlertRule(kind: .marginRatioAbove, value: 1),
        AlertRule(kind: .pnlAbove, symbol: "BTCUSDT", value: 1), AlertRule(kind: .pnlBelow, symbol: "ETHUSDT", value: -1),
    ]

    init() {
        model = DashboardModel(mode: .live, symbol: "BTCUSDT", account: true, alerts: Self.rules)
        let client = AccountClient(rest: RESTClient(baseURL: "http://127.0.0.1:9", configuration: RESTConfiguration(maxRetries: 0)),
                                   credentials: .hmac(apiKey: "key", secret: Secret("secret")))
        live = LiveAccount(account: client, webSocketBase: "ws://127.0.0.1:9")
        books = OrderBookManager(symbols: ["BTCUSDT", "ETHUSDT"], rest: RESTClient(baseURL: "http://127.0.0.1:9"))
        let info = AccountInformation(
            updateTime: 1, totalWalletBalance: 1000, totalUnrealizedProfit: .zero, totalMarginBalance: 1000, availableBalance: 1000,
            assets: [AssetBalance(asset: "USDT", walletBalance: 1000)],
            positions: [PositionInfo(symbol: "BTCUSDT", positionAmount: 2, entryPrice: 9000, unrealizedProfit: .zero, leverage: 20),
                        PositionInfo(symbol: "ETHUSDT", positionAmount: -3, entryPrice: 2000, unrealizedProfit: .zero, leverage: 10)])
        let brackets = SymbolBrackets(symbol: "BTCUSDT", brackets: [
            LeverageBracket(bracket: 1, initialLeverage: 75, notionalFloor: 0, notionalCap: 10_000, maintenanceMarginRatio: 0, cumulative: 0),
            LeverageBracket(bracket: 2, initialLeverage: 50, notionalFloor: 10_000, notionalCap: 9_000_000_000_000_000,
                            maintenanceMarginRatio: 1, cumulative: 35),
        ])
        account = AccountState(account: info, openOrders: [], brackets: [brackets], at: 1)
        engine = AlertEngine(rules: Self.rules)
    }

    /// One decoded message through every consumer.
    mutating func feed(_ message: StreamMessage, now: Int64) async {
        let event = message.event
        await model.apply(.message(message), receivedAt: now)
        for line in event.jsonLines(stream: message.stream) { jsonBytes &+= line.utf8.count }
        _ = event.summaryLines
        for e in event.elements {
            account.apply(e)
            switch e {
            case .markPrice(let m):
                account.mark(m.symbol, price: m.markPrice)
                await live.mark(m.symbol, price: m.markPrice)
                _ = engine.observeFunding(m.symbol, rate: m.fundingRate, at: now)
            case .liquidation(let l):
                if let notional = l.notional { _ = engine.observeLiquidation(l.symbol, side: l.side, notional: notional, at: now) }
            case .ticker(let t): _ = engine.observePrice(t.symbol, t.lastPrice, at: now)
            case .aggregateTrade(let t): _ = engine.observePrice(t.symbol, t.price, at: now)
            case .depth(let d):
                if synchronizer.receive(d) == .fetchSnapshot {
                    _ = synchronizer.load(DepthSnapshot(lastUpdateId: d.firstUpdateId - 1, bids: d.bids, asks: d.asks))
                }
                let book = synchronizer.book
                _ = (book.mid, book.spread, book.imbalance(), book.cumulativeDepth(bids: true, levels: 50),
                     book.cumulativeDepth(bids: false, levels: 50), book.snapshot(levels: 20))
                var partial = LocalOrderBook(partial: d)
                partial.apply(d)
                _ = (partial.mid, partial.imbalance(levels: 5))
            default: break
            }
        }
        await live.handle(.message(message))
        await books.ingest(.message(message))
    }

    /// The account's derived numbers, its CLI output, and every layout drawn.
    mutating func draw(now: Int64, frame: Int) async {
        _ = (account.openPositions, account.marginRatio, account.marginBalance(), account.totalUnrealizedPnL, account.maintenanceMargin)
        jsonBytes &+= account.json.utf8.count
        _ = account.summaryLines
        var pnl: [String: ExactDecimal] = [:]
        for p in account.openPositions { pnl[p.symbol] = p.unrealizedPnL }
        _ = engine.observeAccount(marginRatio: account.marginRatio, pnl: pnl, at: now)
        await model.updateAccount(LiveAccount.Status(state: account, connection: .connected, marginCallAt: now, synced: true))
        // Move the book cursor now and then, so the cursor readout (cumulative notional) is drawn too.
        if frame % 3 == 0 {
            _ = await model.perform(.cyclePane(forward: true))
            _ = await model.perform(.moveFocus(frame % 2 == 0 ? 1 : -1))
        }
        let snapshot = await model.snapshot(now: now)
        for (renderer, width, height) in renderers { _ = renderer.render(snapshot, width: width, height: height) }
        _ = await model.takeFiredAlerts()
        _ = await books.book("BTCUSDT")
    }
}

@Suite("Hostile input fuzz", .serialized, .timeLimit(.minutes(5)))
struct HostileInputFuzzTests {
    static let frameCount = 100_000

    @Test("100,000 seeded mutations of every spec payload: decoder, dashboard, renderer, JSON output, account, books, alerts; no crash")
    func fuzz() async throws {
        let fixtures = try allFixtureNames.map { (name: $0, text: try fixture($0)) }
        #expect(fixtures.count >= 20)
        var frames = HostileFrames(fixtures: fixtures, seed: 0xA57E_2026_0017)
        var pipeline = HostileInputPipeline()
        let decoder = EventDecoder()
        var decoded = 0
        var outOfRange = 0
        var decodedByKind: [String: Int] = [:]
        let started = ContinuousClock.now
        let base: Int64 = 1_700_000_000_000
        for i in 0..<Self.frameCount {
            let (template, bytes) = frames.next()
            let result = bytes.withUnsafeBufferPointer { buffer -> Result<StreamMessage, DecodingFailure> in
                do throws(DecodingFailure) { return .success(try decoder.decode(bytes: buffer)) } catch { return .failure(error) }
            }
            let now = base + Int64(i)
            switch result {
            case .success(let message):
                decoded += 1
                decodedByKind[template, default: 0] += 1
                await pipeline.feed(message, now: now)
            case .failure(let failure):
                if case .outOfRange(let field) = failure.reason {
                    outOfRange += 1
                    #expect(!field.isEmpty && failure.description.contains("\"\(field)\""))
                }
                await pipeline.model.apply(.decodeFailure(failure), receivedAt: now)
            }
            if i % 100 == 0 { await pipeline.draw(now: now, frame: i / 100) }
        }
        let elapsed = ContinuousClock.now - started
        print("hostile fuzz: \(Self.frameCount) frames, \(decoded) decoded, \(outOfRange) out of range, in \(elapsed)")
        // The mutations must reach the consumers (not all be refused at decode) and be refused too.
        #expect(decoded > Self.frameCount / 10 && outOfRange > Self.frameCount / 50, "\(decoded) decoded, \(outOfRange) out of range")
        // Every payload kind decoded with hostile values in it.
        for name in allFixtureNames where !name.hasPrefix("v3") {
            #expect((decodedByKind[name] ?? 0) > 100, "\(name) never decoded mutated")
        }
        #expect(pipeline.jsonBytes > 0)
    }
}
