import NIOCore

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
