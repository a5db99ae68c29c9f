import Hummingbird
import Synchronization

/// Misbehaviour the simulator can be told to show, from tests or from `aster-tui sim` flags.
public struct SimFaultPlan: Sendable {
    /// Answers the next REST requests get instead of the real one: (HTTP status, Retry-After seconds).
    public var restFailures: [(status: Int, retryAfter: Int?)] = []
    /// Delay added to every REST answer.
    public var restDelay: Duration = .zero
    /// Answers (HTTP status) the next requests to one endpoint get, by path (`/fapi/v4/account`),
    /// after their signature was checked (so a signed request's nonce counts as used).
    public var pathFailures: [String: [Int]] = [:]
    /// Per signed path (`/fapi/v1/order`): the next requests are carried out, then answered only
    /// after these delays (one per request): a client that times out first cannot know the outcome.
    public var answerDelays: [String: [Duration]] = [:]
    /// Symbols (upper case) whose next diff-depth event is silently dropped (a gap).
    public var dropNextDiff: Set<String> = []

    public init() {}
}

/// A signed request the simulator received and verified: what identifies one attempt.
public struct SimSignedAttempt: Sendable, Hashable {
    /// HTTP method.
    public var method: String
    /// Path (`/fapi/v4/account`).
    public var path: String
    /// V1 `timestamp`.
    public var timestamp: Int64?
    /// V3 `nonce`.
    public var nonce: Int64?
}

extension SimServer {
    /// Signed requests verified so far (the last 1,000), optionally only those to `path`.
    public func signedAttempts(path: String? = nil) -> [SimSignedAttempt] {
        signedLog.withLock { log in path.map { p in log.filter { $0.path == p } } ?? log }
    }

    func recordSignedAttempt(_ attempt: SimSignedAttempt) {
        signedLog.withLock { log in
            log.append(attempt)
            if log.count > 1_000 { log.removeFirst(log.count - 1_000) }
        }
    }

    /// Changes the fault plan.
    public func faults(_ change: (inout SimFaultPlan) -> Void) {
        faultPlan.withLock { change(&$0) }
    }

    /// Closes every websocket connection now (clients see the server go away).
    public func disconnectAll() { hub.disconnectAll() }

    /// The injected failure for a request to `path`, if one is queued for that path.
    func pathFault(_ path: String) -> Response? {
        let status = faultPlan.withLock { plan -> Int? in
            guard var queue = plan.pathFailures[path], !queue.isEmpty else { return nil }
            let first = queue.removeFirst()
            plan.pathFailures[path] = queue.isEmpty ? nil : queue
            return first
        }
        guard let status else { return nil }
        return json(#"{"code":-1001,"msg":"Injected failure (HTTP \#(status))."}"#, status: HTTPResponse.Status(code: status))
    }

    /// The injected REST failure for this request, if one is queued.
    /// The delay before answering the next request on `path`, if one is planned.
    func answerDelay(_ path: String) -> Duration? {
        faultPlan.withLock { plan -> Duration? in
            guard var queue = plan.answerDelays[path], !queue.isEmpty else { return nil }
            let first = queue.removeFirst()
            plan.answerDelays[path] = queue.isEmpty ? nil : queue
            return first
        }
    }

    func restFault() async throws -> Response? {
        let (failure, delay) = faultPlan.withLock { plan -> ((status: Int, retryAfter: Int?)?, Duration) in
            (plan.restFailures.isEmpty ? nil : plan.restFailures.removeFirst(), plan.restDelay)
        }
        if delay > .zero { try await Task.sleep(for: delay) }
        guard let failure else { return nil }
        var response = json(#"{"code":-1003,"msg":"Injected failure (HTTP \#(failure.status))."}"#,
                            status: HTTPResponse.Status(code: failure.status))
        if let after = failure.retryAfter { response.headers[.retryAfter] = String(after) }
        return response
    }

    /// Removes diff events the plan says to drop.
    func applyDrops(_ batch: [SimOutgoing]) -> [SimOutgoing] {
        let drops = faultPlan.withLock { $0.dropNextDiff }
        guard !drops.isEmpty else { return batch }
        var remaining = drops
        let kept = batch.filter { item in
            guard let at = item.stream.firstIndex(of: "@") else { return true }
            let symbol = item.stream[..<at].uppercased()
            let suffix = item.stream[at...]
            let isDiff = suffix == "@depth" || suffix == "@depth@100ms" || suffix == "@depth@500ms"
            guard isDiff, remaining.contains(symbol) else { return true }
            return false
        }
        for item in batch where item.stream.contains("@depth") {
            if let at = item.stream.firstIndex(of: "@") { remaining.remove(item.stream[..<at].uppercased()) }
        }
        faultPlan.withLock { $0.dropNextDiff = $0.dropNextDiff.intersection(remaining) }
        return kept
    }
}
