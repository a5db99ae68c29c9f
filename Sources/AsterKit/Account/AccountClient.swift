import Foundation
import NIOHTTP1
import Synchronization

/// Why an authenticated call could not be made.
public enum AccountError: Error, Sendable, Hashable, CustomStringConvertible {
    /// These credentials cannot sign this kind of request yet.
    case unsupported(String)

    public var description: String {
        switch self {
        case .unsupported(let why): why
        }
    }
}

/// Authenticated REST calls: listen keys (`USER_STREAM`, API key header) and signed
/// `USER_DATA` reads with `timestamp` and `recvWindow`, corrected by the server's clock offset.
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

    private var apiKeyHeader: [(String, String)] {
        switch credentials {
        case .hmac(let key, _): [("X-MBX-APIKEY", key)]
        case .agent: []
        }
    }

    private func requireV1() throws(AccountError) -> HMACSigner {
        guard case .hmac(_, let secret) = credentials else {
            throw .unsupported("V3 agent-wallet (EIP-712) signing is not implemented yet; use V1 API credentials")
        }
        return HMACSigner(secret: secret)
    }

    /// A signed call: parameters, then `recvWindow` and `timestamp`, then `signature` last.
    public func signed(_ method: HTTPMethod, _ path: String, _ parameters: [(String, String)] = []) async throws -> [UInt8] {
        let signer = try requireV1()
        let total = RESTClient.encode(parameters + [("recvWindow", String(recvWindow)), ("timestamp", String(timestamp()))])
        return try await rest.send(method, path, query: signer.signed(total), headers: apiKeyHeader)
    }

    /// An API-key-only call (`USER_STREAM`).
    private func keyed(_ method: HTTPMethod, _ path: String) async throws -> [UInt8] {
        _ = try requireV1()
        return try await rest.send(method, path, query: "", headers: apiKeyHeader)
    }

    /// `POST /fapi/v1/listenKey`: a new listen key, or the active one extended.
    public func createListenKey() async throws -> String {
        let path = "/fapi/v1/listenKey"
        let object = try RESTClient.object(try await keyed(.POST, path), path)
        guard let key = object["listenKey"] as? String, !key.isEmpty else {
            throw RESTError(kind: .invalidResponse("no listenKey"), path: path)
        }
        return key
    }

    /// `PUT /fapi/v1/listenKey`: extends the active key by 60 minutes.
    public func keepAliveListenKey() async throws { _ = try await keyed(.PUT, "/fapi/v1/listenKey") }

    /// `DELETE /fapi/v1/listenKey`: closes the user stream.
    public func closeListenKey() async throws { _ = try await keyed(.DELETE, "/fapi/v1/listenKey") }

    /// `GET /fapi/v4/account` (signed).
    public func account() async throws -> AccountInformation {
        let path = "/fapi/v4/account"
        return try AccountInformation(try RESTClient.object(try await signed(.GET, path), path), path: path)
    }

    /// `GET /fapi/v1/openOrders` (signed), of one symbol or all.
    public func openOrders(symbol: String? = nil) async throws -> [OpenOrder] {
        let path = "/fapi/v1/openOrders"
        let body = try await signed(.GET, path, symbol.map { [("symbol", $0.uppercased())] } ?? [])
        guard let list = try? JSONSerialization.jsonObject(with: Data(body)) as? [[String: Any]] else {
            throw RESTError(kind: .invalidResponse("expected a JSON array"), path: path)
        }
        var orders: [OpenOrder] = []
        for o in list { orders.append(try OpenOrder(o, path: path)) }
        return orders
    }
}
