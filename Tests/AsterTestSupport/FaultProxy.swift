import AsterSim
import Foundation
import NIOCore
import NIOPosix
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

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
/// ``struck`` lists the faults dealt (one per connection), ``strikes`` those that happened.
/// A paused proxy (``start(upstreamPort:seed:faults:paused:)`` with `paused: true`) does not
/// accept: connects to it hang in SYN until ``resume()`` (a host that does not answer).
public final class FaultProxy: Sendable {
    /// How often each fault strikes a connection (probabilities, 0…1) and how soon.
    public struct Faults: Sendable {
        public var delay: Duration = .zero
        public var reset: Double = 0
        public var stopReading: Double = 0
        public var halfOpen: Double = 0
        /// Bytes toward the client before a fault strikes: drawn from this range.
        public var strikeAfter: ClosedRange<Int> = 2_000...60_000

        /// Faults with these odds (0…1 each) and delay.
        public init(delay: Duration = .zero, reset: Double = 0, stopReading: Double = 0, halfOpen: Double = 0,
                    strikeAfter: ClosedRange<Int> = 2_000...60_000) {
            self.delay = delay
            self.reset = reset
            self.stopReading = stopReading
            self.halfOpen = halfOpen
            self.strikeAfter = strikeAfter
        }

        /// No fault: a plain proxy.
        public static let none = Faults()
    }

    /// The fault one connection got.
    public enum Fault: Sendable, Hashable {
        case none, reset, stopReading, halfOpen
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
                               state: State(random: SeededGenerator(seed: seed), faults: faults))
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

    /// Changes the faults for connections accepted from now on.
    public func setFaults(_ faults: Faults) { state.withLock { $0.faults = faults } }

    /// Client connections accepted so far.
    public var accepted: Int { state.withLock { $0.accepted } }
    /// Sockets open now (both sides of every connection).
    public var openSockets: Int { state.withLock { $0.channels.count } }
    /// The faults drawn so far, one per connection, in order.
    public var struck: [Fault] { state.withLock { $0.struck } }
    /// The faults that actually struck (their connection carried enough bytes), in order.
    public var strikes: [Fault] { state.withLock { $0.strikes } }

    fileprivate func recordStrike(_ fault: Fault) { state.withLock { $0.strikes.append(fault) } }

    /// Every websocket frame clients sent, in order of arrival (all connections).
    public var clientFrames: [ClientFrame] { state.withLock { $0.clientFrames } }

    fileprivate func record(_ opcodes: [UInt8]) {
        let now = ContinuousClock.now
        state.withLock { s in s.clientFrames += opcodes.map { ClientFrame(at: now, opcode: $0) } }
    }

    /// Closes the listener and every connection.
    public func stop() async {
        let all = state.withLock { s -> [any Channel] in
            s.stopped = true
            return Array(s.channels.values) + [s.filler].compactMap { $0 }
        }
        try? await server.close()
        for channel in all { try? await channel.close() }
    }

    // MARK: Connections

    private func track(_ channel: any Channel) {
        let id = ObjectIdentifier(channel)
        state.withLock { $0.channels[id] = channel }
        channel.closeFuture.whenComplete { [weak self] _ in _ = self?.state.withLock { $0.channels.removeValue(forKey: id) } }
    }

