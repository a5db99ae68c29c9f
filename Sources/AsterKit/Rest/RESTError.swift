/// Why a REST call failed, with the server's own `code` and `msg` when it sent them.
public struct RESTError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The kind of failure.
    public enum Kind: Sendable, Equatable {
        /// The server answered with an error status and body (`{"code":…, "msg":…}`).
        case server(status: Int, code: Int?, message: String)
        /// HTTP 429: too many requests; retried after `Retry-After` until the retries run out.
        case rateLimited(retryAfter: Duration?)
        /// HTTP 418: the IP is banned; no retries until `Retry-After` has passed.
        case banned(retryAfter: Duration?)
        /// The connection failed or timed out.
        case transport(String)
        /// The body was not what the endpoint documents.
        case invalidResponse(String)
        /// The request was never sent (it could not be signed).
        case notSent(String)
    }

    /// The kind of failure.
    public let kind: Kind
    /// The endpoint path (never the query, which may carry a signature).
    public let path: String

    public var description: String {
        switch kind {
        case .server(let status, let code, let message):
            return "\(path): HTTP \(status)\(code.map { " code \($0)" } ?? ""): \(message)"
        case .rateLimited(let after): return "\(path): rate limited (HTTP 429)\(after.map { ", retry after \($0)" } ?? "")"
        case .banned(let after): return "\(path): IP banned (HTTP 418)\(after.map { ", retry after \($0)" } ?? "")"
        case .transport(let why): return "\(path): \(why)"
        case .invalidResponse(let why): return "\(path): invalid response: \(why)"
        case .notSent(let why): return "\(path): not sent: \(why)"
        }
    }
}
