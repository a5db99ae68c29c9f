import NIOCore

/// A parsed `ws://` or `wss://` URL.
struct WebSocketURL: Sendable, Hashable {
    var tls: Bool
    var host: String
    var port: Int
    var pathAndQuery: String

    init(_ text: String) throws(ConnectionError) {
        let lower = text.lowercased()
        let rest: Substring
        if lower.hasPrefix("wss://") {
            tls = true
            rest = text.dropFirst(6)
        } else if lower.hasPrefix("ws://") {
            tls = false
            rest = text.dropFirst(5)
        } else {
            throw ConnectionError("not a ws:// or wss:// URL: \(text)")
        }
        let slash = rest.firstIndex(where: { $0 == "/" || $0 == "?" }) ?? rest.endIndex
        var authority = rest[..<slash]
        let path = String(rest[slash...])
        pathAndQuery = path.isEmpty ? "/" : (path.hasPrefix("?") ? "/" + path : path)
        var port = tls ? 443 : 80
        if authority.hasPrefix("["), let close = authority.firstIndex(of: "]") {
            let after = authority[authority.index(after: close)...]
            if after.hasPrefix(":"), let p = Int(after.dropFirst()) { port = p }
            authority = authority[authority.index(after: authority.startIndex)..<close]
        } else if let colon = authority.lastIndex(of: ":") {
            guard let p = Int(authority[authority.index(after: colon)...]) else {
                throw ConnectionError("bad port in \(text)")
            }
            port = p
            authority = authority[..<colon]
        }
        guard !authority.isEmpty else { throw ConnectionError("no host in \(text)") }
        host = String(authority)
        self.port = port
    }

    /// Whether the host is a literal IP address (which TLS must not send as SNI).
    var hostIsIPAddress: Bool { (try? SocketAddress(ipAddress: host, port: 0)) != nil }
}

/// Why a connection could not be opened, or ended.
public struct ConnectionError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What happened.
    public var description: String
    init(_ description: String) { self.description = description }
}
