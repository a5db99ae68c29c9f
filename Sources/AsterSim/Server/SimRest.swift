import AsterKit
import HTTPTypes
import Hummingbird
import Synchronization

/// The simulator's public REST endpoints, at `/fapi/v1/…` and `/fapi/v3/…` alike, answering in the
/// spec's shapes with the spec's parameter checks.
struct SimRest {
    let server: SimServer
    let now: @Sendable () -> Int64

    /// Runs `body` with the engine locked.
    func withEngine<T>(_ body: (inout SimEngine) -> T) -> T { server.engine.withLock { body(&$0) } }

    func register(on router: Router<BasicRequestContext>) {
        router.middlewares.add(SimRateLimitMiddleware(limiter: server.rateLimiter, now: now))
        for version in ["fapi/v1", "fapi/v3"] {
            let api = router.group(RouterPath(stringLiteral: version))
            get(api, "ping") { _ in "{}" }
            get(api, "time") { _ in #"{"serverTime":\#(now())}"# }
            get(api, "exchangeInfo") { _ in
                SimMarketPayload.exchangeInfo(symbols: withEngine { $0.markets.map(\.symbol) }, time: now(),
                                              weightLimit: server.configuration.requestWeightLimit,
                                              orderLimits: server.configuration.orderRateLimits)
            }
            get(api, "depth") { q in try depth(q) }
            get(api, "trades") { q in try trades(q, historical: false) }
            get(api, "historicalTrades") { q in try trades(q, historical: true) }
            get(api, "aggTrades") { q in try aggTrades(q) }
            get(api, "klines") { q in try klines(q) }
            get(api, "indexPriceKlines") { q in try priceKlines(q, index: true) }
            get(api, "markPriceKlines") { q in try priceKlines(q, index: false) }
            get(api, "premiumIndex") { q in try premiumIndex(q) }
            get(api, "fundingRate") { q in try fundingRate(q) }
            get(api, "fundingInfo") { q in try fundingInfo(q) }
            get(api, "ticker/24hr") { q in try ticker(q) }
            get(api, "ticker/price") { q in try priceTicker(q) }
            get(api, "ticker/bookTicker") { q in try bookTicker(q) }
        }
        get(router.group("fapi/v3"), "indexreferences") { q in try indexReferences(q) }
        // The spot API (`/api/v3/…`) lists no symbols here: the simulator has only perpetuals, but
        // clients that load spot and futures markets together (ccxt's `aster`) get a valid answer.
        get(router.group("api/v3"), "exchangeInfo") { _ in
            #"{"timezone":"UTC","serverTime":\#(now()),"rateLimits":[],"exchangeFilters":[],"assets":[],"symbols":[]}"#
        }
    }

    private func get(_ group: RouterGroup<BasicRequestContext>, _ path: String,
                     _ body: @escaping @Sendable (SimQuery) throws -> String) {
        group.get(RouterPath(stringLiteral: path)) { request, _ in
            try await server.restFault() ?? json(try body(SimQuery(parsing: request.uri.query ?? "")))
        }
    }

    /// The `symbol` parameter, which must be there and be one of the simulator's symbols.
    private func requiredSymbol(_ q: SimQuery, name: String = "symbol") throws -> String {
        guard let symbol = try symbol(q, required: true, name: name) else { throw SimQuery.missing(name) }
        return symbol
    }
    /// `symbol`, upper-cased and checked against the listing (`-1102`, `-1121`).
    private func symbol(_ q: SimQuery, required: Bool, name: String = "symbol") throws -> String? {
        guard let symbol = q[name] else {
            if required { throw SimQuery.missing(name) }
            return nil
        }
        guard withEngine({ $0.market(symbol) }) != nil else { throw SimHTTPError(-1121, "Invalid symbol.") }
        return symbol.uppercased()
    }

    private func depth(_ q: SimQuery) throws -> String {
        let symbol = try requiredSymbol(q)
        let limit = try q.long("limit") ?? 500
        guard [5, 10, 20, 50, 100, 500, 1000].contains(limit) else { throw SimQuery.invalid("limit") }
        let answer = withEngine { engine in engine.market(symbol).map { ($0.snapshot(limit: Int(limit)), engine.now) } }
        guard let (snap, time) = answer else { throw SimHTTPError(-1121, "Invalid symbol.") }
        var w = JSONWriter()
        w.beginObject()
        w.field("lastUpdateId", snap.lastUpdateId)
        w.field("E", now())
        w.field("T", time)
        w.field("bids", levels: snap.bids)
        w.field("asks", levels: snap.asks)
        w.endObject()
        return w.text
    }

    private func trades(_ q: SimQuery, historical: Bool) throws -> String {
        let symbol = try requiredSymbol(q)
        let limit = try q.limit(default: 500, max: 1000)
        let fromId = historical ? try q.long("fromId") : nil
        let all = withEngine { $0.recentTrades(symbol: symbol) }
        let rows = fromId.map { id in Array(all.filter { $0.firstTradeId >= id }.prefix(limit)) } ?? Array(all.suffix(limit))
        return SimMarketPayload.array(rows.map(SimMarketPayload.trade))
    }

    private func aggTrades(_ q: SimQuery) throws -> String {
        let symbol = try requiredSymbol(q)
        let limit = try q.limit(default: 500, max: 1000)
        let range = try q.timeRange()
        if let s = range.start, let e = range.end, e - s > 3_600_000 {
            throw SimHTTPError(-1127, "More than 1 hours between startTime and endTime.")
        }
        let all = withEngine { $0.recentTrades(symbol: symbol) }
        let rows: [AggregateTrade]
        if let fromId = try q.long("fromId") {
            rows = Array(all.filter { $0.aggregateTradeId >= fromId }.prefix(limit))
        } else {
            rows = all.window(time: \.tradeTime, start: range.start, end: range.end, limit: limit)
        }
        return SimMarketPayload.array(rows.map(SimMarketPayload.aggTrade))
    }

    private func klines(_ q: SimQuery) throws -> String {
        let symbol = try requiredSymbol(q)
        let interval = try q.interval()
        let limit = try q.limit(default: 500, max: 1500)
        let range = try q.timeRange()
        let rows = withEngine { $0.klines(symbol: symbol, interval: interval) }
            .window(time: \.openTime, start: range.start, end: range.end, limit: limit)
        return SimMarketPayload.array(rows.map(SimMarketPayload.kline))
    }

    private func priceKlines(_ q: SimQuery, index: Bool) throws -> String {
        let symbol = try requiredSymbol(q, name: index ? "pair" : "symbol")
        let interval = try q.interval()
        let limit = try q.limit(default: 500, max: 1500)
        let range = try q.timeRange()
        let length = interval.milliseconds ?? 60_000
        let rows = withEngine { $0.priceKlines(symbol: symbol, interval: interval, index: index) }
            .window(time: \.openTime, start: range.start, end: range.end, limit: limit)
        return SimMarketPayload.array(rows.map { SimMarketPayload.priceKline($0, length: length) })
    }

    private func premiumIndex(_ q: SimQuery) throws -> String {
        let symbol = try symbol(q, required: false)
        let (marks, configs) = withEngine { ($0.markPrices(), $0.fundingConfigs()) }
        let objects = zip(marks, configs).filter { symbol == nil || $0.0.symbol == symbol }.map { m, c in
            SimMarketPayload.premiumIndex(m, interest: c.interest)
        }
        return oneOrAll(objects, symbol: symbol)
    }

    private func fundingRate(_ q: SimQuery) throws -> String {
        let symbol = try symbol(q, required: false)
        let limit = try q.limit(default: 100, max: 1000)
        let range = try q.timeRange()
        let rows = withEngine { $0.fundingHistory() }.filter { symbol == nil || $0.symbol == symbol }
            .window(time: \.time, start: range.start, end: range.end, limit: limit)
        return SimMarketPayload.array(rows.map(SimMarketPayload.fundingRate))
    }

    private func fundingInfo(_ q: SimQuery) throws -> String {
        let symbol = try symbol(q, required: false)
        let time = now()
        let rows = withEngine { $0.fundingConfigs() }.filter { symbol == nil || $0.symbol == symbol }.map { c in
            SimMarketPayload.fundingInfo(symbol: c.symbol, interest: c.interest, hours: c.hours, cap: c.cap, time: time)
        }
        return SimMarketPayload.array(rows)
    }

    private func ticker(_ q: SimQuery) throws -> String {
        let symbol = try symbol(q, required: false)
        let objects = withEngine { $0.tickers() }.filter { symbol == nil || $0.symbol == symbol }.map(SimMarketPayload.ticker)
        return oneOrAll(objects, symbol: symbol)
    }

    private func priceTicker(_ q: SimQuery) throws -> String {
        let symbol = try symbol(q, required: false)
        let objects = withEngine { e in e.markets.map { ($0.symbol.name, $0.lastPrice, e.now) } }
            .filter { symbol == nil || $0.0 == symbol }
            .map { SimMarketPayload.priceTicker(symbol: $0.0, price: $0.1, time: $0.2) }
        return oneOrAll(objects, symbol: symbol)
    }

    private func bookTicker(_ q: SimQuery) throws -> String {
        let symbol = try symbol(q, required: false)
        let objects = withEngine { e in e.markets.map { ($0.symbol.name, $0.bids.best, $0.asks.best, e.now) } }
            .filter { symbol == nil || $0.0 == symbol }
            .map { SimMarketPayload.bookTicker(symbol: $0.0, bid: $0.1, ask: $0.2, time: $0.3) }
        return oneOrAll(objects, symbol: symbol)
    }

    /// The object for one symbol, or the array of every symbol's (the spec's REST convention).
    private func oneOrAll(_ objects: [String], symbol: String?) -> String {
        symbol == nil ? SimMarketPayload.array(objects) : objects[0]
    }
}

/// A JSON response.
func json(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
    Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: text)))
}

/// The used-weight header Aster sends (`X-MBX-USED-WEIGHT-1M`).
let usedWeightHeader = HTTPField.Name("X-MBX-USED-WEIGHT-1M")!

/// An error answered as the spec's `{"code": …, "msg": …}` with HTTP 400.
struct SimHTTPError: HTTPResponseError {
    let code: Int
    let message: String
    let status: HTTPResponse.Status

    init(_ code: Int, _ message: String, status: HTTPResponse.Status = .badRequest) {
        self.code = code
        self.message = message
        self.status = status
    }

    /// The spec's error object.
    var body: String {
        var w = JSONWriter()
        w.beginObject()
        w.field("code", Int64(code))
        w.field("msg", message)
        w.endObject()
        return w.text
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        json(body, status: status)
    }
}
