import AsterKit
import Crypto
import Foundation
import HTTPTypes
import Hummingbird

/// The demo account's REST endpoints at their V1 paths (API key, HMAC `signature`, `timestamp`)
/// and V3 paths (`user`, `signer`, `nonce` and an EIP-712 signature), checked exactly as the
/// spec's "SIGNED Endpoint Security" and "V3 Nonce Mechanism" describe. Parameters may come in the
/// query string or in a form body (POST, PUT, DELETE), as the spec allows.
struct SimUserRest {
    let server: SimServer
    let now: @Sendable () -> Int64

    static let apiKeyHeader = HTTPField.Name("X-MBX-APIKEY")!

    /// What a signed handler gets: the request's parameters and the server time.
    typealias Handler = @Sendable (SimQuery, Int64) throws -> String

    func register(on router: Router<BasicRequestContext>) {
        registerListenKeys(on: router)
        let reads: [(String, String, Handler)] = [
            ("fapi/v2/balance", "fapi/v3/balance", { _, _ in server.account.withLock { SimUserPayload.balance($0, symbols: symbols) } }),
            ("fapi/v4/account", "fapi/v3/accountWithJoinMargin", { _, _ in server.account.withLock { SimUserPayload.account($0, symbols: symbols) } }),
            ("fapi/v2/positionRisk", "fapi/v3/positionRisk", { q, _ in
                let symbol = try symbolParameter(q, required: false)
                return server.account.withLock { SimUserPayload.positionRisk($0, symbols: symbol.map { [$0] } ?? symbols) }
            }),
            ("fapi/v1/openOrders", "fapi/v3/openOrders", { q, _ in
                let symbol = try symbolParameter(q, required: false)
                return server.account.withLock { SimUserPayload.openOrders($0, symbol: symbol) }
            }),
            ("fapi/v1/openOrder", "fapi/v3/openOrder", { q, _ in try openOrder(q) }),
            ("fapi/v1/order", "fapi/v3/order", { q, _ in try queryOrder(q) }),
            ("fapi/v1/allOrders", "fapi/v3/allOrders", { q, _ in try allOrders(q) }),
            ("fapi/v1/userTrades", "fapi/v3/userTrades", { q, _ in try userTrades(q) }),
            ("fapi/v1/income", "fapi/v3/income", { q, _ in try income(q) }),
            ("fapi/v1/leverageBracket", "fapi/v3/leverageBracket", { q, _ in
                let symbol = try symbolParameter(q, required: false)
                let rows = (symbol.map { [$0] } ?? symbols).map(SimUserPayload.leverageBracket)
                return symbol == nil ? SimMarketPayload.array(rows) : rows[0]
            }),
            ("fapi/v1/commissionRate", "fapi/v3/commissionRate", { q, _ in
                SimUserPayload.commissionRate(symbol: try symbolParameter(q, required: true)!)
            }),
            ("fapi/v1/positionSide/dual", "fapi/v3/positionSide/dual", { _, _ in
                #"{"dualSidePosition":\#(server.account.withLock { $0.dualSidePosition })}"#
            }),
            ("fapi/v1/multiAssetsMargin", "fapi/v3/multiAssetsMargin", { _, _ in
                #"{"multiAssetsMargin":\#(server.account.withLock { $0.multiAssetsMargin })}"#
            }),
        ]
        for (v1, v3, handler) in reads {
            signed(router, .get, v1, handler)
            signed(router, .get, v3, handler)
        }
        let trading = SimTradingRest(server: server, now: now)
        for (method, endpoint, handler) in trading.routes() {
            signed(router, method, "fapi/v1/" + endpoint, handler)
            signed(router, method, "fapi/v3/" + endpoint, handler)
        }
    }

    private var symbols: [String] { server.configuration.symbols.map(\.name) }

    /// `symbol`, upper-cased and checked against the listing (`-1102`, `-1121`).
    func symbolParameter(_ q: SimQuery, required: Bool) throws -> String? {
        guard let symbol = q["symbol"] else {
            if required { throw SimQuery.missing("symbol") }
            return nil
        }
        guard symbols.contains(symbol.uppercased()) else { throw SimHTTPError(-1121, "Invalid symbol.") }
        return symbol.uppercased()
    }

