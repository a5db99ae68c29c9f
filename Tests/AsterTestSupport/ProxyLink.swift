import AsterSim
import NIOCore
import NIOPosix

#if canImport(Glibc)
import Glibc
#endif

/// What a connection will suffer.
struct ConnectionPlan: Sendable {
    /// The connection's number (1 for the first accepted).
    var number: Int
    var fault: FaultProxy.Fault
    var strikeAfter: Int
    /// Strikes at the first chunk toward the client after this long, at the latest.
    var strikeWithin: Duration?
    var delay: Duration
    var seed: UInt64
}

/// The two sockets of one proxied connection of a ``FaultProxy`` and the bytes between them, on
/// one event loop (the upstream socket is made on the client socket's loop).
final class ProxyLink: @unchecked Sendable {  // confined to the client channel's event loop
    /// What the link reports to its proxy.
    struct Events: Sendable {
        /// The connection's fault struck.
        var struck: @Sendable (FaultProxy.Fault) -> Void
        /// A chunk was held back for a delay.
        var delayed: @Sendable () -> Void
        /// Opcodes of websocket frames the client sent.
        var observe: @Sendable ([UInt8]) -> Void
    }

    private let client: any Channel
    private let upstream: any Channel
    private let plan: ConnectionPlan
    private let events: Events
    private var random: SeededGenerator
    private var toClient = 0
    private var struck = false
    private var silent = false
    /// When the last delayed chunk each way goes out (so delays keep the order).
    private var lastDue: [Bool: NIODeadline] = [:]
    private var scanner = ClientFrameScanner()
    private let started = NIODeadline.now()

    init(client: any Channel, upstream: any Channel, plan: ConnectionPlan, events: Events) {
        self.client = client
        self.upstream = upstream
        self.plan = plan
        self.events = events
        self.random = SeededGenerator(seed: plan.seed)
    }

    func start() {
        let loop = client.eventLoop
        loop.execute {
            _ = try? self.client.pipeline.syncOperations.addHandler(Pump(link: self, fromClient: true))
            _ = try? self.upstream.pipeline.syncOperations.addHandler(Pump(link: self, fromClient: false))
            // A side that closed before the pumps joined is noticed here.
            if !self.client.isActive || !self.upstream.isActive { return self.closed(fromClient: !self.client.isActive) }
            self.upstream.setOption(.autoRead, value: true).whenComplete { _ in }
            self.client.setOption(.autoRead, value: true).whenComplete { _ in }
        }
    }

    /// Bytes read from one side (called on the link's event loop).
    func received(_ buffer: ByteBuffer, fromClient: Bool) {
        client.eventLoop.assertInEventLoop()
        route(buffer, fromClient: fromClient)
    }

    func closed(fromClient: Bool) {
        // A half-open connection's client side stays open when the server side goes.
        if !fromClient && silent && plan.fault == .halfOpen { return }
        client.close(promise: nil)
        upstream.close(promise: nil)
    }

    private func route(_ buffer: ByteBuffer, fromClient: Bool) {
        if silent { return }
        if fromClient {
            let opcodes = scanner.scan(buffer)
            if !opcodes.isEmpty { events.observe(opcodes) }
        }
        var buffer = buffer
        if !fromClient && !struck && plan.fault != .none && (toClient + buffer.readableBytes >= plan.strikeAfter || due) {
            struck = true
            strike(&buffer)
            if plan.fault == .reset || silent { return }
        }
        if !fromClient { toClient += buffer.readableBytes }
        let target = fromClient ? upstream : client
        send(buffer, to: target, fromClient: fromClient)
    }

    /// Whether the connection is old enough for its fault to strike whatever its bytes.
    private var due: Bool {
        guard let within = plan.strikeWithin else { return false }
        return NIODeadline.now() - started >= .nanoseconds(within.proxyNanoseconds)
    }

    /// Writes `buffer` after a random delay (when the plan has one), never before the chunks
    /// sent the same way earlier; `then` runs once it is written.
    private func send(_ buffer: ByteBuffer, to target: any Channel, fromClient: Bool, then: (@Sendable () -> Void)? = nil) {
        guard plan.delay > .zero else {
            target.writeAndFlush(buffer, promise: nil)
            then?()
            return
        }
        let nanos = Int64.random(in: 0...plan.delay.proxyNanoseconds, using: &random)
        if nanos > 0 { events.delayed() }
        let due = max(NIODeadline.now() + .nanoseconds(nanos), lastDue[fromClient] ?? .distantPast)
        lastDue[fromClient] = due
        client.eventLoop.scheduleTask(deadline: due) {
            target.writeAndFlush(buffer, promise: nil)
            then?()
        }
    }

    private func strike(_ buffer: inout ByteBuffer) {
        events.struck(plan.fault)
        switch plan.fault {
        case .none: break
        case .reset:
            // Part of this chunk goes out after the chunks before it, then both sockets are reset.
            let part = max(1, buffer.readableBytes / 2)
            let head = buffer.readSlice(length: part) ?? ByteBuffer()
            let (client, upstream) = (self.client, self.upstream)
            send(head, to: client, fromClient: false) {
                for channel in [client, upstream] {
                    if let provider = channel as? any SocketOptionProvider {
                        provider.setSoLinger(linger(l_onoff: 1, l_linger: 0)).whenComplete { _ in channel.close(promise: nil) }
                    } else {
                        channel.close(promise: nil)
                    }
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

extension Duration {
    fileprivate var proxyNanoseconds: Int64 {
        let (seconds, atto) = components
        return seconds * 1_000_000_000 + atto / 1_000_000_000
    }
}
