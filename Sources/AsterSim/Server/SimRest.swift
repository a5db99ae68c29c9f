import AsterKit
import HTTPTypes
import Hummingbird
import Synchronization

/// The simulator's public REST endpoints, answering in the spec's shapes.
struct SimRest {
    let server: SimServer

    /// Runs `body` with the engine locked.
    func withEngine<T>(_ body: (inout SimEngine) -> T) -> T { server.engine.withLock { body(&$0) } }
    let now: @Sendable () -> Int64

    func register(on router: Router<BasicRequestContext>) {
        router.middlewares.add(UsedWeightMiddleware())
        let api = router.group("fapi/v1")
        api.get("ping") { _, _ in try await server.restFault() ?? json("{}") }
        api.get("time") { _, _ in try await server.restFault() ?? json(#"{"serverTime":\#(now())}"#) }
        api.get("exchangeInfo") { _, _ in try await server.restFault() ?? json(exchangeInfo()) }
        api.get("depth") { request, _ in try await server.restFault() ?? depth(request) }
        api.get("ticker/24hr") { request, _ in try await server.restFault() ?? ticker(request) }
        api.get("klines") { request, _ in try await server.restFault() ?? klines(request) }
        api.get("premiumIndex") { request, _ in try await server.restFault() ?? premiumIndex(request) }
    }

    private func symbolParameter(_ request: Request, required: Bool) throws -> String? {
        guard let symbol = request.uri.queryParameters.get("symbol") else {
            if required { throw SimHTTPError(-1102, "Mandatory parameter 'symbol' was not sent, was empty/null, or malformed.") }
            return nil
        }
        guard withEngine({ $0.market(symbol) }) != nil else { throw SimHTTPError(-1121, "Invalid symbol.") }
        return symbol.uppercased()
    }

    private func depth(_ request: Request) throws -> Response {
        let symbol = try symbolParameter(request, required: true)!
        let limitText = request.uri.queryParameters.get("limit") ?? "500"
        guard let limit = Int(limitText), [5, 10, 20, 50, 100, 500, 1000].contains(limit) else {
            throw SimHTTPError(-1130, "Data sent for parameter 'limit' is not valid.")
        }
        let (snap, time) = withEngine { ($0.market(symbol)!.snapshot(limit: limit), $0.now) }
        var w = JSONWriter()
        w.beginObject()
        w.field("lastUpdateId", snap.lastUpdateId)
        w.field("E", now())
        w.field("T", time)
        w.field("bids", levels: snap.bids)
        w.field("asks", levels: snap.asks)
        w.endObject()
        return json(w.text)
    }

    private func klines(_ request: Request) throws -> Response {
        let symbol = try symbolParameter(request, required: true)!
        guard let interval = request.uri.queryParameters.get("interval").flatMap({ KlineInterval(validating: String($0)) }) else {
            throw SimHTTPError(-1120, "Invalid interval.")
        }
        let limit = min(max(Int(request.uri.queryParameters.get("limit") ?? "500") ?? 500, 1), 1500)
        let rows = withEngine { $0.klineHistory(symbol: symbol, interval: interval, limit: limit) }.map { k -> String in
            var w = JSONWriter()
            w.beginArray()
            w.int(k.openTime)
            w.decimal(k.open)
            w.decimal(k.high)
            w.decimal(k.low)
            w.decimal(k.close)
            w.decimal(k.volume)
            w.int(k.closeTime)
            w.decimal(k.quoteVolume)
            w.int(k.trades)
            w.decimal(k.takerBuyVolume ?? .zero)
            w.decimal(k.takerBuyQuoteVolume ?? .zero)
            w.string("0")
            w.endArray()
            return w.text
        }
        return json("[" + rows.joined(separator: ",") + "]")
    }

    private func ticker(_ request: Request) throws -> Response {
        let symbol = try symbolParameter(request, required: false)
        let objects = withEngine { $0.tickers() }.filter { symbol == nil || $0.symbol == symbol }.map { t -> String in
            var w = JSONWriter()
            w.beginObject()
            w.field("symbol", t.symbol)
            w.field("priceChange", t.priceChange)
            w.field("priceChangePercent", t.priceChangePercent)
            w.field("weightedAvgPrice", t.weightedAveragePrice)
            w.field("lastPrice", t.lastPrice)
            w.field("lastQty", t.lastQuantity)
            w.field("openPrice", t.openPrice)
            w.field("highPrice", t.highPrice)
            w.field("lowPrice", t.lowPrice)
            w.field("volume", t.volume)
            w.field("quoteVolume", t.quoteVolume)
            w.field("openTime", t.openTime)
            w.field("closeTime", t.closeTime)
            w.field("firstId", t.firstTradeId)
            w.field("lastId", t.lastTradeId)
            w.field("count", t.tradeCount)
            w.endObject()
            return w.text
        }
        return oneOrAll(objects, symbol: symbol)
    }

    /// The object for one symbol, or the array of every symbol's (the spec's REST convention).
    private func oneOrAll(_ objects: [String], symbol: String?) -> Response {
        json(symbol == nil ? "[" + objects.joined(separator: ",") + "]" : objects[0])
    }

    private func premiumIndex(_ request: Request) throws -> Response {
        let symbol = try symbolParameter(request, required: false)
        let objects = withEngine { $0.markPrices() }.filter { symbol == nil || $0.symbol == symbol }.map { m -> String in
            var w = JSONWriter()
            w.beginObject()
            w.field("symbol", m.symbol)
            w.field("markPrice", m.markPrice)
            w.field("indexPrice", m.indexPrice)
            w.field("estimatedSettlePrice", m.estimatedSettlePrice)
            w.field("lastFundingRate", m.fundingRate)
            w.field("nextFundingTime", m.nextFundingTime)
            w.field("interestRate", ExactDecimal(mantissa: 1, scale: 4))
            w.field("time", m.eventTime)
            w.endObject()
            return w.text
        }
        return oneOrAll(objects, symbol: symbol)
    }

    private func exchangeInfo() -> String {
        let symbols = withEngine { $0.markets.map(\.symbol) }
        var w = JSONWriter()
        w.beginObject()
        w.key("exchangeFilters")
        w.beginArray()
        w.endArray()
        w.key("rateLimits")
        w.raw(#"[{"interval":"MINUTE","intervalNum":1,"limit":2400,"rateLimitType":"REQUEST_WEIGHT"},{"interval":"MINUTE","intervalNum":1,"limit":1200,"rateLimitType":"ORDERS"}]"#)
        w.field("serverTime", now())
        w.key("assets")
        w.raw(#"[{"asset":"USDT","marginAvailable":true,"autoAssetExchange":0}]"#)
        w.key("symbols")
        w.beginArray()
        for s in symbols {
            w.beginObject()
            w.field("symbol", s.name)
            w.field("pair", s.name)
            w.field("contractType", "PERPETUAL")
            w.field("deliveryDate", Int64(4_133_404_800_000))
            w.field("onboardDate", Int64(1_598_252_400_000))
            w.field("status", "TRADING")
            w.field("baseAsset", String(s.name.dropLast(4)))
            w.field("quoteAsset", "USDT")
            w.field("marginAsset", "USDT")
            w.field("pricePrecision", Int64(s.tickSize.scale))
            w.field("quantityPrecision", Int64(s.lotSize.scale))
            w.field("baseAssetPrecision", Int64(8))
            w.field("quotePrecision", Int64(8))
            w.field("underlyingType", "COIN")
            w.field("triggerProtect", "0.0500")
            w.key("filters")
            w.beginArray()
            w.raw(#"{"filterType":"PRICE_FILTER","minPrice":"\#(s.tickSize)","maxPrice":"\#(s.startPrice * 100)","tickSize":"\#(s.tickSize)"}"#)
            w.raw(#"{"filterType":"LOT_SIZE","minQty":"\#(s.lotSize)","maxQty":"10000000","stepSize":"\#(s.lotSize)"}"#)
            w.raw(#"{"filterType":"MARKET_LOT_SIZE","minQty":"\#(s.lotSize)","maxQty":"1000000","stepSize":"\#(s.lotSize)"}"#)
            w.raw(#"{"filterType":"MAX_NUM_ORDERS","limit":200}"#)
            w.raw(#"{"filterType":"MAX_NUM_ALGO_ORDERS","limit":100}"#)
            w.raw(#"{"filterType":"MIN_NOTIONAL","notional":"5"}"#)
            w.raw(#"{"filterType":"PERCENT_PRICE","multiplierUp":"1.0500","multiplierDown":"0.9500","multiplierDecimal":4}"#)
            w.endArray()
            w.key("orderTypes")
            w.raw(#"["LIMIT","MARKET","STOP","STOP_MARKET","TAKE_PROFIT","TAKE_PROFIT_MARKET","TRAILING_STOP_MARKET"]"#)
            w.key("timeInForce")
            w.raw(#"["GTC","IOC","FOK","GTX"]"#)
            w.endObject()
        }
        w.endArray()
        w.field("timezone", "UTC")
        w.endObject()
        return w.text
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

    func response(from request: Request, context: some RequestContext) throws -> Response {
        var w = JSONWriter()
        w.beginObject()
        w.field("code", Int64(code))
        w.field("msg", message)
        w.endObject()
        return json(w.text, status: status)
    }
}

/// Counts request weight per minute, as the real server reports it.
struct UsedWeightMiddleware: RouterMiddleware {
    typealias Context = BasicRequestContext
    private let window = WeightWindow()

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let weight = request.uri.path.hasSuffix("/depth") ? 10 : 1
        let used = window.add(weight)
        var response = try await next(request, context)
        response.headers[usedWeightHeader] = String(used)
        return response
    }
}

final class WeightWindow: Sendable {
    private let state = Mutex<(minute: Int64, used: Int)>((0, 0))
    func add(_ weight: Int) -> Int {
        let minute = SimServer.wallClock() / 60_000
        return state.withLock { s in
            if s.minute != minute { s = (minute, 0) }
            s.used += weight
            return s.used
        }
    }
}
