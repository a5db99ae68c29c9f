import HTTPTypes
import Hummingbird
import Synchronization

/// The request-weight limiter: every request adds its endpoint's weight (the spec's tables) to
/// the current minute; `X-MBX-USED-WEIGHT-1M` reports the total. Over the limit a request is
/// answered 429 (`-1003`, `Retry-After` to the next minute); a client that keeps sending after
/// ``strikesBeforeBan`` refusals in one minute is banned with 418 for ``banDuration`` ms.
final class SimRateLimiter: Sendable {
    enum Verdict: Equatable {
        case allowed(used: Int)
        case tooMany(used: Int, retryAfter: Int)
        case banned(until: Int64, retryAfter: Int)
    }

    struct State {
        var minute: Int64 = 0
        var used = 0
        var strikes = 0
        var bannedUntil: Int64 = 0
    }

    static let strikesBeforeBan = 3
    static let banDuration: Int64 = 120_000
    let limit: Int
    private let state = Mutex(State())

    init(limit: Int) { self.limit = limit }

    /// Counts a request of `weight` at `now` (ms) and says whether it may run.
    func admit(_ weight: Int, now: Int64) -> Verdict {
        state.withLock { s in
            if s.bannedUntil > now {
                return .banned(until: s.bannedUntil, retryAfter: Int((s.bannedUntil - now + 999) / 1_000))
            }
            let minute = now / 60_000
            if s.minute != minute { s = State(minute: minute, bannedUntil: s.bannedUntil) }
            let retry = Int(((minute + 1) * 60_000 - now + 999) / 1_000)
            guard s.used + weight <= limit else {
                s.strikes += 1
                if s.strikes > Self.strikesBeforeBan {
                    s.bannedUntil = now + Self.banDuration
                    return .banned(until: s.bannedUntil, retryAfter: Int(Self.banDuration / 1_000))
                }
                return .tooMany(used: s.used, retryAfter: retry)
            }
            s.used += weight
            return .allowed(used: s.used)
        }
    }

    /// The weight of a request, from the spec's endpoint tables (1 where the spec says nothing).
    /// The query is parsed only for the endpoints whose weight depends on it (`symbol`, `limit`):
    /// a signed order's is parsed once, by its handler.
    static func weight(method: HTTPRequest.Method, path: String, query: @autoclosure () -> SimQuery) -> Int {
        let parts = path.split(separator: "/")
        guard parts.count >= 3, parts[0] == "fapi" else { return 1 }
        let endpoint = parts.dropFirst(2).joined(separator: "/")
        func hasSymbol() -> Bool { query()["symbol"] != nil }
        func limit() -> Int { Int(query()["limit"] ?? "") ?? 500 }
        switch endpoint {
        case "depth":
            switch limit() {
            case ...50: return 2
            case ...100: return 5
            case ...500: return 10
            default: return 20
            }
        case "klines", "indexPriceKlines", "markPriceKlines", "continuousKlines":
            switch limit() {
            case ..<100: return 1
            case ..<500: return 2
            case ...1000: return 5
            default: return 10
            }
        case "historicalTrades", "aggTrades", "commissionRate": return 20
        case "ticker/24hr", "openOrders": return hasSymbol() ? 1 : 40
        case "ticker/price", "ticker/bookTicker": return hasSymbol() ? 1 : 2
        case "balance", "account", "accountWithJoinMargin", "positionRisk", "userTrades", "allOrders", "adlQuantile":
            return 5
        case "batchOrders": return method == .post ? 5 : 1
        case "income": return 30
        case "positionSide/dual", "multiAssetsMargin", "stpMode": return method == .get ? 30 : 1
        case "forceOrders": return hasSymbol() ? 20 : 50
        case "countdownCancelAll": return 10
        default: return 1
        }
    }
}

/// Applies ``SimRateLimiter`` to every route and reports the used weight.
struct SimRateLimitMiddleware: RouterMiddleware {
    typealias Context = BasicRequestContext
    let limiter: SimRateLimiter
    let now: @Sendable () -> Int64

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let weight = SimRateLimiter.weight(method: request.method, path: request.uri.path,
                                           query: SimQuery(parsing: request.uri.query ?? ""))
        switch limiter.admit(weight, now: now()) {
        case .allowed(let used):
            var response: Response
            do {
                response = try await next(request, context)
            } catch let error as SimHTTPError {
                response = try error.response(from: request, context: context)
            } catch let error as HTTPError where error.status == .notFound || error.status == .methodNotAllowed {
                // A path (or method) the spec does not document: 404 with the spec's error object.
                response = try SimHTTPError(-1000, "Path \(request.method) \(request.uri.path) is not an endpoint of this API.",
                                            status: .notFound).response(from: request, context: context)
            }
            response.headers[usedWeightHeader] = String(used)
            return response
        case .tooMany(let used, let retryAfter):
            let limit = limiter.limit
            var response = json(#"{"code":-1003,"msg":"Too many requests; current limit is \#(limit) requests per minute. Please use the websocket for live updates to avoid polling the API."}"#,
                                status: .tooManyRequests)
            response.headers[usedWeightHeader] = String(used)
            response.headers[.retryAfter] = String(retryAfter)
            return response
        case .banned(let until, let retryAfter):
            var response = json(#"{"code":-1003,"msg":"Way too many requests; IP banned until \#(until). Please use the websocket for live updates to avoid bans."}"#,
                                status: HTTPResponse.Status(code: 418))
            response.headers[.retryAfter] = String(retryAfter)
            return response
        }
    }
}
