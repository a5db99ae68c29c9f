import Foundation
import NIOCore
import NIOWebSocket

/// Runs on the connection's event loop: decodes frames where they arrive, batches them per socket
/// read, answers pings, sends its own pings, watches for silence and dead peers, and closes with
/// the websocket handshake.
final class FrameHandler: ChannelDuplexHandler {
    typealias InboundIn = WebSocketFrame
    typealias OutboundIn = WebSocketFrame
    typealias OutboundOut = WebSocketFrame

    private let connection: WebSocketConnection
    private let settings: ConnectionSettings
    private let callbacks: ConnectionCallbacks
    private let decoder = EventDecoder()
    private var batch: [ReceivedFrame] = []
    private var frames = 0
    private var bytes = 0
    private var decodeErrors = 0
    private var skippedElements = 0
    private var closeSent = false
    private var lastData = NIODeadline.now()
    private var pingSentAt: NIODeadline?
    private var lastPing = NIODeadline.now()
    private var timer: RepeatedTask?
    private var rollover: Scheduled<Void>?
    private var context: ChannelHandlerContext?
    private var batchFlags: (raw: Bool, hash: Bool)?
    private var firstUnflushed: NIODeadline?
    private var pendingFlush: Scheduled<Void>?

    init(connection: WebSocketConnection, settings: ConnectionSettings, callbacks: ConnectionCallbacks) {
        self.connection = connection
        self.settings = settings
        self.callbacks = callbacks
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        settings.counters.touch(at: .now)
        let tick = min(settings.pingInterval / 4, settings.staleTimeout.map { $0 / 4 } ?? .seconds(1), .seconds(1))
        let nanos = max(tick, .milliseconds(10)).nanosecondsClamped
        let bound = NIOLoopBound(self, eventLoop: context.eventLoop)
        timer = context.eventLoop.scheduleRepeatedTask(initialDelay: .nanoseconds(nanos), delay: .nanoseconds(nanos)) { _ in
            bound.value.check()
        }
        if let age = settings.rolloverAfter {
            let id = connection.id
            let callbacks = self.callbacks
            rollover = context.eventLoop.scheduleTask(in: .nanoseconds(age.nanosecondsClamped)) { callbacks.rolloverDue(id) }
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        stopTimers()
        self.context = nil
    }

    private func stopTimers() {
        pendingFlush?.cancel()
        pendingFlush = nil
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
        if let stale = settings.staleTimeout, now - lastData > .nanoseconds(stale.nanosecondsClamped) {
            settings.counters.stale()
            connection.wentStale.store(true, ordering: .relaxed)
            fail(context: context, "no frame for \(stale)")
            return
        }
        if !closeSent, pingSentAt == nil, now - lastPing >= .nanoseconds(settings.pingInterval.nanosecondsClamped) {
            lastPing = now
            pingSentAt = now
            let frame = WebSocketFrame(fin: true, opcode: .ping, maskKey: .random(), data: context.channel.allocator.buffer(capacity: 0))
            context.writeAndFlush(wrapOutboundOut(frame), promise: nil)
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
        var data = context.channel.allocator.buffer(capacity: 2)
        data.write(webSocketErrorCode: code)
        let frame = WebSocketFrame(fin: true, opcode: .connectionClose, maskKey: .random(), data: data)
        context.writeAndFlush(wrapOutboundOut(frame), promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        switch frame.opcode {
        case .text:
            guard !closeSent else { return }
            receive(text: frame.unmaskedData)
        case .binary:
            guard !closeSent else { return }
            lastData = .now()
            frames += 1
            bytes += frame.length
            decodeErrors += 1
            batch.append(ReceivedFrame(event: .decodeFailure(DecodingFailure(.binaryFrame, offset: 0)), stream: nil, hash: 0))
        case .ping:
            pingSentAt = nil  // the peer is alive
            guard !closeSent else { return }
            let pong = WebSocketFrame(fin: true, opcode: .pong, maskKey: .random(), data: frame.unmaskedData)
            context.writeAndFlush(wrapOutboundOut(pong), promise: nil)
        case .pong:
            pingSentAt = nil
        case .connectionClose:
            var data = frame.unmaskedData
            let code = data.readWebSocketErrorCode()
            let text = data.readString(length: data.readableBytes) ?? ""
            if !closeSent {
                connection.ending("closed by server: \(code.map { "\($0)" } ?? "no code")\(text.isEmpty ? "" : " \(text)")")
                closeSent = true
                var echo = context.channel.allocator.buffer(capacity: 2)
                echo.write(webSocketErrorCode: code ?? .normalClosure)
                let reply = WebSocketFrame(fin: true, opcode: .connectionClose, maskKey: .random(), data: echo)
                let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
                context.writeAndFlush(wrapOutboundOut(reply)).whenComplete { _ in bound.value.close(promise: nil) }
            } else {
                context.close(promise: nil)
            }
        default:
            break
        }
    }

    private func receive(text data: ByteBuffer) {
        frames += 1
        bytes += data.readableBytes
        // Asked once per batch, not per frame.
        let flags = batchFlags ?? (raw: callbacks.wantsRaw(), hash: callbacks.hashing())
        batchFlags = flags
        if flags.raw {
            callbacks.raw(RawFrame(text: String(buffer: data), receivedAt: Int64(Date().timeIntervalSince1970 * 1000),
                                   connection: connection.id))
        }
        let hash = flags.hash ? data.withUnsafeReadableBytes { raw in
            var hasher = Hasher()
            hasher.combine(bytes: raw)
            return hasher.finalize()
        } : 0
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
            batch.append(ReceivedFrame(event: .message(message), stream: message.stream, hash: hash))
        case .failure(let failure):
            decodeErrors += 1
            settings.logger.warning("undecodable frame", metadata: ["error": "\(failure)"])
            batch.append(ReceivedFrame(event: .decodeFailure(failure), stream: nil, hash: hash))
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        if frames > 0 {
            lastData = .now()
            connection.receivedFrames.store(true, ordering: .relaxed)
        }
        // A batch goes out at once when it is large or has waited `deliveryInterval`; otherwise
        // it waits that long for more frames (one consumer wake-up for many frames at low rates).
        let interval = settings.deliveryInterval
        if batch.count >= 256 || interval == .zero {
            flush()
        } else if !batch.isEmpty {
            let now = NIODeadline.now()
            let first = firstUnflushed ?? now
            firstUnflushed = first
            let due = first + .nanoseconds(interval.nanosecondsClamped)
            if now >= due {
                flush()
            } else if pendingFlush == nil {
                let bound = NIOLoopBound(self, eventLoop: context.eventLoop)
                pendingFlush = context.eventLoop.scheduleTask(deadline: due) { bound.value.flush() }
            }
        } else {
            flush()
        }
        context.fireChannelReadComplete()
    }

    private func flush() {
        pendingFlush?.cancel()
        pendingFlush = nil
        firstUnflushed = nil
        batchFlags = nil
        if frames > 0 || decodeErrors > 0 {
            settings.counters.add(frames: frames, bytes: bytes, decodeErrors: decodeErrors,
                                  skippedElements: skippedElements, at: .now)
            frames = 0
            bytes = 0
            decodeErrors = 0
            skippedElements = 0
        }
        guard !batch.isEmpty else { return }
        let out = batch
        batch.removeAll(keepingCapacity: true)
        callbacks.deliver(connection.id, out)
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
