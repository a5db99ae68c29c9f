import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import Synchronization

/// Settings of a ``RESTClient``.
public struct RESTConfiguration: Sendable {
    /// Per-request timeout.
    public var timeout: Duration
    /// Retries of an idempotent request (GET, a listen-key keepalive) after a 429, a 5xx or a
    /// transport error; other requests are attempted once.
    public var maxRetries: Int
    /// Delays between retries (a 429's `Retry-After` wins when longer).
    public var backoff: Backoff

    /// Creates settings.
    public init(timeout: Duration = .seconds(10), maxRetries: Int = 4,
                backoff: Backoff = Backoff(initial: .milliseconds(250), maximum: .seconds(10))) {
        self.timeout = timeout
        self.maxRetries = maxRetries
        self.backoff = backoff
    }
}

/// Request weight the server reports as used (`X-MBX-USED-WEIGHT-*` headers).
public struct UsedWeight: Sendable, Hashable {
    /// Header name suffix (`1m`) → weight.
    public var byInterval: [String: Int]
}

/// Orders the server reports as counted against the account (`X-MBX-ORDER-COUNT-*` headers of an
/// order answer), per interval: the spec's ORDERS rate limiters (e.g. `10s`, `1m`).
public struct OrderCount: Sendable, Hashable {
    /// Header name suffix (`1m`) → orders counted in that interval.
    public var byInterval: [String: Int]
}

/// A client for Aster's public futures REST endpoints, on AsyncHTTPClient.
///
/// Errors carry the server's `code`/`msg`. Idempotent requests (GET) are retried: HTTP 429 after
/// `Retry-After`, 5xx and transport errors with backoff; a POST or DELETE is attempted once.
/// HTTP 418 stops every call until its `Retry-After` has passed. The used-weight headers of the last answer are exposed as ``usedWeight``.
///
/// ```swift
/// let rest = RESTClient(baseURL: AsterEndpoint.productionREST)
/// let book = try await rest.depth(symbol: "BTCUSDT", limit: 1000)
/// ```
public final class RESTClient: Sendable {
    /// The base URL (`https://fapi.asterdex.com`).
    public let baseURL: String
    /// Settings.
    public let configuration: RESTConfiguration
    private let http: HTTPClient
    private let logger: Logger
    private let state = Mutex<(weight: UsedWeight?, orders: OrderCount?, bannedUntil: ContinuousClock.Instant?)>((nil, nil, nil))
    private let skipped = Mutex(0)

    /// Creates a client.
    ///
    /// - Parameters:
    ///   - baseURL: e.g. ``AsterEndpoint/productionREST``.
    ///   - configuration: timeouts and retries.
    ///   - httpClient: the HTTP client to send with.
    ///   - logger: where list elements left out of an answer are reported (warning level).
    public init(baseURL: String, configuration: RESTConfiguration = .init(), httpClient: HTTPClient = .shared,
                logger: Logger = Logger(label: "AsterKit.REST")) {
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        self.baseURL = base
        self.configuration = configuration
        self.http = httpClient
        self.logger = logger
    }

    /// List elements left out of answers so far because they failed to decode (a symbol, an
    /// order, a position, a kline…); each is logged with its path and reason.
    public var skippedElements: Int { skipped.withLock { $0 } }

    /// Counts and logs what a decode of `path`'s answer left out.
    func report(_ elements: SkippedElements, path: String) {
        guard !elements.errors.isEmpty else { return }
        skipped.withLock { $0 += elements.errors.count }
        for error in elements.errors {
            logger.warning("left out a list element that failed to decode", metadata: ["path": "\(path)", "error": "\(error)"])
        }
    }

    /// Decodes a list answer with `decode`, then counts and logs the elements it left out.
    func tolerant<T>(_ path: String, _ decode: (SkippedElements) throws(RESTError) -> T) throws(RESTError) -> T {
        let elements = SkippedElements()
        let value = try decode(elements)
        report(elements, path: path)
        return value
    }

    /// The used-weight headers of the last answer.
    public var usedWeight: UsedWeight? { state.withLock { $0.weight } }

    /// The order-count headers of the last answer that carried them (order answers do; rejected
    /// orders may not, as the spec says).
    public var orderCount: OrderCount? { state.withLock { $0.orders } }

    /// GETs `path` with `query`, retrying as documented; returns the body.
    public func get(_ path: String, query: [(String, String)] = []) async throws(RESTError) -> [UInt8] {
        try await send(.GET, path, query: RESTClient.encode(query))
    }

    /// Percent-encodes parameters into a query string, in the given order.
    public static func encode(_ query: [(String, String)]) -> String {
        query.map { formEncode($0.0) + "=" + formEncode($0.1) }.joined(separator: "&")
    }

