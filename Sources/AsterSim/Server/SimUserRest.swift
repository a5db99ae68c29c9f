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

    /// What a signed handler gets: the request's parameters, the server time and the id of the
    /// account the credentials opened.
    typealias Handler = @Sendable (SimQuery, Int64, Int) throws -> String

    func register(on router: Router<BasicRequestContext>) {
        registerListenKeys(on: router)
        let reads: [(String, String, Handler)] = [
            ("fapi/v2/balance", "fapi/v3/balance", { _, _, id in server.accounts.withLock { SimUserPayload.balance($0[id], symbols: symbols) } }),
            ("fapi/v4/account", "fapi/v3/accountWithJoinMargin", { _, _, id in server.accounts.withLock { SimUserPayload.account($0[id], symbols: symbols) } }),
            ("fapi/v2/positionRisk", "fapi/v3/positionRisk", { q, _, id in
                let symbol = try symbolParameter(q, required: false)
                return server.accounts.withLock { SimUserPayload.positionRisk($0[id], symbols: symbol.map { [$0] } ?? symbols) }
            }),
            ("fapi/v1/openOrders", "fapi/v3/openOrders", { q, _, id in
                let symbol = try symbolParameter(q, required: false)
                return server.accounts.withLock { SimUserPayload.openOrders($0[id], symbol: symbol) }
            }),
            ("fapi/v1/openOrder", "fapi/v3/openOrder", { q, _, id in try openOrder(q, account: id) }),
            ("fapi/v1/order", "fapi/v3/order", { q, _, id in try queryOrder(q, account: id) }),
            ("fapi/v1/allOrders", "fapi/v3/allOrders", { q, _, id in try allOrders(q, account: id) }),
            ("fapi/v1/userTrades", "fapi/v3/userTrades", { q, _, id in try userTrades(q, account: id) }),
            ("fapi/v1/income", "fapi/v3/income", { q, _, id in try income(q, account: id) }),
            ("fapi/v1/leverageBracket", "fapi/v3/leverageBracket", { q, _, _ in
                let symbol = try symbolParameter(q, required: false)
                let rows = (symbol.map { [$0] } ?? symbols).map(SimUserPayload.leverageBracket)
                return symbol == nil ? SimMarketPayload.array(rows) : rows[0]
            }),
            ("fapi/v1/commissionRate", "fapi/v3/commissionRate", { q, _, _ in
                SimUserPayload.commissionRate(symbol: try requiredSymbol(q))
            }),
            ("fapi/v1/positionSide/dual", "fapi/v3/positionSide/dual", { _, _, id in
                #"{"dualSidePosition":\#(server.accounts.withLock { $0[id].dualSidePosition })}"#
            }),
            ("fapi/v1/multiAssetsMargin", "fapi/v3/multiAssetsMargin", { _, _, id in
                #"{"multiAssetsMargin":\#(server.accounts.withLock { $0[id].multiAssetsMargin })}"#
            }),
        ]
        for (v1, v3, handler) in reads {
            signed(router, .get, v1, handler)
            signed(router, .get, v3, handler)
        }
        let trading = SimTradingRest(server: server, now: now)
        for (method, endpoint, handler) in trading.routes() + SimRiskRest(server: server).routes() {
            signed(router, method, "fapi/v1/" + endpoint, handler)
            signed(router, method, "fapi/v3/" + endpoint, handler)
        }
        for (method, path, handler) in trading.orderRoutes() { signed(router, method, path, handler) }
    }

    private var symbols: [String] { server.configuration.symbols.map(\.name) }

    /// The `symbol` parameter, which must be there and be one of the simulator's symbols.
    private func requiredSymbol(_ q: SimQuery) throws -> String {
        guard let symbol = try symbolParameter(q, required: true) else { throw SimQuery.missing("symbol") }
        return symbol
    }
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
        let create: Handler = { _, t, id in
            server.accounts.withLock { #"{"listenKey":"\#($0.createListenKey(for: id, now: t))"}"# }
        }
        let keepAlive: Handler = { _, t, id in
            try server.accounts.withLock {
                guard $0[id].keepAlive(now: t) else { throw SimHTTPError(-1125, "This listenKey does not exist.") }
                return "{}"
            }
        }
        let close: Handler = { _, t, id in
            // As the exchange does: the key is invalid at once; a stream open on it hears
            // listenKeyExpired and is closed (every program sharing the account's key loses it).
            let (events, keys) = server.accounts.withLock { accounts -> ([SimOutgoing], [String]) in
                let keys = Array(accounts[id].listenKeys.keys)
                return (accounts[id].closeListenKeys(now: t), keys)
            }
            server.hub.publish(events)
            for key in keys { server.hub.close(stream: key, reason: "listenKey deleted") }
            return "{}"
        }
        for (method, handler) in [(HTTPRequest.Method.post, create), (.put, keepAlive), (.delete, close)] {
            // V1 USER_STREAM: the API key alone; V3: signed like every other account call.
            router.on("fapi/v1/listenKey", method: method) { request, _ in
                if let fault = try await server.restFault() { return fault }
                let id = try checkAPIKey(request)
                return json(try handler(SimQuery([:]), now(), id))
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
            let (query, id) = v3 ? try verifyV3(query: request.uri.query ?? "", body: body)
                                 : try verifyV1(request, query: request.uri.query ?? "", body: body)
            server.recordSignedAttempt(SimSignedAttempt(method: method.rawValue, path: "/" + path,
                                                        timestamp: try? query.long("timestamp"), nonce: try? query.long("nonce")))
            if let fault = server.pathFault("/" + path) { return fault }
            let orders = SimOrderLimiter.orders(method: method, endpoint: String(path.dropFirst("fapi/v1/".count)), query: query)
            let counts = orders > 0 ? try server.orderLimiter.admit(orders, account: id, now: now()) : []
            var answer = json(try handler(query, now(), id))
            for (name, value) in counts { answer.headers[name] = value }
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
        // A parameter sent in both takes the query string's value, as the spec says (the later one wins below).
        let everything = [inQuery ? body : message, inQuery ? message : query].filter { !$0.isEmpty }.joined(separator: "&")
        return (message, signature, total, SimQuery(parsing: everything))
    }

    /// Verifies a V3 request as the spec's security types say: the EIP-712 signature of
    /// everything before `signature` recovers `signer`, an agent registered for an account (that
    /// account answers); `user`, optional, must then be that account's main wallet (`-2015`
    /// otherwise); `nonce` (microseconds) is within 10 s of the server's clock and not among the
    /// account's last 100. Returns the parameters and the account's id.
    private func verifyV3(query raw: String, body: String) throws -> (SimQuery, Int) {
        let (message, signature, _, query) = try split(query: raw, body: body)
        guard let signer = query["signer"] else { throw SimQuery.missing("signer") }
        guard let nonceText = query["nonce"] else { throw SimQuery.missing("nonce") }
        let refused = SimHTTPError(-2015, "Invalid API-key, IP, or permissions for action.", status: .unauthorized)
        guard let id = server.accounts.withLock({ $0.id(signer: signer) }) else { throw refused }
        guard let recovered = EIP712.recoverSigner(message: message, signature: signature),
              recovered.lowercased() == signer.lowercased() else {
            throw SimHTTPError(-1022, "Signature for this request is not valid.")
        }
        if let user = query["user"], user.lowercased() != server.accounts.withLock({ $0[id].user.lowercased() }) { throw refused }
        guard let nonce = Int64(nonceText) else { throw SimQuery.missing("nonce") }
        let nowMicros = now() * 1000
        guard abs(nowMicros - nonce) <= 10_000_000 else { throw SimHTTPError(-4225, "Nonce Expired") }
        try server.accounts.withLock { all in
            var used = all[id].nonces
            guard !used.contains(nonce) else { throw SimHTTPError(-4225, "Nonce Expired") }
            if used.count >= 100, let lowest = used.min() {
                guard nonce > lowest else { throw SimHTTPError(-4225, "Nonce Expired") }
                used.removeAll { $0 == lowest }
            }
            used.append(nonce)
            all[id].nonces = used
        }
        return (query, id)
    }

    /// The account of the request's `X-MBX-APIKEY` (`-2014` without one, `-2015` for an unknown key).
    private func checkAPIKey(_ request: Request) throws -> Int {
        guard let key = request.headers[Self.apiKeyHeader], !key.isEmpty else {
            throw SimHTTPError(-2014, "API-key format invalid.", status: .unauthorized)
        }
        guard let id = server.accounts.withLock({ $0.id(apiKey: key) }) else {
            throw SimHTTPError(-2015, "Invalid API-key, IP, or permissions for action.", status: .unauthorized)
        }
        return id
    }

    /// Verifies a V1 SIGNED request: API key, `signature` last and equal to HMAC-SHA256 (with the
    /// key's secret) of `totalParams` (query string then body), `timestamp` within `recvWindow`
    /// (default 5000, at most 60000). Returns the parameters and the key's account.
    private func verifyV1(_ request: Request, query raw: String, body: String) throws -> (SimQuery, Int) {
        let id = try checkAPIKey(request)
        let secret = server.accounts.withLock { $0[id].secret }
        let (_, signature, totalParams, query) = try split(query: raw, body: body)
        let expected = HMAC<SHA256>.authenticationCode(for: Data(totalParams.utf8), using: SymmetricKey(data: Data(secret.utf8)))
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
        return (query, id)
    }

    // MARK: Reads

    /// The order named by `orderId` or `origClientOrderId` (`-1102` when neither is sent).
    private func orderReference(_ q: SimQuery) throws -> (symbol: String, id: Int64?, clientId: String?) {
        let symbol = try requiredSymbol(q)
        let id = try q.long("orderId")
        let clientId = q["origClientOrderId"]
        guard id != nil || clientId != nil else {
            throw SimHTTPError(-1102, "Param 'orderId' or 'origClientOrderId' must be sent, but both were empty/null!")
        }
        return (symbol, id, clientId)
    }

    private func openOrder(_ q: SimQuery, account id: Int) throws -> String {
        let ref = try orderReference(q)
        return try server.accounts.withLock { all in
            let a = all[id]
            guard let o = a.openOrder(symbol: ref.symbol, id: ref.id, clientId: ref.clientId) else {
                throw SimHTTPError(-2013, "Order does not exist.")
            }
            return SimUserPayload.order(o, style: .query)
        }
    }

    private func queryOrder(_ q: SimQuery, account id: Int) throws -> String {
        let ref = try orderReference(q)
        return try server.accounts.withLock { all in
            let a = all[id]
            guard let o = a.anyOrder(symbol: ref.symbol, id: ref.id, clientId: ref.clientId) else {
                throw SimHTTPError(-2013, "Order does not exist.")
            }
            return SimUserPayload.order(o, style: .query)
        }
    }

    private func allOrders(_ q: SimQuery, account id: Int) throws -> String {
        let symbol = try requiredSymbol(q)
        let limit = try q.limit(default: 500, max: 1000)
        let range = try q.timeRange()
        let fromId = try q.long("orderId")
        let rows = server.accounts.withLock { $0[id].allOrders(symbol: symbol) }
        let window = fromId.map { id in Array(rows.filter { $0.orderId >= id }.prefix(limit)) }
            ?? rows.window(time: \.time, start: range.start, end: range.end, limit: limit)
        return SimMarketPayload.array(window.map { SimUserPayload.order($0, style: .query) })
    }

    private func userTrades(_ q: SimQuery, account id: Int) throws -> String {
        let symbol = try requiredSymbol(q)
        let limit = try q.limit(default: 500, max: 1000)
        let range = try q.timeRange()
        let fromId = try q.long("fromId")
        if fromId != nil, range.start != nil || range.end != nil {
            throw SimHTTPError(-1128, "Combination of optional parameters invalid.")
        }
        let rows = server.accounts.withLock { $0[id].trades.filter { $0.symbol == symbol } }
        let window = fromId.map { id in Array(rows.filter { $0.id >= id }.prefix(limit)) }
            ?? rows.window(time: \.time, start: range.start, end: range.end, limit: limit)
        return SimMarketPayload.array(window.map(SimUserPayload.userTrade))
    }

    private func income(_ q: SimQuery, account id: Int) throws -> String {
        let symbol = try symbolParameter(q, required: false)
        let limit = try q.limit(default: 100, max: 1000)
        let range = try q.timeRange()
        let type = q["incomeType"]
        let rows = server.accounts.withLock { $0[id].incomes }
            .filter { (symbol == nil || $0.symbol == symbol) && (type == nil || $0.type == type) }
            .window(time: \.time, start: range.start, end: range.end, limit: limit)
        return SimMarketPayload.array(rows.map(SimUserPayload.income))
    }
}
