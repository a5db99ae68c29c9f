import AsterKit
import Crypto
import Foundation
import HTTPTypes
import Hummingbird

/// The demo account's REST endpoints: listen keys (`USER_STREAM`: API key only) and signed
/// `USER_DATA` reads, checked exactly as the spec's "SIGNED Endpoint Security" describes.
struct SimUserRest {
    let server: SimServer
    let now: @Sendable () -> Int64

    static let apiKeyHeader = HTTPField.Name("X-MBX-APIKEY")!

    func register(on router: Router<BasicRequestContext>) {
        let v1 = router.group("fapi/v1")
        v1.post("listenKey") { request, _ in
            try await server.restFault() ?? listenKey(request) { a, t in
                let key = a.createListenKey(now: t)
                return #"{"listenKey":"\#(key)"}"#
            }
        }
        v1.put("listenKey") { request, _ in
            try await server.restFault() ?? listenKey(request) { a, t in
                guard a.keepAlive(now: t) else { throw SimHTTPError(-1125, "This listenKey does not exist.") }
                return "{}"
            }
        }
        v1.delete("listenKey") { request, _ in
            try await server.restFault() ?? listenKey(request) { a, _ in
                a.closeListenKeys()
                return "{}"
            }
        }
        v1.get("openOrders") { request, _ in
            try await server.restFault() ?? signed(request) { a, query in
                let symbol = query["symbol"]?.uppercased()
                return SimUserPayload.openOrders(a, symbol: symbol)
            }
        }
        router.get("fapi/v4/account") { request, _ in
            try await server.restFault() ?? signed(request) { a, _ in SimUserPayload.account(a, symbols: symbols) }
        }
        router.get("fapi/v2/balance") { request, _ in
            try await server.restFault() ?? signed(request) { a, _ in SimUserPayload.balance(a, symbols: symbols) }
        }

        // V3: every USER_STREAM and USER_DATA call carries user, signer, nonce and an EIP-712 signature.
        let v3 = router.group("fapi/v3")
        v3.post("listenKey") { request, _ in
            try await server.restFault() ?? signedV3(request) { a, t, _ in #"{"listenKey":"\#(a.createListenKey(now: t))"}"# }
        }
        v3.put("listenKey") { request, _ in
            try await server.restFault() ?? signedV3(request) { a, t, _ in
                guard a.keepAlive(now: t) else { throw SimHTTPError(-1125, "This listenKey does not exist.") }
                return "{}"
            }
        }
        v3.delete("listenKey") { request, _ in
            try await server.restFault() ?? signedV3(request) { a, _, _ in
                a.closeListenKeys()
                return "{}"
            }
        }
        v3.get("accountWithJoinMargin") { request, _ in
            try await server.restFault() ?? signedV3(request) { a, _, _ in SimUserPayload.account(a, symbols: symbols) }
        }
        v3.get("openOrders") { request, _ in
            try await server.restFault() ?? signedV3(request) { a, _, q in SimUserPayload.openOrders(a, symbol: q["symbol"]?.uppercased()) }
        }
        v3.get("balance") { request, _ in
            try await server.restFault() ?? signedV3(request) { a, _, _ in SimUserPayload.balance(a, symbols: symbols) }
        }
    }

    /// Verifies a V3 request: `signature` last, the EIP-712 signature of everything before it
    /// recovers the registered agent `signer` of `user`, and `nonce` (microseconds) is within 10 s
    /// of the server's clock and not among the last 100 used.
    private func signedV3(_ request: Request, _ body: (inout SimAccount, Int64, [String: String]) throws -> String) throws -> Response {
        let raw = request.uri.query ?? ""
        guard let range = raw.range(of: "&signature=", options: .backwards) else {
            throw SimHTTPError(-1102, "Mandatory parameter 'signature' was not sent, was empty/null, or malformed.")
        }
        let message = String(raw[..<range.lowerBound])
        let signature = String(raw[range.upperBound...])
        let query = Self.parameters(message)
        for name in ["user", "signer", "nonce"] where (query[name] ?? "").isEmpty {
            throw SimHTTPError(-1102, "Mandatory parameter '\(name)' was not sent, was empty/null, or malformed.")
        }
        let config = server.configuration
        guard query["user"]!.lowercased() == config.agentUser.lowercased(),
              query["signer"]!.lowercased() == config.agentSigner.lowercased() else {
            throw SimHTTPError(-2015, "Invalid API-key, IP, or permissions for action.", status: .unauthorized)
        }
        guard let recovered = EIP712.recoverSigner(message: message, signature: signature),
              recovered.lowercased() == config.agentSigner.lowercased() else {
            throw SimHTTPError(-1022, "Signature for this request is not valid.")
        }
        guard let nonce = Int64(query["nonce"]!) else {
            throw SimHTTPError(-1102, "Mandatory parameter 'nonce' was not sent, was empty/null, or malformed.")
        }
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
        let t = now()
        return json(try server.account.withLock { try body(&$0, t, query) })
    }

    private var symbols: [String] { server.configuration.symbols.map(\.name) }

    private func checkAPIKey(_ request: Request) throws {
        guard let key = request.headers[Self.apiKeyHeader], !key.isEmpty else {
            throw SimHTTPError(-2014, "API-key format invalid.", status: .unauthorized)
        }
        guard key == server.configuration.apiKey else {
            throw SimHTTPError(-2015, "Invalid API-key, IP, or permissions for action.", status: .unauthorized)
        }
    }

    private func listenKey(_ request: Request, _ body: (inout SimAccount, Int64) throws -> String) throws -> Response {
        try checkAPIKey(request)
        let t = now()
        return json(try server.account.withLock { try body(&$0, t) })
    }

    /// Verifies a SIGNED request: API key, `signature` last and equal to HMAC-SHA256 of the rest
    /// (`totalParams`), `timestamp` within `recvWindow` (default 5000, at most 60000).
    private func signed(_ request: Request, _ body: (SimAccount, [String: String]) throws -> String) throws -> Response {
        try checkAPIKey(request)
        let raw = request.uri.query ?? ""
        guard let range = raw.range(of: "signature=", options: .backwards),
              range.lowerBound == raw.startIndex || raw[raw.index(before: range.lowerBound)] == "&" else {
            throw SimHTTPError(-1102, "Mandatory parameter 'signature' was not sent, was empty/null, or malformed.")
        }
        let signature = String(raw[range.upperBound...]).trimmingCharacters(in: .whitespaces)
        let totalParams = range.lowerBound == raw.startIndex ? "" : String(raw[..<raw.index(before: range.lowerBound)])
        let expected = HMAC<SHA256>.authenticationCode(for: Data(totalParams.utf8),
                                                       using: SymmetricKey(data: Data(server.configuration.apiSecret.utf8)))
            .map { String(format: "%02x", $0) }.joined()
        guard signature.lowercased() == expected else { throw SimHTTPError(-1022, "Signature for this request is not valid.") }
        let query = Self.parameters(totalParams)
        guard let timestamp = query["timestamp"].flatMap({ Int64($0) }) else {
            throw SimHTTPError(-1102, "Mandatory parameter 'timestamp' was not sent, was empty/null, or malformed.")
        }
        let recvWindow = query["recvWindow"].flatMap { Int64($0) } ?? 5_000
        guard recvWindow > 0, recvWindow <= 60_000 else {
            throw SimHTTPError(-1130, "Data sent for parameter 'recvWindow' is not valid.")
        }
        let serverTime = now()
        guard timestamp < serverTime + 1_000 else {
            throw SimHTTPError(-1021, "Timestamp for this request was 1000ms ahead of the server's time.")
        }
        guard serverTime - timestamp <= recvWindow else {
            throw SimHTTPError(-1021, "Timestamp for this request is outside of the recvWindow.")
        }
        return json(try body(server.account.withLock { $0 }, query))
    }

    /// `a=1&b=x%20y` as a dictionary, values percent-decoded.
    static func parameters(_ query: String) -> [String: String] {
        var out: [String: String] = [:]
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
            out[parts[0]] = parts.count > 1 ? (parts[1].removingPercentEncoding ?? parts[1]) : ""
        }
        return out
    }
}
