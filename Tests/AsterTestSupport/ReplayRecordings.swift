import AsterKit
import Testing
import Foundation

/// Synthetic recordings in the recorder's format (`<ms>\t<frame>` lines) or as plain frames one per
/// line (older recorders): a BTCUSDT book every 100 ms (partial depth, mid moving by a known
/// rule), a trade every 250 ms, the 1m kline and every-symbol tickers every second.
public enum ReplayRecordings {
    /// 2026-12-03 00:00:00 UTC.
    public static let start: Int64 = 1_796_256_000_000

    /// The mid price's mantissa (one decimal) at depth step `i` (one step per 100 ms).
    public static func midMantissa(_ i: Int64) -> Int64 { 500_000 + (i * 37) % 1_000 }

    static func decimal(_ mantissa: Int64) -> String { "\(mantissa / 10).\(mantissa % 10)" }

    /// The best bid as the book shows it after the depth frame of step `i`.
    public static func bestBid(_ i: Int64) -> String { decimal(midMantissa(i) - 1) }

    /// The frames of a recording of `seconds` seconds from `start`, with their receive times.
    public static func frames(seconds: Int, start: Int64 = start) -> [(time: Int64, frame: String)] {
        var out: [(Int64, String)] = []
        for ms in stride(from: Int64(0), to: Int64(seconds) * 1_000, by: 50) {
            let t = start + ms
            let i = ms / 100
            let mid = midMantissa(i)
            if ms % 100 == 0 {
                let bids = (1...5).map { k in "[\"\(decimal(mid - Int64(k)))\",\"\(Int64(k) + i % 7).\(i % 10)\"]" }
                let asks = (1...5).map { k in "[\"\(decimal(mid + Int64(k)))\",\"\(Int64(k) + i % 5).\(i % 10)\"]" }
                out.append((t, #"{"e":"depthUpdate","E":\#(t),"T":\#(t),"s":"BTCUSDT","U":\#(i),"u":\#(i),"pu":\#(i - 1),"b":[\#(bids.joined(separator: ","))],"a":[\#(asks.joined(separator: ","))]}"#))
            }
            if ms % 250 == 50 {
                let j = ms / 250
                out.append((t, #"{"e":"aggTrade","E":\#(t),"s":"BTCUSDT","a":\#(j),"p":"\#(decimal(mid))","q":"0.\#(j % 9 + 1)","f":\#(j),"l":\#(j),"T":\#(t),"m":\#(j % 3 == 0)}"#))
            }
            if ms % 1_000 == 0 {
                let minute = t - t % 60_000
                let o = decimal(midMantissa((minute - start) / 100))
                out.append((t, #"{"e":"kline","E":\#(t),"s":"BTCUSDT","k":{"t":\#(minute),"T":\#(minute + 59_999),"s":"BTCUSDT","i":"1m","f":1,"L":2,"o":"\#(o)","c":"\#(decimal(mid))","h":"\#(decimal(max(mid, 500_999)))","l":"\#(decimal(500_000))","v":"\#(ms / 1_000 % 60 + 1)","n":5,"x":false,"q":"1.0","V":"5","Q":"0.5","B":"0"}}"#))
                let tickers = ["BTCUSDT", "ETHUSDT"].map { s in
                    #"{"e":"24hrTicker","E":\#(t),"s":"\#(s)","p":"1.0","P":"\#(i % 50).25","w":"5","c":"\#(decimal(mid))","Q":"1","o":"4","h":"6","l":"3","v":"100","q":"\#(1_000 + i)","O":0,"C":86400000,"F":0,"L":10,"n":11}"#
                }
                out.append((t, "[" + tickers.joined(separator: ",") + "]"))
            }
        }
        return out
    }

    /// Writes a recording; `timestamps: false` writes plain frames, one per line.
    @discardableResult
    public static func write(to path: String, seconds: Int, start: Int64 = start, timestamps: Bool = true) throws -> Int {
        let frames = frames(seconds: seconds, start: start)
        let text = frames.map { timestamps ? "\($0.time)\t\($0.frame)" : $0.frame }.joined(separator: "\n") + "\n"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        try? FileManager.default.removeItem(atPath: ReplayIndex.sidecarPath(for: path))
        return frames.count
    }

    /// Reads a recording as a played-through replay sees it, up to and including the frames
    /// at recorded time `time` (monotonic times, as ``ReplayPlayer`` makes them).
    public static func playedThrough(_ path: String, upTo time: Int64) throws -> [(event: StreamEvent, receivedAt: Int64)] {
        let reader = try ReplayFrameReader(path: path)
        let decoder = EventDecoder()
        var latest: Int64?
        var out: [(event: StreamEvent, receivedAt: Int64)] = []
        while let frame = try reader.next() {
            var t = frame.receivedAt
            let event: StreamEvent
            do throws(DecodingFailure) {
                let message = try decoder.decode(frame.text)
                event = .message(message)
                if t == nil { t = message.event.firstEventTime }
            } catch {
                event = .decodeFailure(error)
            }
            let monotonic = t.map { max(latest ?? $0, $0) } ?? latest
            if let monotonic, monotonic > time { break }
            latest = monotonic
            out.append((event, monotonic ?? 0))
        }
        return out
    }
}

extension ReplayRecordings {
    /// A recording made by `aster-tui stream --record` before replays could seek (the
    /// simulator's BTCUSDT trades, depth20@100ms, 1m klines, mark price, all tickers and
    /// liquidations for 25 s), copied to a temporary file (an index is written next to it).
    public static func beforeSeekFixture() throws -> String {
        let url = try #require(Bundle.module.url(forResource: "recording-before-seek", withExtension: "rec", subdirectory: "Fixtures"))
        let path = temporaryPath("before-seek.rec")
        try? FileManager.default.removeItem(atPath: path)
        try? FileManager.default.removeItem(atPath: ReplayIndex.sidecarPath(for: path))
        try FileManager.default.copyItem(atPath: url.path, toPath: path)
        return path
    }
}
