import AsterSim
import Foundation
import NIOCore
import NIOPosix
import Synchronization

/// A loopback TCP proxy between a client and a server that injects network faults, reproducibly
/// (every choice comes from one seeded generator, in the order connections arrive and bytes flow).
///
/// ```swift
/// let proxy = try await FaultProxy.start(upstreamPort: simPort, seed: 7, faults: .init(delay: .milliseconds(20)))
/// // connect the client to ws://127.0.0.1:\(proxy.port) …
/// await proxy.stop()
/// ```
///
/// Faults, each per connection and drawn when it is accepted:
/// - `delay`: every chunk, both ways, waits a random 0…`delay` (order kept);
/// - `reset`: after a random number of bytes toward the client, only part of the next chunk goes
///   out (so a frame is cut in the middle) and both sockets are reset (RST);
/// - `stopReading`: after a random number of bytes the proxy stops reading from the client and
///   stops forwarding to it (a peer that stops reading);
/// - `halfOpen`: after a random number of bytes the server side is closed, the client side stays
///   open and silent, and what the client sends is discarded (a half-open connection).
///
/// ``Faults/script`` makes sure each listed fault strikes: they are dealt before any random draw,
/// and one whose connection ended before it struck is dealt again. ``struck`` lists the faults
/// dealt (one per connection), ``strikes`` those that happened, ``injected`` counts them by kind
/// (delayed chunks included). A paused proxy (``start(upstreamPort:seed:faults:paused:)`` with
/// `paused: true`) does not accept: connects to it hang in SYN until ``resume()`` (a host that
/// does not answer).
public final class FaultProxy: Sendable {
    /// How often each fault strikes a connection (probabilities, 0…1) and how soon.
    public struct Faults: Sendable {
        public var delay: Duration = .zero
        public var reset: Double = 0
        public var stopReading: Double = 0
        public var halfOpen: Double = 0
        /// Bytes toward the client before a fault strikes: drawn from this range.
        public var strikeAfter: ClosedRange<Int> = 2_000...60_000
        /// A fault strikes at the first chunk toward the client once the connection is this old,
        /// if its bytes have not made it strike before (a quiet connection, a user stream, gets
        /// its fault too); `nil`: only after `strikeAfter` bytes.
        public var strikeWithin: Duration?
        /// Faults that strike first, in this order, each once, before any random draw (a
        /// connection accepted while one has not struck gets the first not already dealt to an
        /// open connection).
        public var script: [Fault] = []

        /// Faults with these odds (0…1 each) and delay.
        public init(delay: Duration = .zero, reset: Double = 0, stopReading: Double = 0, halfOpen: Double = 0,
                    strikeAfter: ClosedRange<Int> = 2_000...60_000, strikeWithin: Duration? = nil, script: [Fault] = []) {
            self.delay = delay
            self.reset = reset
            self.stopReading = stopReading
            self.halfOpen = halfOpen
            self.strikeAfter = strikeAfter
            self.strikeWithin = strikeWithin
            self.script = script
        }

        /// No fault: a plain proxy.
        public static let none = Faults()
    }

    /// The fault one connection got.
    public enum Fault: Sendable, Hashable {
        case none, reset, stopReading, halfOpen
    }

    /// A kind of fault injected, as counted by ``injected``.
    public enum Kind: Sendable, Hashable, CaseIterable {
        /// A chunk held back for a random delay.
        case delay
        /// A connection reset in the middle of a chunk (so of a frame).
        case reset
        /// A peer that stopped reading.
        case stopReading
        /// A half-open connection.
        case halfOpen
    }

    /// The port it listens on (127.0.0.1).
    public let port: Int
    private let server: any Channel
    private let state: Mutex<State>
    private let upstreamPort: Int

    private struct State {
        var random: SeededGenerator
        var faults: Faults
        var channels: [ObjectIdentifier: any Channel] = [:]
        var struck: [Fault] = []
        var accepted = 0
        var filler: (any Channel)?
        var stopped = false
        var clientFrames: [ClientFrame] = []
        var strikes: [Fault] = []
        var injected: [Kind: Int] = [:]
        /// Scripted faults that have not struck yet, in order.
        var script: [Fault] = []
        /// Scripted faults dealt to connections still open (by connection number).
        var scriptDealt: [Int: Fault] = [:]
    }

