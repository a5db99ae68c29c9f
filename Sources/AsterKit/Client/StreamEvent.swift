import Foundation
import Logging
import NIOSSL

/// What a client delivers: decoded messages, decode failures and connection state changes.
public enum StreamEvent: Sendable {
    /// A decoded frame.
    case message(StreamMessage)
    /// A frame that could not be decoded (already counted and logged).
    case decodeFailure(DecodingFailure)
    /// A connection changed state.
    case state(ConnectionUpdate)

    /// The connection state, if this is a state change.
    public var connectionState: ConnectionState? {
        if case .state(let update) = self { update.state } else { nil }
    }
}

/// A connection's new state, saying which connection it concerns and what it carries.
public struct ConnectionUpdate: Sendable, Hashable, CustomStringConvertible {
    /// The connection (shard and generation).
    public var connection: ConnectionID
    /// Its state.
    public var state: ConnectionState
    /// The stream names it carries (or will, once connected).
    public var streams: [String]

    /// Creates an update.
    public init(connection: ConnectionID, state: ConnectionState, streams: [String] = []) {
        self.connection = connection
        self.state = state
        self.streams = streams
    }

    public var description: String { "\(connection) \(state)" }
}

/// One raw frame as received, for recording (see ``EventFeeds/rawFrames(bufferLimit:)``).
public struct RawFrame: Sendable, Hashable {
    /// The frame's text.
    public var text: String
    /// Wall-clock receive time, milliseconds since 1970.
    public var receivedAt: Int64
    /// The connection it came on.
    public var connection: ConnectionID
}

/// Why a live request got no reply.
public enum LiveRequestError: Error, Sendable, Hashable, CustomStringConvertible {
    /// No reply within ``StreamConfiguration/requestTimeout``.
    case timeout(id: Int64)
    /// The connection is not open (or closed while waiting).
    case notConnected
    /// The source cannot take live requests (a replay).
    case notLive
    /// The reply to request `id` was not of the kind the request asks for.
    case unexpectedReply(id: Int64)

    public var description: String {
        switch self {
        case .timeout(let id): "no reply to request \(id) in time"
        case .notConnected: "the stream is not connected"
        case .notLive: "a replay takes no live requests"
        case .unexpectedReply(let id): "the reply to request \(id) was not of the expected kind"
        }
    }
}

/// Settings of a ``StreamClient`` or ``UserDataStream``; the defaults suit Aster's servers.
public struct StreamConfiguration: Sendable {
    /// Tear a connection down when no data frame arrives for this long, whatever it carries.
    /// `nil` (the default) applies ``cadenceStaleTimeout`` only to connections that carry a stream
    /// with a guaranteed cadence (mark price, partial depth, all-market tickers), and no silence
    /// limit at all to connections that may legitimately be quiet (liquidations, a quiet symbol's
    /// trades, the user stream): those are watched by pings.
    public var staleTimeout: Duration?
    /// The silence limit for connections carrying a stream with a guaranteed cadence.
    public var cadenceStaleTimeout: Duration
    /// How often the client pings each connection.
    public var pingInterval: Duration
    /// A ping unanswered (no pong, and no ping from the server) this long means a dead peer.
    public var pingTimeout: Duration
    /// Delays between reconnect attempts.
    public var backoff: Backoff
    /// Largest accepted frame, in bytes.
    public var maxFrameSize: Int
    /// Whether to reconnect after a close or error.
    public var reconnect: Bool
    /// Elements buffered for each consumer that gives no limit of its own.
    public var bufferLimit: Int
    /// How long a live request waits for its reply.
    public var requestTimeout: Duration
    /// A connection that stayed up this long resets the backoff to its first step.
    public var healthyPeriod: Duration
    /// Age at which a connection is replaced by a fresh one opened beside it (Aster closes
    /// connections at 24 hours); `nil` never rolls over. Default: 23 h 30 min.
    public var rolloverAfter: Duration?
    /// How long a rollover may wait for proof that the old connection has delivered everything.
    public var rolloverGrace: Duration
    /// Opening a connection (TCP, TLS, websocket handshake) must take no longer.
    public var connectTimeout: Duration
    /// After sending its close frame, the client discards frames until the server's close for at
    /// most this long, then closes the socket.
    public var closeTimeout: Duration
    /// How long frames may wait to be read together when they arrive densely. Below about
    /// 20,000 frames a second every socket read is decoded and delivered at once; above it a
    /// connection reads its socket at most once per this interval, so each wake-up (of its event
    /// loop and of the consumers) carries many frames and none waits longer than this. Zero:
    /// always read at once.
    public var deliveryInterval: Duration = .microseconds(500)
    /// Strings never to show in a reason or a log line (a listen key in the URL, say).
    public var redacting: [String] = []
    /// TLS settings for `wss://` (custom trust roots, client certificates); `nil` uses the
    /// system's trust roots.
    public var tlsConfiguration: TLSConfiguration?