    /// `application/x-www-form-urlencoded` as the spec's signing examples make it (Python's
    /// `urllib.parse.urlencode`): letters, digits and `_.-~` as they are, a space as `+`, every
    /// other byte as `%XX`. A client order id `a:b/c` is sent as `a%3Ab%2Fc`.
    public static func formEncode(_ text: String) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count)
        let hex = Array("0123456789ABCDEF".utf8)
        for b in text.utf8 {
            switch b {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "-"), UInt8(ascii: "~"):
                out.append(b)
            case UInt8(ascii: " "):
                out.append(UInt8(ascii: "+"))
            default:
                out.append(UInt8(ascii: "%"))
                out.append(hex[Int(b >> 4)])
                out.append(hex[Int(b & 0x0f)])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Sends a request with an already encoded query string, retried as ``RetryRule`` says for
    /// `method`. Only `path` ever appears in errors.
    public func send(_ method: HTTPMethod, _ path: String, query queryText: String,
                     headers: [(String, String)] = [], retry: RetryRule? = nil) async throws(RESTError) -> [UInt8] {
        try await send(method, path, retry: retry) { _ in (queryText, headers) }
    }

    /// Which requests are re-sent after a 429, a 5xx or a transport failure.
    public enum RetryRule: Sendable {
        /// Retried up to ``RESTConfiguration/maxRetries`` times (safe: GET, a listen-key keepalive).
        case idempotent
        /// Attempted once: a POST or DELETE may have been carried out even when its answer was an
        /// error or never came, so it is never re-sent blindly.
        case once

        /// GET and HEAD are idempotent; everything else is attempted once unless said otherwise.
        public static func `default`(for method: HTTPMethod) -> RetryRule {
            method == .GET || method == .HEAD ? .idempotent : .once
        }
    }

    /// Sends a request whose query and headers `build` makes afresh for every attempt (1-based),
    /// so a signed request is signed again with a fresh timestamp or nonce each time it is
    /// retried. Only idempotent requests are retried (see ``RetryRule``); a 418 stops every call
    /// until its `Retry-After`; a 429's `Retry-After` wins over the backoff when longer.
    public func send(_ method: HTTPMethod, _ path: String, retry: RetryRule? = nil,
                     build: (Int) throws(RESTError) -> (query: String, headers: [(String, String)])) async throws(RESTError) -> [UInt8] {
        if let until = state.withLock({ $0.bannedUntil }), until > .now {
            throw RESTError(kind: .banned(retryAfter: until - .now), path: path)
        }
        let retries = (retry ?? .default(for: method)) == .idempotent ? configuration.maxRetries : 0
        var pauses = configuration.backoff.retries()
        while true {
            let attempt = pauses.attempt + 1
            let (queryText, headers) = try build(attempt)
            let url = baseURL + path + (queryText.isEmpty ? "" : "?" + queryText)
            let failure: RESTError
            var wait: Duration?
            do {
                var request = HTTPClientRequest(url: url)
                request.method = method
                for (name, value) in headers { request.headers.add(name: name, value: value) }
                let response = try await http.execute(request, timeout: .milliseconds(configuration.timeout.milliseconds))
                let body = try await response.body.collect(upTo: 64 << 20)
                recordWeight(response.headers)
                let bytes = Array(body.readableBytesView)
                let status = Int(response.status.code)
                let retryAfter = response.headers.first(name: "Retry-After").flatMap(Int.init).map { Duration.seconds($0) }
                switch status {
                case 200..<300: return bytes
                case 418:
                    state.withLock { $0.bannedUntil = .now + (retryAfter ?? .seconds(60)) }
                    throw RESTError(kind: .banned(retryAfter: retryAfter), path: path)
                case 429:
                    failure = RESTError(kind: .rateLimited(retryAfter: retryAfter), path: path)
                    wait = retryAfter
                case 500..<600:
                    failure = Self.serverError(status, bytes, path)
                default:
                    throw Self.serverError(status, bytes, path)
                }
            } catch let error as RESTError {
                throw error
            } catch {
                failure = RESTError(kind: .transport("\(error)"), path: path)
            }
            guard attempt <= retries else { throw failure }
            let backoff = pauses.failed()
            guard await pauses.sleep(for: max(wait ?? .zero, backoff)) else { throw failure }
        }
    }

    private static func serverError(_ status: Int, _ body: [UInt8], _ path: String) -> RESTError {
        let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any]
        let code = object?["code"] as? Int
        let message = object?["msg"] as? String ?? String(decoding: body.prefix(200), as: UTF8.self)
        return RESTError(kind: .server(status: status, code: code, message: message), path: path)
    }

    private func recordWeight(_ headers: HTTPHeaders) {
        let weights = Self.intervals(headers, prefix: "x-mbx-used-weight")
        let orders = Self.intervals(headers, prefix: "x-mbx-order-count")
        guard !weights.isEmpty || !orders.isEmpty else { return }
        state.withLock {
            if !weights.isEmpty { $0.weight = UsedWeight(byInterval: weights) }
            if !orders.isEmpty { $0.orders = OrderCount(byInterval: orders) }
        }
    }

    /// `PREFIX-1M: 12` headers as `["1m": 12]` (a bare `PREFIX` as `total`); values that are not
    /// integers are left out.
    static func intervals(_ headers: HTTPHeaders, prefix: String) -> [String: Int] {
        var values: [String: Int] = [:]
        for (name, value) in headers {
            let lower = name.lowercased()
            guard lower.hasPrefix(prefix), let n = Int(value.trimmingCharacters(in: .whitespaces)) else { continue }
            let suffix = lower.dropFirst(prefix.count)
            values[suffix.isEmpty ? "total" : String(suffix.drop { $0 == "-" })] = n
        }
        return values
    }
}
