import NIOCore
import NIOWebSocket

/// Cuts the websocket frames a client receives out of the socket's bytes (RFC 6455 §5.2), where
/// they arrive: a frame's payload is a slice of the bytes read (no copy, no per-frame pipeline
/// hop); only a frame split across reads is copied, once, to join its parts.
///
/// It checks what a client must: no reserved bits (no extension is negotiated), no reserved
/// opcodes, control frames unfragmented and at most 125 bytes, lengths within `maxFrameSize`.
/// A masked frame (a server must not send one) is unmasked, as NIO's decoder does.
struct WebSocketFrameParser {
    /// One frame: its flags, opcode and (unmasked) payload.
    struct Frame {
        var fin: Bool
        var opcode: WebSocketOpcode
        var payload: ByteBuffer
    }

    /// Why the byte stream is not a valid websocket stream; ends the connection.
    enum Failure: Error, Equatable {
        /// A rule of the protocol was broken (closed with 1002).
        case protocolError(String)
        /// A frame longer than the limit (closed with 1009).
        case tooLarge(Int)

        var closeCode: WebSocketErrorCode {
            switch self {
            case .protocolError: .protocolError
            case .tooLarge: .messageTooLarge
            }
        }

        var reason: String {
            switch self {
            case .protocolError(let what): "protocol error: \(what)"
            case .tooLarge(let length): "frame of \(length) bytes is larger than the limit"
            }
        }
    }

    let maxFrameSize: Int
    /// The start of a frame whose rest has not arrived yet.
    private var partial: ByteBuffer?

    init(maxFrameSize: Int) { self.maxFrameSize = maxFrameSize }

    /// Hands every complete frame of `bytes` (after what was kept from before) to `body`, in
    /// order, until `body` returns `false`; keeps an incomplete frame for the next call.
    mutating func parse(_ bytes: ByteBuffer, allocator: ByteBufferAllocator,
                        _ body: (Frame) -> Bool) throws(Failure) {
        var input: ByteBuffer
        if var kept = partial {
            partial = nil
            var more = bytes
            kept.writeBuffer(&more)
            input = kept
        } else {
            input = bytes
        }
        while input.readableBytes > 0 {
            guard let frame = try next(&input) else {
                // Copied out of the read buffer, so NIO can reuse that for the next read.
                var rest = allocator.buffer(capacity: max(input.readableBytes, 256))
                rest.writeBuffer(&input)
                partial = rest
                return
            }
            if !body(frame) { return }
        }
    }

    /// The next complete frame of `input` (consumed), or `nil` (nothing consumed) when it has not
    /// all arrived.
    private func next(_ input: inout ByteBuffer) throws(Failure) -> Frame? {
        let start = input.readerIndex
        guard let first = input.getInteger(at: start, as: UInt8.self),
              let second = input.getInteger(at: start + 1, as: UInt8.self) else { return nil }
        guard first & 0x70 == 0 else { throw .protocolError("reserved bits set") }
        let opcode = WebSocketOpcode(encodedWebSocketOpcode: first & 0x0F)!
        switch opcode {
        case .continuation, .text, .binary, .connectionClose, .ping, .pong: break
        default: throw .protocolError("reserved opcode \(first & 0x0F)")
        }
        let fin = first & 0x80 != 0
        var offset = 2
        var length = Int(second & 0x7F)
        if length == 126 {
            guard let wide = input.getInteger(at: start + 2, as: UInt16.self) else { return nil }
            length = Int(wide)
            offset = 4
        } else if length == 127 {
            guard let wide = input.getInteger(at: start + 2, as: UInt64.self) else { return nil }
            guard wide <= UInt64(Int.max) else { throw .tooLarge(Int.max) }
            length = Int(wide)
            offset = 10
        }
        if opcode.isControlOpcode {
            guard fin else { throw .protocolError("fragmented control frame") }
            guard length <= 125 else { throw .protocolError("control frame of \(length) bytes") }
        }
        guard length <= maxFrameSize else { throw .tooLarge(length) }
        var mask: WebSocketMaskingKey?
        if second & 0x80 != 0 {
            guard let key = input.getBytes(at: start + offset, length: 4) else { return nil }
            mask = WebSocketMaskingKey(key)
            offset += 4
        }
        guard input.readableBytes >= offset + length else { return nil }
        input.moveReaderIndex(forwardBy: offset)
        var payload = input.readSlice(length: length)!
        if let mask { payload.webSocketUnmask(mask) }
        return Frame(fin: fin, opcode: opcode, payload: payload)
    }
}