    /// Creates settings.
    public init(
        staleTimeout: Duration? = nil, cadenceStaleTimeout: Duration = .seconds(60),
        pingInterval: Duration = .seconds(30), pingTimeout: Duration = .seconds(20),
        backoff: Backoff = Backoff(), maxFrameSize: Int = 8 << 20,
        reconnect: Bool = true, bufferLimit: Int = 10_000,
        requestTimeout: Duration = .seconds(10), healthyPeriod: Duration = .seconds(30),
        rolloverAfter: Duration? = .seconds(23 * 3600 + 30 * 60), rolloverGrace: Duration = .seconds(30),
        connectTimeout: Duration = .seconds(10), closeTimeout: Duration = .seconds(1),
        tlsConfiguration: TLSConfiguration? = nil
    ) {
        self.staleTimeout = staleTimeout
        self.cadenceStaleTimeout = cadenceStaleTimeout
        self.pingInterval = pingInterval
        self.pingTimeout = pingTimeout
        self.backoff = backoff
        self.maxFrameSize = maxFrameSize
        self.reconnect = reconnect
        self.bufferLimit = bufferLimit
        self.requestTimeout = requestTimeout
        self.healthyPeriod = healthyPeriod
        self.rolloverAfter = rolloverAfter
        self.rolloverGrace = rolloverGrace
        self.connectTimeout = connectTimeout
        self.closeTimeout = closeTimeout
        self.tlsConfiguration = tlsConfiguration
    }

    /// The silence limit of a connection carrying `streams`: the explicit one, else the cadence
    /// one if any stream has a guaranteed cadence, else none.
    func staleTimeout(carrying streams: [StreamName]) -> Duration? {
        if let staleTimeout { return staleTimeout }
        return streams.contains(where: \.hasGuaranteedCadence) ? cadenceStaleTimeout : nil
    }

    /// Hides the ``redacting`` strings in `text`.
    func redact(_ text: String) -> String {
        redacting.reduce(text) { $0.replacingOccurrences(of: $1, with: Credentials.redact($1)) }
    }

    func connectionSettings(counters: StreamCounters, staleTimeout: Duration?, logger: Logger) -> ConnectionSettings {
        ConnectionSettings(
            maxFrameSize: maxFrameSize, tls: tlsConfiguration, connectTimeout: connectTimeout, pingInterval: pingInterval,
            pingTimeout: pingTimeout, staleTimeout: staleTimeout, rolloverAfter: rolloverAfter, closeTimeout: closeTimeout,
            deliveryInterval: deliveryInterval,
            counters: counters, logger: logger)
    }
}

extension StreamName {
    /// Whether the server sends this stream on a fixed cadence whatever the market does, so
    /// that silence means a stall.
    public var hasGuaranteedCadence: Bool {
        switch self {
        case .markPrice, .allMarkPrices, .partialDepth, .allTickers, .allMiniTickers: true
        default: false
        }
    }
}
