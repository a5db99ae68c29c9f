/// The life of a stream connection, as reported to users and the status bar.
public enum ConnectionState: Sendable, Hashable, CustomStringConvertible {
    /// Opening the websocket.
    case connecting
    /// Open and receiving.
    case connected
    /// The connection carries `streams` streams: those of its URL on connecting, and again after
    /// every confirmed `SUBSCRIBE`/`UNSUBSCRIBE`.
    case subscribed(streams: Int)
    /// A successor connection replaced this one before its age limit, with no gap.
    case rolledOver
    /// No frame arrived for the stale timeout; a reconnect follows.
    case stale
    /// The connection ended, with the reason.
    case disconnected(reason: String)
    /// Waiting `delay` before reconnect attempt `attempt` (1-based).
    case reconnecting(attempt: Int, delay: Duration)
    /// Stopped by the user; no reconnect follows.
    case stopped
    /// User data stream: creating (or re-creating) the listen key.
    case authenticating
    /// User data stream: the listen key was kept alive.
    case keptAlive
    /// User data stream: the listen key expired or was refused; a new one follows.
    case listenKeyInvalid(reason: String)

    public var description: String {
        switch self {
        case .connecting: "connecting"
        case .connected: "connected"
        case .subscribed(let n): "subscribed to \(n) stream\(n == 1 ? "" : "s")"
        case .rolledOver: "rolled over to a fresh connection"
        case .stale: "stale"
        case .disconnected(let reason): "disconnected (\(reason))"
        case .reconnecting(let attempt, let delay):
            "reconnecting #\(attempt) in \(delay.milliseconds) ms"
        case .stopped: "stopped"
        case .authenticating: "creating listen key"
        case .keptAlive: "listen key kept alive"
        case .listenKeyInvalid(let reason): "listen key invalid (\(reason)); renewing"
        }
    }
}

extension Duration {
    /// Whole milliseconds.
    public var milliseconds: Int64 {
        let (s, atto) = components
        return s * 1000 + atto / 1_000_000_000_000_000
    }
}
