import NIOCore
import Synchronization

/// The connection attempts of one ``WebSocketConnection/connect(id:url:settings:callbacks:)``
/// call, one per channel NIO opened (one per address tried), each with its own upgrade promise
/// and connection object.
final class ConnectAttempts: Sendable {
    private struct Attempt {
        var channel: any Channel
        var promise: EventLoopPromise<Void>
        var connection: WebSocketConnection
    }

    private struct State {
        var attempts: [ObjectIdentifier: Attempt] = [:]
        var cancelled = false
    }

    private let state = Mutex(State())

    /// Records an attempt (called from the channel initializer); one made after ``cancel()`` is
    /// closed at once.
    func add(channel: any Channel, promise: EventLoopPromise<Void>, connection: WebSocketConnection) {
        let cancelled = state.withLock { s in
            s.attempts[ObjectIdentifier(channel)] = Attempt(channel: channel, promise: promise, connection: connection)
            return s.cancelled
        }
        if cancelled { channel.close(promise: nil) }
    }

    /// The winning channel's promise and connection; every other attempt's promise fails (its
    /// channel is closed by NIO).
    func winner(_ channel: any Channel) -> (EventLoopPromise<Void>, WebSocketConnection)? {
        let (won, lost) = state.withLock { s -> (Attempt?, [Attempt]) in
            let won = s.attempts.removeValue(forKey: ObjectIdentifier(channel))
            defer { s.attempts = [:] }
            return (won, Array(s.attempts.values))
        }
        for attempt in lost { attempt.promise.fail(ConnectionError("another address connected first")) }
        return won.map { ($0.promise, $0.connection) }
    }

    /// Fails every attempt's promise (the connect failed).
    func failAll(_ error: any Error) {
        let all = state.withLock { s -> [Attempt] in
            defer { s.attempts = [:] }
            return Array(s.attempts.values)
        }
        for attempt in all { attempt.promise.fail(error) }
    }

    /// Closes every attempt's channel, and any made from now on (the caller was cancelled).
    func cancel() {
        let all = state.withLock { s -> [Attempt] in
            s.cancelled = true
            return Array(s.attempts.values)
        }
        for attempt in all { attempt.channel.close(promise: nil) }
    }
}