    /// A new client connection: draw its fault, connect upstream, then glue the two.
    private func accept(_ client: any Channel) {
        let plan = state.withLock { s -> ConnectionPlan? in
            guard !s.stopped else { return nil }
            s.accepted += 1
            let f = s.faults
            let roll = Double.random(in: 0..<1, using: &s.random)
            let fault: Fault =
                roll < f.reset ? .reset
                : roll < f.reset + f.stopReading ? .stopReading
                : roll < f.reset + f.stopReading + f.halfOpen ? .halfOpen : .none
            s.struck.append(fault)
            let after = Int.random(in: f.strikeAfter, using: &s.random)
            return ConnectionPlan(fault: fault, strikeAfter: after, delay: f.delay, seed: s.random.next())
        }
        guard let plan else {
            client.close(promise: nil)
            return
        }
        track(client)
        let upstreamPort = self.upstreamPort
        ClientBootstrap(group: client.eventLoop)
            .channelOption(.autoRead, value: false)
            .connect(host: "127.0.0.1", port: upstreamPort)
            .whenComplete { [weak self] result in
                switch result {
                case .failure:
                    client.close(promise: nil)
                case .success(let upstream):
                    guard let self else { return upstream.close(promise: nil) }
                    self.track(upstream)
                    let link = ProxyLink(client: client, upstream: upstream, plan: plan,
                                         struck: { [weak self] in self?.recordStrike($0) }) { [weak self] in self?.record($0) }
                    link.start()
                }
            }
    }
}

/// What a connection will suffer.
struct ConnectionPlan: Sendable {
    var fault: FaultProxy.Fault
    var strikeAfter: Int
    var delay: Duration
    var seed: UInt64
}

/// The two sockets of one proxied connection and the bytes between them, on one event loop.
final class ProxyLink: @unchecked Sendable {  // confined to the client channel's event loop
    private let client: any Channel
    private let upstream: any Channel
    private let plan: ConnectionPlan
    private var random: SeededGenerator
    private var toClient = 0
    private var struck = false
    private var silent = false
    /// When the last delayed chunk each way goes out (so delays keep the order).
    private var lastDue: [Bool: NIODeadline] = [:]
    private var scanner = ClientFrameScanner()
    private let observe: @Sendable ([UInt8]) -> Void
    private let struckNow: @Sendable (FaultProxy.Fault) -> Void

    init(client: any Channel, upstream: any Channel, plan: ConnectionPlan,
         struck: @escaping @Sendable (FaultProxy.Fault) -> Void, observe: @escaping @Sendable ([UInt8]) -> Void) {
        self.struckNow = struck
        self.client = client
        self.upstream = upstream
        self.plan = plan
        self.random = SeededGenerator(seed: plan.seed)
        self.observe = observe
    }

    func start() {
        let loop = client.eventLoop
        loop.execute {
            _ = try? self.client.pipeline.syncOperations.addHandler(Pump(link: self, fromClient: true))
            self.upstream.eventLoop.execute {
                _ = try? self.upstream.pipeline.syncOperations.addHandler(Pump(link: self, fromClient: false))
                self.upstream.setOption(.autoRead, value: true).whenComplete { _ in }
                loop.execute { self.client.setOption(.autoRead, value: true).whenComplete { _ in } }
            }
        }
    }

    /// Bytes read from one side (called on that side's event loop).
    func received(_ buffer: ByteBuffer, fromClient: Bool) {
        client.eventLoop.execute { self.route(buffer, fromClient: fromClient) }
    }

    func closed(fromClient: Bool) {
        client.eventLoop.execute {
            // A half-open connection's client side stays open when the server side goes.
            if !fromClient && self.silent && self.plan.fault == .halfOpen { return }
            self.client.close(promise: nil)
            self.upstream.close(promise: nil)
        }
    }

    private func route(_ buffer: ByteBuffer, fromClient: Bool) {
        if silent { return }
        if fromClient {
            let opcodes = scanner.scan(buffer)
            if !opcodes.isEmpty { observe(opcodes) }
        }
        var buffer = buffer
        if !fromClient && !struck && plan.fault != .none && toClient + buffer.readableBytes >= plan.strikeAfter {
            struck = true
            strike(&buffer)
            if plan.fault == .reset || silent { return }
        }
        if !fromClient { toClient += buffer.readableBytes }
        let target = fromClient ? upstream : client
        guard plan.delay > .zero else { return target.writeAndFlush(buffer, promise: nil) }
        let nanos = Int64.random(in: 0...plan.delay.proxyNanoseconds, using: &random)
        let due = max(NIODeadline.now() + .nanoseconds(nanos), lastDue[fromClient] ?? .distantPast)
        lastDue[fromClient] = due
        client.eventLoop.scheduleTask(deadline: due) { target.writeAndFlush(buffer, promise: nil) }
    }

