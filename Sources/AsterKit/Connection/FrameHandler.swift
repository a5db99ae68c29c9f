import Foundation
import NIOCore
import NIOWebSocket

/// Runs on the connection's event loop: cuts websocket frames out of the socket's bytes (see
/// ``WebSocketFrameParser``), joins fragmented messages, decodes frames where they arrive,
/// batches them per socket read, answers pings, sends its own pings, watches for silence and dead
/// peers, and closes with the websocket handshake.
final class FrameHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = WebSocketFrame
    typealias OutboundOut = WebSocketFrame

    private let connection: WebSocketConnection
    private let settings: ConnectionSettings
    private let callbacks: ConnectionCallbacks
    private let decoder = EventDecoder()
    private var parser: WebSocketFrameParser
    private var batch = FrameBatch()
    private var rawBatch: [RawFrame] = []
    /// The opcode and data so far of a fragmented message.
    private var fragmentOpcode: WebSocketOpcode?
    private var fragments = ByteBuffer()
    private var frames = 0
    private var bytes = 0
    private var decodeErrors = 0
    private var skippedElements = 0
    private var closeSent = false
    /// The silence limit now (it follows the streams the connection carries).
    private var staleTimeout: Duration?
    private var lastData = NIODeadline.now()
    private var pingSentAt: NIODeadline?
    private var lastPing = NIODeadline.now()
    private var timer: RepeatedTask?
    private var rollover: Scheduled<Void>?
    private var context: ChannelHandlerContext?
    private var batchFlags: (raw: Bool, hash: Bool)?
    private var pacer: ReadPacer
    /// When the next socket read may start (paced reads), and the read waiting for it.
    private var readAllowedAt: NIODeadline?
    private var heldRead: Scheduled<Void>?

    init(connection: WebSocketConnection, settings: ConnectionSettings, callbacks: ConnectionCallbacks) {
        self.connection = connection
        self.settings = settings
        self.callbacks = callbacks
        self.pacer = ReadPacer(interval: .nanoseconds(settings.deliveryInterval.nanosecondsClamped), now: .now())
        self.parser = WebSocketFrameParser(maxFrameSize: settings.maxFrameSize)
        self.staleTimeout = settings.staleTimeout
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        settings.counters.touch(at: .now)
        startTimer(context: context)
        if let age = settings.rolloverAfter {
            let id = connection.id
            let callbacks = self.callbacks
            rollover = context.eventLoop.scheduleTask(in: .nanoseconds(age.nanosecondsClamped)) { callbacks.rolloverDue(id) }
        }
    }

    private func startTimer(context: ChannelHandlerContext) {
        timer?.cancel()
        let tick = min(settings.pingInterval / 4, staleTimeout.map { $0 / 4 } ?? .seconds(1), .seconds(1))
        let nanos = max(tick, .milliseconds(10)).nanosecondsClamped
        let bound = NIOLoopBound(self, eventLoop: context.eventLoop)
        timer = context.eventLoop.scheduleRepeatedTask(initialDelay: .nanoseconds(nanos), delay: .nanoseconds(nanos)) { _ in
            bound.value.check()
        }
    }

    /// Follows a change of the streams carried: a new silence limit counts from now.
    func setStaleTimeout(_ timeout: Duration?) {
        guard timeout != staleTimeout else { return }
        staleTimeout = timeout
        lastData = max(lastData, .now())
        guard let context, timer != nil else { return }
        startTimer(context: context)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        stopTimers()
        self.context = nil
    }

    private func stopTimers() {
        heldRead?.cancel()
        heldRead = nil
        timer?.cancel()
        timer = nil
        rollover?.cancel()
        rollover = nil
    }

    private func check() {
        guard let context else { return }
        let now = NIODeadline.now()
        if let sent = pingSentAt, now - sent > .nanoseconds(settings.pingTimeout.nanosecondsClamped) {
            fail(context: context, "no pong within \(settings.pingTimeout)")
            return
        }
        if let stale = staleTimeout, now - lastData > .nanoseconds(stale.nanosecondsClamped) {
            settings.counters.stale()
            connection.wentStale.store(true, ordering: .relaxed)
            fail(context: context, "no frame for \(stale)")
            return
        }
        if !closeSent, pingSentAt == nil, now - lastPing >= .nanoseconds(settings.pingInterval.nanosecondsClamped) {
            lastPing = now
            pingSentAt = now
            let frame = WebSocketFrame(fin: true, opcode: .ping, maskKey: .random(), data: context.channel.allocator.buffer(capacity: 0))
            connection.enqueueControl(frame)  // within the outbound limit, like every frame sent
        }
    }

    private func fail(context: ChannelHandlerContext, _ reason: String) {
        connection.ending(reason)
        stopTimers()
        context.close(promise: nil)
    }

    /// Starts the closing handshake: from now on data frames are discarded.
    func beginClose(code: WebSocketErrorCode) {
        guard !closeSent, let context else { return }
        closeSent = true
        stopTimers()
        if readAllowedAt != nil {
            // Discard what still arrives as fast as it comes, until the server's close.
            readAllowedAt = nil
            context.read()
        }
        var data = context.channel.allocator.buffer(capacity: 2)
        data.write(webSocketErrorCode: code)
        let frame = WebSocketFrame(fin: true, opcode: .connectionClose, maskKey: .random(), data: data)
        connection.enqueueControl(frame)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let bytes = unwrapInboundIn(data)
        do throws(WebSocketFrameParser.Failure) {
            try parser.parse(bytes, allocator: context.channel.allocator) { frame in
                handle(frame, context: context)
                return self.context != nil && context.channel.isActive
            }
        } catch {
            failProtocol(error, context: context)
        }
    }

    /// Ends the connection on a broken byte stream: a close frame with the matching code, then
    /// the socket is closed at once.
    private func failProtocol(_ failure: WebSocketFrameParser.Failure, context: ChannelHandlerContext) {
        connection.ending(failure.reason)
        stopTimers()
        guard !closeSent else { return context.close(promise: nil) }
        closeSent = true
        var data = context.channel.allocator.buffer(capacity: 2)
        data.write(webSocketErrorCode: failure.closeCode)
        let frame = WebSocketFrame(fin: true, opcode: .connectionClose, maskKey: .random(), data: data)
        let channel = context.channel
        connection.enqueueControl(frame) { _ in channel.close(promise: nil) }
    }

    private func handle(_ frame: WebSocketFrameParser.Frame, context: ChannelHandlerContext) {
        switch frame.opcode {
        case .text, .binary:
            guard fragmentOpcode == nil else {
                return fail(context: context, "protocol error: a new message began inside a fragmented one")
            }
            if frame.fin {
                guard !closeSent else { return }
                receive(opcode: frame.opcode, frame.payload)
            } else {
                fragmentOpcode = frame.opcode
                fragments.clear()
                append(fragment: frame.payload, context: context)
            }
        case .continuation:
            guard let opcode = fragmentOpcode else {
                return fail(context: context, "protocol error: a continuation frame without a message")
            }
            append(fragment: frame.payload, context: context)
            if frame.fin, fragmentOpcode != nil {
                fragmentOpcode = nil
                if !closeSent { receive(opcode: opcode, fragments) }
                fragments = ByteBuffer()  // a large message's storage is not kept
            }
        case .ping:
            pingSentAt = nil  // the peer is alive
            guard !closeSent else { return }
            let pong = WebSocketFrame(fin: true, opcode: .pong, maskKey: .random(), data: frame.payload)
            connection.enqueueControl(pong)
        case .pong:
            pingSentAt = nil
        case .connectionClose:
            var data = frame.payload
            let code = data.readWebSocketErrorCode()
            let text = data.readString(length: data.readableBytes) ?? ""
            if !closeSent {
                connection.ending("closed by server: \(code.map { "\($0)" } ?? "no code")\(text.isEmpty ? "" : " \(text)")")
                closeSent = true
                var echo = context.channel.allocator.buffer(capacity: 2)
                echo.write(webSocketErrorCode: code ?? .normalClosure)
                let reply = WebSocketFrame(fin: true, opcode: .connectionClose, maskKey: .random(), data: echo)
                let channel = context.channel
                connection.enqueueControl(reply) { _ in channel.close(promise: nil) }
            } else {
                context.close(promise: nil)
            }
        default:
            break
        }
    }

    /// Adds a fragment to the message being joined; a message larger than the frame limit fails
    /// the connection.
    private func append(fragment payload: ByteBuffer, context: ChannelHandlerContext) {
        guard fragments.readableBytes + payload.readableBytes <= settings.maxFrameSize else {
            fragmentOpcode = nil
            fragments = ByteBuffer()
            return fail(context: context, "message larger than \(settings.maxFrameSize) bytes")
        }
        var data = payload
        fragments.writeBuffer(&data)
    }

    /// The raw and hash flags of the current batch, asked once per batch, not per frame.
    private var flags: (raw: Bool, hash: Bool) {
        get {
            if let batchFlags { return batchFlags }
            let flags = (raw: callbacks.wantsRaw(), hash: callbacks.hashing())
            batchFlags = flags
            return flags
        }
    }

    private func receive(opcode: WebSocketOpcode, _ data: ByteBuffer) {
        frames += 1
        bytes += data.readableBytes
        let flags = self.flags
        guard opcode == .text else {
            lastData = .now()
            decodeErrors += 1
            batch.events.append(.decodeFailure(DecodingFailure(.binaryFrame, offset: 0)))
            if flags.hash { batch.hashes.append(0) }
            return
        }
        if flags.raw {
            rawBatch.append(RawFrame(text: String(buffer: data), receivedAt: Int64(Date().timeIntervalSince1970 * 1000),
                                     connection: connection.id))
        }
        if flags.hash {
            batch.hashes.append(data.withUnsafeReadableBytes { raw in
                var hasher = Hasher()
                hasher.combine(bytes: raw)
                return hasher.finalize()
            })
        }
        let decoded: Result<StreamMessage, DecodingFailure> = data.withUnsafeReadableBytes { raw in
            do throws(DecodingFailure) {
                return .success(try decoder.decode(bytes: raw.bindMemory(to: UInt8.self)))
            } catch {
                return .failure(error)
            }
        }
        switch decoded {
        case .success(let message):
            if let first = message.skippedElements.first {
                skippedElements += message.skippedElements.count
                settings.logger.warning("array elements skipped", metadata: [
                    "count": "\(message.skippedElements.count)", "first": "\(first)",
                ])
            }
            connection.resolve(message.event)
            batch.events.append(.message(message))
        case .failure(let failure):
            decodeErrors += 1
            settings.logger.warning("undecodable frame", metadata: ["error": "\(failure)"])
            batch.events.append(.decodeFailure(failure))
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        let now = NIODeadline.now()
        if frames > 0 {
            lastData = now
            connection.receivedFrames.store(true, ordering: .relaxed)
        }
        // Everything this read brought goes to the consumers at once; when frames arrive densely
        // the next read waits (see ``ReadPacer``), so each read and each wake-up carries many.
        readAllowedAt = closeSent ? nil : pacer.readCompleted(frames: frames, at: now)
        flush()
        context.fireChannelReadComplete()
    }

    /// Holds the channel's next socket read until the pacer allows it.
    func read(context: ChannelHandlerContext) {
        guard let at = readAllowedAt, heldRead == nil, NIODeadline.now() < at else {
            if heldRead == nil { context.read() }
            return
        }
        let bound = NIOLoopBound(self, eventLoop: context.eventLoop)
        heldRead = context.eventLoop.scheduleTask(deadline: at) { bound.value.releaseRead() }
    }

    private func releaseRead() {
        heldRead = nil
        readAllowedAt = nil
        context?.read()
    }

    private func flush() {
        batchFlags = nil
        if frames > 0 || decodeErrors > 0 {
            settings.counters.add(frames: frames, bytes: bytes, decodeErrors: decodeErrors,
                                  skippedElements: skippedElements, at: .now)
            frames = 0
            bytes = 0
            decodeErrors = 0
            skippedElements = 0
        }
        if !rawBatch.isEmpty {
            callbacks.raw(rawBatch)
            rawBatch.removeAll(keepingCapacity: true)
        }
        guard !batch.isEmpty else { return }
        // Lent, not copied: the consumers copy out what they keep, so the storage is reused.
        callbacks.deliver(connection.id, batch)
        batch.events.removeAll(keepingCapacity: true)
        batch.hashes.removeAll(keepingCapacity: true)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        connection.ending("\(error)")
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        flush()
        stopTimers()
        connection.ending(closeSent ? "closed" : "connection lost")
        context.fireChannelInactive()
    }
}

extension Duration {
    /// Whole nanoseconds, clamped to `Int64`.
    var nanosecondsClamped: Int64 {
        let (seconds, atto) = components
        if seconds > Int64.max / 1_000_000_000 - 1 { return Int64.max / 2 }
        return seconds * 1_000_000_000 + atto / 1_000_000_000
    }
}