    /// A websocket frame a client sent through the proxy: when it passed, and its opcode.
    public struct ClientFrame: Sendable {
        public var at: ContinuousClock.Instant
        public var opcode: UInt8
    }

    private init(server: any Channel, port: Int, upstreamPort: Int, state: State) {
        self.server = server
        self.port = port
        self.upstreamPort = upstreamPort
        self.state = Mutex(state)
    }

    /// Starts a proxy on 127.0.0.1 (a free port) in front of `127.0.0.1:upstreamPort`.
    public static func start(upstreamPort: Int, seed: UInt64, faults: Faults = .none, paused: Bool = false) async throws
        -> FaultProxy
    {
        let box = ProxyBox()
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: paused ? Int32(0) : Int32(256))
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .serverChannelOption(.autoRead, value: !paused)
            .childChannelOption(.autoRead, value: false)
            .childChannelInitializer { channel in
                guard let proxy = box.value.withLock({ $0 }) else { return channel.close() }
                proxy.accept(channel)
                return channel.eventLoop.makeSucceededVoidFuture()
            }
            .bind(host: "127.0.0.1", port: 0).get()
        guard let port = server.localAddress?.port else { throw ProxyError("no port") }
        let proxy = FaultProxy(server: server, port: port, upstreamPort: upstreamPort,
                               state: State(random: SeededGenerator(seed: seed), faults: faults, script: faults.script))
        box.value.withLock { $0 = proxy }
        if paused {
            // One connection fills the accept queue of a backlog of 0: the next SYNs are dropped.
            let filler = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connect(host: "127.0.0.1", port: port).get()
            proxy.state.withLock { $0.filler = filler }
        }
        return proxy
    }

    /// Starts accepting (a paused proxy); the connections waiting in SYN complete at their next
    /// retransmission.
    public func resume() async throws {
        if let filler = state.withLock({ $0.filler }) { try? await filler.close() }
        try await server.setOption(.autoRead, value: true).get()
    }

    /// Changes the faults for connections accepted from now on (a new script replaces what is
    /// left of the old one).
    public func setFaults(_ faults: Faults) {
        state.withLock { s in
            s.faults = faults
            s.script = faults.script
            s.scriptDealt = [:]
        }
    }

    /// Client connections accepted so far.
    public var accepted: Int { state.withLock { $0.accepted } }
    /// Sockets open now (both sides of every connection).
    public var openSockets: Int { state.withLock { $0.channels.count } }
    /// The faults drawn so far, one per connection, in order.
    public var struck: [Fault] { state.withLock { $0.struck } }
    /// The faults that actually struck (their connection carried enough bytes), in order.
    public var strikes: [Fault] { state.withLock { $0.strikes } }
    /// What was injected so far, by kind: delayed chunks, and the faults that struck.
    public var injected: [Kind: Int] { state.withLock { $0.injected } }
    /// Scripted faults that have not struck yet.
    public var scriptLeft: [Fault] { state.withLock { $0.script } }

    fileprivate func recordStrike(_ fault: Fault, connection: Int) {
        state.withLock { s in
            s.strikes.append(fault)
            if let kind = Kind(fault) { s.injected[kind, default: 0] += 1 }
            if s.scriptDealt.removeValue(forKey: connection) != nil, let i = s.script.firstIndex(of: fault) {
                s.script.remove(at: i)
            }
        }
    }

    fileprivate func recordDelay() { state.withLock { $0.injected[.delay, default: 0] += 1 } }

    /// Connection `number` closed: a scripted fault it did not suffer is dealt again.
    fileprivate func connectionEnded(_ number: Int) { _ = state.withLock { $0.scriptDealt.removeValue(forKey: number) } }

    /// Every websocket frame clients sent, in order of arrival (all connections).
    public var clientFrames: [ClientFrame] { state.withLock { $0.clientFrames } }

    fileprivate func record(_ opcodes: [UInt8]) {
        let now = ContinuousClock.now
        state.withLock { s in s.clientFrames += opcodes.map { ClientFrame(at: now, opcode: $0) } }
    }

    /// Closes the listener and every connection (those still connecting upstream are closed as
    /// they complete); returns once all are closed.
    public func stop() async {
        let all = state.withLock { s -> [any Channel] in
            s.stopped = true
            return Array(s.channels.values) + [s.filler].compactMap { $0 }
        }
        try? await server.close()
        for channel in all { try? await channel.close() }
    }

    // MARK: Connections

    /// Records an open socket; `false` (and the socket is closed) once the proxy has stopped.
    private func track(_ channel: any Channel) -> Bool {
        let id = ObjectIdentifier(channel)
        let kept = state.withLock { s -> Bool in
            guard !s.stopped else { return false }
            s.channels[id] = channel
            return true
        }
        guard kept else {
            channel.close(promise: nil)
            return false
        }
        channel.closeFuture.whenComplete { [weak self] _ in _ = self?.state.withLock { $0.channels.removeValue(forKey: id) } }
        return true
    }

    /// Deals the fault of the next connection: the script first, then the odds.
    private static func deal(_ s: inout State, number: Int) -> Fault {
        let f = s.faults
        let roll = Double.random(in: 0..<1, using: &s.random)
        if let scripted = s.script.first(where: { kind in !s.scriptDealt.values.contains(kind) }) {
            s.scriptDealt[number] = scripted
            return scripted
        }
        return roll < f.reset ? .reset
            : roll < f.reset + f.stopReading ? .stopReading
            : roll < f.reset + f.stopReading + f.halfOpen ? .halfOpen : .none
    }

    /// A new client connection: draw its fault, connect upstream, then glue the two.
    private func accept(_ client: any Channel) {
        let plan = state.withLock { s -> ConnectionPlan? in
            guard !s.stopped else { return nil }
            s.accepted += 1
            let number = s.accepted
            let fault = Self.deal(&s, number: number)
            s.struck.append(fault)
            let after = Int.random(in: s.faults.strikeAfter, using: &s.random)
            return ConnectionPlan(number: number, fault: fault, strikeAfter: after, strikeWithin: s.faults.strikeWithin,
                                  delay: s.faults.delay, seed: s.random.next())
        }
        guard let plan, track(client) else {
            client.close(promise: nil)
            return
        }
        client.closeFuture.whenComplete { [weak self] _ in self?.connectionEnded(plan.number) }
        let upstreamPort = self.upstreamPort
        ClientBootstrap(group: client.eventLoop)
            .channelOption(.autoRead, value: false)
            .connect(host: "127.0.0.1", port: upstreamPort)
            .whenComplete { [weak self] result in
                switch result {
                case .failure:
                    client.close(promise: nil)
                case .success(let upstream):
                    guard let self, self.track(upstream) else {
                        upstream.close(promise: nil)
                        return client.close(promise: nil)
                    }
                    let link = ProxyLink(client: client, upstream: upstream, plan: plan, events: ProxyLink.Events(
                        struck: { [weak self] in self?.recordStrike($0, connection: plan.number) },
                        delayed: { [weak self] in self?.recordDelay() },
                        observe: { [weak self] in self?.record($0) }))
                    link.start()
                }
            }
    }
}

extension FaultProxy.Kind {
    /// The kind of a connection fault (`nil` for none).
    init?(_ fault: FaultProxy.Fault) {
        switch fault {
        case .none: return nil
        case .reset: self = .reset
        case .stopReading: self = .stopReading
        case .halfOpen: self = .halfOpen
        }
    }
}

/// Where the server's child initializer finds its proxy (made before the proxy exists).
private final class ProxyBox: Sendable {
    let value = Mutex<FaultProxy?>(nil)
}

public struct ProxyError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// Runs `body` with a ``FaultProxy`` in front of `127.0.0.1:upstreamPort`, and stops the proxy
/// however `body` ends (a failed expectation included): its sockets never outlive the body.
public func withFaultProxy<T: Sendable>(upstreamPort: Int, seed: UInt64, faults: FaultProxy.Faults = .none,
                                        _ body: (FaultProxy) async throws -> T) async throws -> T {
    let proxy = try await FaultProxy.start(upstreamPort: upstreamPort, seed: seed, faults: faults)
    do {
        let result = try await body(proxy)
        await proxy.stop()
        return result
    } catch {
        await proxy.stop()
        throw error
    }
}