    private func strike(_ buffer: inout ByteBuffer) {
        struckNow(plan.fault)
        switch plan.fault {
        case .none: break
        case .reset:
            // Part of this chunk goes out, then both sockets are reset.
            let part = max(1, buffer.readableBytes / 2)
            if let head = buffer.readSlice(length: part) { client.writeAndFlush(head, promise: nil) }
            for channel in [client, upstream] {
                if let provider = channel as? any SocketOptionProvider {
                    provider.setSoLinger(linger(l_onoff: 1, l_linger: 0)).whenComplete { _ in channel.close(promise: nil) }
                } else {
                    channel.close(promise: nil)
                }
            }
        case .stopReading:
            silent = true
            client.setOption(.autoRead, value: false).whenComplete { _ in }
            upstream.setOption(.autoRead, value: false).whenComplete { _ in }
        case .halfOpen:
            silent = true
            upstream.close(promise: nil)
        }
    }
}

/// Hands what one side reads to the link.
private final class Pump: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    private let link: ProxyLink
    private let fromClient: Bool

    init(link: ProxyLink, fromClient: Bool) {
        self.link = link
        self.fromClient = fromClient
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        link.received(unwrapInboundIn(data), fromClient: fromClient)
    }

    func channelInactive(context: ChannelHandlerContext) {
        link.closed(fromClient: fromClient)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
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

extension Duration {
    fileprivate var proxyNanoseconds: Int64 {
        let (seconds, atto) = components
        return seconds * 1_000_000_000 + atto / 1_000_000_000
    }
}

/// Finds the websocket frames in a client's byte stream (after its HTTP upgrade request): their
/// opcodes, as each frame's header goes by.
struct ClientFrameScanner {
    private var inHeaders = true
    private var headerTail: [UInt8] = []
    private var pending: [UInt8] = []
    /// Payload bytes (of the current frame) still to skip.
    private var skip = 0

    mutating func scan(_ buffer: ByteBuffer) -> [UInt8] {
        var bytes = Array(buffer.readableBytesView)
        if inHeaders {
            headerTail += bytes
            guard let end = findEnd(headerTail) else {
                headerTail = Array(headerTail.suffix(3))
                return []
            }
            inHeaders = false
            bytes = Array(headerTail[end...])
            headerTail = []
        }
        var opcodes: [UInt8] = []
        let data = pending + bytes
        pending = []
        var i = 0
        while i < data.count {
            if skip > 0 {
                let n = min(skip, data.count - i)
                skip -= n
                i += n
                continue
            }
            guard data.count - i >= 2 else { break }
            let masked = data[i + 1] & 0x80 != 0
            var length = Int(data[i + 1] & 0x7F)
            var header = 2
            if length == 126 {
                guard data.count - i >= 4 else { break }
                length = Int(data[i + 2]) << 8 | Int(data[i + 3])
                header = 4
            } else if length == 127 {
                guard data.count - i >= 10 else { break }
                length = (0..<8).reduce(0) { $0 << 8 | Int(data[i + 2 + $1]) }
                header = 10
            }
            if masked { header += 4 }
            guard data.count - i >= header else { break }
            opcodes.append(data[i] & 0x0F)
            i += header
            skip = length
        }
        if i < data.count { pending = Array(data[i...]) }
        return opcodes
    }

    private func findEnd(_ bytes: [UInt8]) -> Int? {
        guard bytes.count >= 4 else { return nil }
        for i in 0...(bytes.count - 4) where bytes[i] == 13 && bytes[i + 1] == 10 && bytes[i + 2] == 13 && bytes[i + 3] == 10 {
            return i + 4
        }
        return nil
    }
}