    private func registerListenKeys(on router: Router<BasicRequestContext>) {
        let create: Handler = { _, t in server.account.withLock { #"{"listenKey":"\#($0.createListenKey(now: t))"}"# } }
        let keepAlive: Handler = { _, t in
            try server.account.withLock {
                guard $0.keepAlive(now: t) else { throw SimHTTPError(-1125, "This listenKey does not exist.") }
                return "{}"
            }
        }
        let close: Handler = { _, _ in
            // As the exchange does: the key is invalidated and its streams are closed (every
            // program sharing the account's active key loses its stream).
            let keys = server.account.withLock { a in
                defer { a.closeListenKeys() }
                return Array(a.listenKeys.keys)
            }
            for key in keys { server.hub.close(stream: key, reason: "listenKey deleted") }
            return "{}"
        }
        for (method, handler) in [(HTTPRequest.Method.post, create), (.put, keepAlive), (.delete, close)] {
            // V1 USER_STREAM: the API key alone; V3: signed like every other account call.
            router.on("fapi/v1/listenKey", method: method) { request, _ in
                if let fault = try await server.restFault() { return fault }
                try checkAPIKey(request)
                return json(try handler(SimQuery([:]), now()))
            }
            signed(router, method, "fapi/v3/listenKey", handler)
        }
    }

    private func signed(_ router: Router<BasicRequestContext>, _ method: HTTPRequest.Method, _ path: String,
                        _ handler: @escaping Handler) {
        let v3 = path.hasPrefix("fapi/v3")
        router.on(RouterPath(stringLiteral: path), method: method) { request, _ in
            if let fault = try await server.restFault() { return fault }
            var request = request
            let body = String(buffer: try await request.collectBody(upTo: 1 << 20))
            let query = v3 ? try verifyV3(query: request.uri.query ?? "", body: body)
                           : try verifyV1(request, query: request.uri.query ?? "", body: body)
            server.recordSignedAttempt(SimSignedAttempt(method: method.rawValue, path: "/" + path,
                                                        timestamp: try? query.long("timestamp"), nonce: try? query.long("nonce")))
            if let fault = server.pathFault("/" + path) { return fault }
            let answer = json(try handler(query, now()))
            if let delay = server.answerDelay("/" + path) { try? await Task.sleep(for: delay) }
            return answer
        }
    }

    /// Splits off the trailing `signature`: (the signed text, the signature, the unsigned rest, all parameters).
    private func split(query: String, body: String) throws -> (message: String, signature: String, total: String, all: SimQuery) {
        let inQuery = query.hasPrefix("signature=") || query.contains("&signature=")
        let source = inQuery ? query : body
        guard let range = source.range(of: "signature=", options: .backwards),
              range.lowerBound == source.startIndex || source[source.index(before: range.lowerBound)] == "&" else {
            throw SimQuery.missing("signature")
        }
        let message = range.lowerBound == source.startIndex ? "" : String(source[..<source.index(before: range.lowerBound)])
        let signature = String(source[range.upperBound...])
        // HMAC's totalParams: the query string followed by the body.
        let total = inQuery ? message + body : query + message
        let everything = [inQuery ? message : query, inQuery ? body : message].filter { !$0.isEmpty }.joined(separator: "&")
        return (message, signature, total, SimQuery(parsing: everything))
    }

    /// Verifies a V3 request: the EIP-712 signature of everything before `signature` recovers the
    /// registered agent `signer` of `user`, and `nonce` (microseconds) is within 10 s of the
    /// server's clock and not among the last 100 used.
    private func verifyV3(query raw: String, body: String) throws -> SimQuery {
        let (message, signature, _, query) = try split(query: raw, body: body)
        for name in ["user", "signer", "nonce"] where query[name] == nil { throw SimQuery.missing(name) }
        let config = server.configuration
        guard query["user"]!.lowercased() == config.agentUser.lowercased(),
              query["signer"]!.lowercased() == config.agentSigner.lowercased() else {
            throw SimHTTPError(-2015, "Invalid API-key, IP, or permissions for action.", status: .unauthorized)
        }
        guard let recovered = EIP712.recoverSigner(message: message, signature: signature),
              recovered.lowercased() == config.agentSigner.lowercased() else {
            throw SimHTTPError(-1022, "Signature for this request is not valid.")
        }
        guard let nonce = Int64(query["nonce"]!) else { throw SimQuery.missing("nonce") }
        let nowMicros = now() * 1000
        guard abs(nowMicros - nonce) <= 10_000_000 else { throw SimHTTPError(-4225, "Nonce Expired") }
        try server.nonces.withLock { used in
            guard !used.contains(nonce) else { throw SimHTTPError(-4225, "Nonce Expired") }
            if used.count >= 100, let lowest = used.min() {
                guard nonce > lowest else { throw SimHTTPError(-4225, "Nonce Expired") }
                used.removeAll { $0 == lowest }
            }
            used.append(nonce)
        }
        return query
    }

    private func checkAPIKey(_ request: Request) throws {
        guard let key = request.headers[Self.apiKeyHeader], !key.isEmpty else {
            throw SimHTTPError(-2014, "API-key format invalid.", status: .unauthorized)
        }
        guard key == server.configuration.apiKey else {
            throw SimHTTPError(-2015, "Invalid API-key, IP, or permissions for action.", status: .unauthorized)
        }
    }

    /// Verifies a V1 SIGNED request: API key, `signature` last and equal to HMAC-SHA256 of
    /// `totalParams` (query string then body), `timestamp` within `recvWindow` (default 5000, at most 60000).
    private func verifyV1(_ request: Request, query raw: String, body: String) throws -> SimQuery {
        try checkAPIKey(request)
        let (_, signature, totalParams, query) = try split(query: raw, body: body)
        let expected = HMAC<SHA256>.authenticationCode(for: Data(totalParams.utf8),
                                                       using: SymmetricKey(data: Data(server.configuration.apiSecret.utf8)))
            .map { String(format: "%02x", $0) }.joined()
        guard signature.lowercased() == expected else { throw SimHTTPError(-1022, "Signature for this request is not valid.") }
        guard let timestamp = try query.long("timestamp") else { throw SimQuery.missing("timestamp") }
        let recvWindow = try query.long("recvWindow") ?? 5_000
        guard recvWindow > 0, recvWindow <= 60_000 else { throw SimQuery.invalid("recvWindow") }
        let serverTime = now()
        guard timestamp < serverTime + 1_000 else {
            throw SimHTTPError(-1021, "Timestamp for this request was 1000ms ahead of the server's time.")
        }
        guard serverTime - timestamp <= recvWindow else {
            throw SimHTTPError(-1021, "Timestamp for this request is outside of the recvWindow.")
        }
        return query
    }

    // MARK: Reads

    /// The order named by `orderId` or `origClientOrderId` (`-1102` when neither is sent).
    private func orderReference(_ q: SimQuery) throws -> (symbol: String, id: Int64?, clientId: String?) {
        let symbol = try symbolParameter(q, required: true)!
        let id = try q.long("orderId")
        let clientId = q["origClientOrderId"]
        guard id != nil || clientId != nil else {
            throw SimHTTPError(-1102, "Param 'orderId' or 'origClientOrderId' must be sent, but both were empty/null!")
        }
        return (symbol, id, clientId)
    }

    private func openOrder(_ q: SimQuery) throws -> String {
        let ref = try orderReference(q)
        return try server.account.withLock { a in
            guard let o = a.openOrder(symbol: ref.symbol, id: ref.id, clientId: ref.clientId) else {
                throw SimHTTPError(-2013, "Order does not exist.")
            }
            return SimUserPayload.order(o, style: .query)
        }
    }

    private func queryOrder(_ q: SimQuery) throws -> String {
        let ref = try orderReference(q)
        return try server.account.withLock { a in
            guard let o = a.anyOrder(symbol: ref.symbol, id: ref.id, clientId: ref.clientId) else {
                throw SimHTTPError(-2013, "Order does not exist.")
            }
            return SimUserPayload.order(o, style: .query)
        }
    }

    private func allOrders(_ q: SimQuery) throws -> String {
        let symbol = try symbolParameter(q, required: true)!
        let limit = try q.limit(default: 500, max: 1000)
        let range = try q.timeRange()
        let fromId = try q.long("orderId")
        let rows = server.account.withLock { $0.allOrders(symbol: symbol) }
        let window = fromId.map { id in Array(rows.filter { $0.orderId >= id }.prefix(limit)) }
            ?? rows.window(time: \.time, start: range.start, end: range.end, limit: limit)
        return SimMarketPayload.array(window.map { SimUserPayload.order($0, style: .query) })
    }

    private func userTrades(_ q: SimQuery) throws -> String {
        let symbol = try symbolParameter(q, required: true)!
        let limit = try q.limit(default: 500, max: 1000)
        let range = try q.timeRange()
        let fromId = try q.long("fromId")
        if fromId != nil, range.start != nil || range.end != nil {
            throw SimHTTPError(-1128, "Combination of optional parameters invalid.")
        }
        let rows = server.account.withLock { $0.trades.filter { $0.symbol == symbol } }
        let window = fromId.map { id in Array(rows.filter { $0.id >= id }.prefix(limit)) }
            ?? rows.window(time: \.time, start: range.start, end: range.end, limit: limit)
        return SimMarketPayload.array(window.map(SimUserPayload.userTrade))
    }

    private func income(_ q: SimQuery) throws -> String {
        let symbol = try symbolParameter(q, required: false)
        let limit = try q.limit(default: 100, max: 1000)
        let range = try q.timeRange()
        let type = q["incomeType"]
        let rows = server.account.withLock { $0.incomes }
            .filter { (symbol == nil || $0.symbol == symbol) && (type == nil || $0.type == type) }
            .window(time: \.time, start: range.start, end: range.end, limit: limit)
        return SimMarketPayload.array(rows.map(SimUserPayload.income))
    }
}
