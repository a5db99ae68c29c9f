import HTTPTypes
import Synchronization

/// One `ORDERS` rate limit of `exchangeInfo` (`rateLimitType` `ORDERS`): at most `limit` new
/// orders per `intervalNum` `interval`s, counted per account.
public struct SimOrderRateLimit: Sendable, Hashable {
    /// The spec's rate-limit intervals.
    public enum Interval: String, Sendable, Hashable {
        /// `SECOND`, `MINUTE`, `DAY`.
        case second = "SECOND", minute = "MINUTE", day = "DAY"

        var milliseconds: Int64 {
            switch self {
            case .second: 1_000
            case .minute: 60_000
            case .day: 86_400_000
            }
        }

        /// The letter of the `X-MBX-ORDER-COUNT-(intervalNum)(intervalLetter)` header.
        var letter: String {
            switch self {
            case .second: "S"
            case .minute: "M"
            case .day: "D"
            }
        }
    }

    /// The interval unit (`interval`).
    public var interval: Interval
    /// How many units one window spans (`intervalNum`).
    public var intervalNum: Int
    /// New orders allowed per window and account (`limit`).
    public var limit: Int

    /// Creates a limit of `limit` orders per `intervalNum` `interval`s.
    public init(interval: Interval, intervalNum: Int = 1, limit: Int) {
        self.interval = interval
        self.intervalNum = max(1, intervalNum)
        self.limit = limit
    }

    /// The spec's `exchangeInfo` example: 1,200 orders a minute.
    public static let standard = [SimOrderRateLimit(interval: .minute, limit: 1_200)]

    /// The window length in milliseconds.
    var window: Int64 { interval.milliseconds * Int64(intervalNum) }

    /// `X-MBX-ORDER-COUNT-1M` and the like.
    var headerName: String { "X-MBX-ORDER-COUNT-\(intervalNum)\(interval.letter)" }

    /// The `rateLimits` array of `exchangeInfo`: request weight, then each `ORDERS` limit.
    static func rateLimits(weightLimit: Int, orders: [SimOrderRateLimit]) -> String {
        let weight = #"{"interval":"MINUTE","intervalNum":1,"limit":\#(weightLimit),"rateLimitType":"REQUEST_WEIGHT"}"#
        let rows = orders.map {
            #"{"interval":"\#($0.interval.rawValue)","intervalNum":\#($0.intervalNum),"limit":\#($0.limit),"rateLimitType":"ORDERS"}"#
        }
        return "[" + ([weight] + rows).joined(separator: ",") + "]"
    }
}

/// Counts each account's new orders against the `ORDERS` limits in fixed windows, each opened by
/// the first order after the previous one closed (the spec: "The
/// order rate limit is counted against each account"). A request whose orders would pass a limit
/// is refused whole with `-1015` and HTTP 429; the counts go in `X-MBX-ORDER-COUNT-*` headers.
final class SimOrderLimiter: Sendable {
    private struct Window { var start: Int64 = 0, used = 0 }
    let limits: [SimOrderRateLimit]
    /// Per account, one window per limit.
    private let windows = Mutex<[Int: [Window]]>([:])

    init(limits: [SimOrderRateLimit]) { self.limits = limits }

    /// How many new orders a request makes: 1 for `POST order` and `PUT order`, the list's
    /// length for `POST batchOrders` (at least 1), 0 for anything else.
    static func orders(method: HTTPRequest.Method, endpoint: String, query: SimQuery) -> Int {
        switch (method, endpoint) {
        case (.post, "order"), (.put, "order"): return 1
        case (.post, "batchOrders"): return max(1, SimTradingRest.batchItems(query["batchOrders"] ?? "")?.count ?? 1)
        default: return 0
        }
    }

    /// Counts `count` orders of `account` at `now` (ms): the headers to send, or `-1015` (429)
    /// naming the limit that would be passed (nothing is counted then).
    func admit(_ count: Int, account: Int, now: Int64) throws -> [(HTTPField.Name, String)] {
        let counts = try windows.withLock { all -> [Int] in
            var mine = all[account] ?? Array(repeating: Window(), count: limits.count)
            for (i, limit) in limits.enumerated() {
                // A window opens with the first order after the last one closed.
                if now >= mine[i].start + limit.window { mine[i] = Window(start: now, used: 0) }
                guard mine[i].used + count <= limit.limit else {
                    throw SimHTTPError(-1015, "Too many new orders; current limit is \(limit.limit) orders per "
                                       + "\(limit.intervalNum == 1 ? "" : "\(limit.intervalNum) ")\(limit.interval.rawValue).",
                                       status: .tooManyRequests)
                }
            }
            for i in mine.indices { mine[i].used += count }
            all[account] = mine
            return mine.map(\.used)
        }
        return zip(limits, counts).compactMap { limit, used in HTTPField.Name(limit.headerName).map { ($0, String(used)) } }
    }
}
