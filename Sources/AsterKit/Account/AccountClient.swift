import Foundation
import NIOHTTP1
import Synchronization

/// Authenticated REST calls, V1 (API key + HMAC) or V3 (agent wallet + EIP-712): listen keys
/// (`USER_STREAM`) and signed `USER_DATA` reads, with timestamps and nonces corrected by the
/// server's clock offset.
///
/// Errors carry the server's `code` and `msg` (for example `-1022` for a bad signature, `-1021`
/// for a timestamp outside `recvWindow`) and the endpoint path, never the query or a secret.
public final class AccountClient: Sendable {
    /// The REST client used.
    public let rest: RESTClient
    /// Credentials (shown redacted).
    public let credentials: Credentials
    /// `recvWindow` sent with signed requests (milliseconds, at most 60000).
    public let recvWindow: Int64
    private let offset = Mutex<Int64>(0)

    /// Creates a client; call ``synchronizeTime()`` once so timestamps follow the server's clock.
    public init(rest: RESTClient, credentials: Credentials, recvWindow: Int64 = 5_000) {
        self.rest = rest
        self.credentials = credentials
        self.recvWindow = min(max(recvWindow, 1), 60_000)
    }

    /// Server time minus local time, in milliseconds, as last measured.
    public var clockOffset: Int64 { offset.withLock { $0 } }

    /// Measures the server's clock offset (half the round trip is credited to the request).
    public func synchronizeTime() async throws(RESTError) {
        let before = Self.localMillis()
        let server = try await rest.serverTime()
        let after = Self.localMillis()
        offset.withLock { $0 = server - (before + after) / 2 }
    }

    /// The timestamp a signed request carries now.
    public func timestamp() -> Int64 { Self.localMillis() + clockOffset }

    static func localMillis() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }

    /// The V3 nonce (microseconds) last used: each request's is larger than the one before.
    private let lastNonce = Mutex<Int64>(0)

    var isV3: Bool { if case .agent = credentials { true } else { false } }

    /// A fresh V3 nonce: the current time in microseconds (server-corrected), strictly increasing.
    public func nonce() -> Int64 {
        let now = (Int64(Date().timeIntervalSince1970 * 1_000_000)) + clockOffset * 1000
        return lastNonce.withLock { last in
            last = max(now, last + 1)
            return last
        }
    }

    /// Signs `parameters` as the credentials require and sends the request, signing every attempt
    /// afresh (a new `timestamp`, or a new `nonce`), so a retry is never refused as a replay
    /// (`-4225`) or as too old for `recvWindow` (`-1021`). Only idempotent requests are retried
    /// (GET by default; see ``RESTClient/RetryRule``): a POST or DELETE is attempted once.
    ///
    /// V1: `recvWindow` and `timestamp` are appended, then the HMAC `signature` (with the
    /// `X-MBX-APIKEY` header). V3: `nonce`, `user` and `signer` are appended, then the EIP-712
    /// `signature` of the whole url-encoded string.
    public func signed(_ method: HTTPMethod, _ path: String, _ parameters: [(String, String)] = [],
                       retry: RESTClient.RetryRule? = nil) async throws -> [UInt8] {
        switch credentials {
        case .hmac(let key, let secret):
            let signer = HMACSigner(secret: secret)
            return try await rest.send(method, path, retry: retry) { _ in
                let total = RESTClient.encode(parameters + [("recvWindow", String(self.recvWindow)), ("timestamp", String(self.timestamp()))])
                return (signer.signed(total), [("X-MBX-APIKEY", key)])
            }
        case .agent(let user, let signerAddress, let privateKey):
            let signer = try AgentSigner(privateKey: privateKey)
            return try await rest.send(method, path, retry: retry) { (_: Int) throws(RESTError) in
                let total = RESTClient.encode(parameters + [("nonce", String(self.nonce())), ("user", user), ("signer", signerAddress)])
                return (try Self.agentSigned(total, signer, path), [])
            }
        }
    }

    /// `total` signed by the agent key; a failure is a request that was never sent.
    private static func agentSigned(_ total: String, _ signer: AgentSigner, _ path: String) throws(RESTError) -> String {
        do {
            return try signer.signed(total)
        } catch {
            throw RESTError(kind: .notSent(error.description), path: path)
        }
    }

    /// A `USER_STREAM` call: the API key header alone in V1, a full signature in V3.
    private func keyed(_ method: HTTPMethod, _ path: String, retry: RESTClient.RetryRule? = nil) async throws -> [UInt8] {
        guard case .hmac(let key, _) = credentials else { return try await signed(method, path, retry: retry) }
        return try await rest.send(method, path, query: "", headers: [("X-MBX-APIKEY", key)], retry: retry)
    }

    private var listenKeyPath: String { isV3 ? "/fapi/v3/listenKey" : "/fapi/v1/listenKey" }

    /// `POST /fapi/v1/listenKey` (V3: `/fapi/v3/listenKey`): a new key, or the active one extended.
    public func createListenKey() async throws -> String {
        let path = listenKeyPath
        let fields = try JSONFields(try JSONFields.parse(try await keyed(.POST, path), path: path), path: path)
        let key = try fields.string("listenKey")
        guard !key.isEmpty else { throw fields.malformed("listenKey") }
        return key
    }

    /// `PUT /fapi/v1/listenKey`: extends the active key by 60 minutes.
    /// Retried like a GET: extending a key twice is harmless.
    public func keepAliveListenKey() async throws { _ = try await keyed(.PUT, listenKeyPath, retry: .idempotent) }

    /// `DELETE /fapi/v1/listenKey`: closes the user stream.
    public func closeListenKey() async throws { _ = try await keyed(.DELETE, listenKeyPath) }
}
