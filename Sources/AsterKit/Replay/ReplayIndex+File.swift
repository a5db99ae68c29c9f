import Foundation

/// Why a replay index file was not used.
public struct ReplayIndexError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The index file.
    public var path: String
    /// The line at fault (1-based), when one is.
    public var line: Int?
    /// Why, readable.
    public var reason: String

    public var description: String {
        "replay index \(path)" + (line.map { " line \($0)" } ?? "") + ": \(reason)"
    }
}

/// The index file: text, one header line, `key value` lines, one `time offset frame` line per
/// checkpoint, and `end N` (N checkpoints) last, so a cut file is noticed.
///
/// ```
/// aster-replay-index 1
/// source-size 1048576
/// source-modified 1764800000000
/// frames 36000
/// first 1764800000000
/// last 1764803600000
/// spacing 10000
/// c 1764800000000 0 0
/// c 1764800010000 10240 101
/// end 2
/// ```
extension ReplayIndex {
    static let magic = "aster-replay-index 1"

    /// The index as its file writes it.
    public var fileText: String {
        var lines = [Self.magic, "source-size \(sourceSize)", "source-modified \(sourceModified)", "frames \(frames)"]
        if let firstTime { lines.append("first \(firstTime)") }
        if let lastTime { lines.append("last \(lastTime)") }
        lines.append("spacing \(spacing)")
        lines += checkpoints.map { "c \($0.time) \($0.offset) \($0.frame)" }
        lines.append("end \(checkpoints.count)")
        return lines.joined(separator: "\n") + "\n"
    }

    /// Writes the index atomically (a temporary file, then a rename).
    public func write(to path: String) throws {
        try fileText.write(toFile: path, atomically: true, encoding: .utf8)
    }

    /// Reads an index file and checks it against the recording it indexes.
    ///
    /// - Throws: ``ReplayIndexError`` naming the line and what is wrong: not an index, a bad or
    ///   missing field, checkpoints out of order, cut short, or made for another version of the
    ///   recording (size or modification time changed).
    public static func read(from path: String, source: String) throws(ReplayIndexError) -> ReplayIndex {
        func fail(_ line: Int?, _ reason: String) -> ReplayIndexError { ReplayIndexError(path: path, line: line, reason: reason) }
        guard let data = FileManager.default.contents(atPath: path) else { throw fail(nil, "cannot be read") }
        guard data.count <= 64 << 20 else { throw fail(nil, "larger than 64 MiB") }
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.first.map(String.init) == magic else { throw fail(1, "not a replay index (no \"\(magic)\" header)") }
        var fields: [String: Int64] = [:]
        var checkpoints: [Checkpoint] = []
        var ended = false
        for (i, raw) in lines.enumerated().dropFirst() {
            let n = i + 1
            let parts = raw.split(separator: " ")
            if parts.isEmpty {
                if i == lines.count - 1 { continue }
                throw fail(n, "empty line")
            }
            guard !ended else { throw fail(n, "text after the end line") }
            let numbers = parts.dropFirst().map { Int64($0) }
            guard numbers.allSatisfy({ $0 != nil }) else { throw fail(n, "not a number in \"\(raw.prefix(60))\"") }
            let values = numbers.compactMap { $0 }
            switch parts[0] {
            case "c":
                guard values.count == 3, values[1] >= 0, values[2] >= 0, values[2] <= Int64(Int32.max) else {
                    throw fail(n, "a checkpoint is `c TIME OFFSET FRAME` with a non-negative offset and frame")
                }
                let c = Checkpoint(time: values[0], offset: values[1], frame: Int(values[2]))
                if let last = checkpoints.last, c.time < last.time || c.offset <= last.offset || c.frame <= last.frame {
                    throw fail(n, "checkpoints out of order")
                }
                if checkpoints.isEmpty && (c.offset != 0 || c.frame != 0) { throw fail(n, "the first checkpoint is not the file's start") }
                checkpoints.append(c)
            case "end":
                guard values.count == 1, values[0] == Int64(checkpoints.count) else {
                    throw fail(n, "end says \(values.first.map(String.init) ?? "nothing") checkpoints, the file has \(checkpoints.count)")
                }
                ended = true
            default:
                guard values.count == 1 else { throw fail(n, "`\(parts[0])` takes one number") }
                fields[String(parts[0])] = values[0]
            }
        }
        guard ended else { throw fail(lines.count, "cut short (no end line)") }
        guard let size = fields["source-size"], let modified = fields["source-modified"], let frames = fields["frames"],
              let spacing = fields["spacing"], frames >= 0, frames <= Int64(Int32.max), spacing > 0, !checkpoints.isEmpty else {
            throw fail(nil, "source-size, source-modified, frames, spacing (positive) and a checkpoint are required")
        }
        guard let stamp = try? sourceStamp(source), stamp == (size, modified) else {
            throw fail(nil, "made for another version of \(source) (its size or modification time changed)")
        }
        guard checkpoints.last.map({ $0.frame < Int(frames) || frames == 0 }) ?? true else {
            throw fail(nil, "a checkpoint past the last frame")
        }
        return ReplayIndex(checkpoints: checkpoints, frames: Int(frames), firstTime: fields["first"], lastTime: fields["last"],
                           spacing: spacing, sourceSize: size, sourceModified: modified)
    }
}
