import AsterKit
import Foundation

// Decode benchmark: typed, exact decoding of three frame kinds, compared in the same run with
// Python baselines (bare orjson.loads, and orjson.loads + Decimal conversion of decimal fields).
// Run: swift run -c release aster-bench decode [--seconds S]

struct FrameKind {
    let name: String
    let frames: [String]
}

func makeFrames() -> [FrameKind] {
    var aggTrades: [String] = []
    for i in 0..<256 {
        aggTrades.append(
            #"{"e":"aggTrade","E":\#(1_764_000_000_000 + i),"s":"BTCUSDT","a":\#(5_933_014 + i),"p":"\#(97_000 + i % 50).\#(i % 10)0","q":"0.\#(100 + i)","f":\#(100 + i),"l":\#(105 + i),"T":\#(1_764_000_000_000 + i),"m":\#(i % 2 == 0)}"#)
    }
    var depths: [String] = []
    for i in 0..<64 {
        let bids = (0..<20).map { #"["\#(97_000 - $0).\#((i + $0) % 10)0","\#($0 + 1).\#(i % 1000)"]"# }
        let asks = (0..<20).map { #"["\#(97_001 + $0).\#((i + $0) % 10)0","\#($0 + 2).\#(i % 1000)"]"# }
        depths.append(
            #"{"stream":"btcusdt@depth20@100ms","data":{"e":"depthUpdate","E":\#(1_764_000_000_000 + i),"T":\#(1_764_000_000_000 + i),"s":"BTCUSDT","U":\#(390_497_796 + i * 10),"u":\#(390_497_805 + i * 10),"pu":\#(390_497_795 + i * 10),"b":[\#(bids.joined(separator: ","))],"a":[\#(asks.joined(separator: ","))]}}"#)
    }
    var tickerArrays: [String] = []
    for i in 0..<8 {
        let tickers = (0..<200).map { s in
            #"{"e":"24hrTicker","E":\#(1_764_000_000_000 + i),"s":"SYM\#(s)USDT","p":"-\#(s).\#(i)5","P":"-1.\#(s % 100)","w":"\#(1000 + s).1234","c":"\#(1000 + s).5","Q":"\#(s).01","o":"\#(1001 + s).5","h":"\#(1100 + s).25","l":"\#(900 + s).75","v":"\#(123_456 + s).789","q":"\#(987_654_321 + s).12","O":1763913600000,"C":1764000000000,"F":\#(1000 * s),"L":\#(1000 * s + 999),"n":1000}"#
        }
        tickerArrays.append("[" + tickers.joined(separator: ",") + "]")
    }
    return [FrameKind(name: "aggTrade", frames: aggTrades),
            FrameKind(name: "depth20 (combined)", frames: depths),
            FrameKind(name: "!ticker@arr x200", frames: tickerArrays)]
}

struct Measurement {
    let framesPerSecond: Double
    let megabytesPerSecond: Double
}

func measureSwift(_ kind: FrameKind, seconds: Double) -> Measurement {
    let decoder = EventDecoder()
    let bytes = kind.frames.reduce(0) { $0 + $1.utf8.count }
    var checksum = 0
    // Warm up.
    for f in kind.frames { checksum &+= checksumOf(try? decoder.decode(f)) }
    var rounds = 0
    let clock = ContinuousClock()
    let start = clock.now
    var elapsed = Duration.zero
    while elapsed < .milliseconds(Int64(seconds * 1000)) {
        for f in kind.frames { checksum &+= checksumOf(try? decoder.decode(f)) }
        rounds += 1
        elapsed = clock.now - start
    }
    let secs = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    if checksum == 42 { print("") }  // keep the work observable
    let frames = Double(rounds * kind.frames.count)
    return Measurement(framesPerSecond: frames / secs, megabytesPerSecond: Double(rounds * bytes) / secs / 1e6)
}

func checksumOf(_ message: StreamMessage?) -> Int {
    switch message?.event {
    case .aggregateTrade(let t): return Int(t.price.mantissa &+ t.quantity.mantissa)
    case .depth(let d): return d.bids.count &+ d.asks.count &+ Int(d.bids[0].price.mantissa)
    case .tickers(let t): return t.count &+ Int(t[199].lastPrice.mantissa)
    default: return -1
    }
}

func pythonBaselines(_ kinds: [FrameKind], seconds: Double) -> [String: (bare: Double, decimal: Double)]? {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("aster-bench-\(getpid())")
    try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    var args = [scriptPath(), "--seconds", String(seconds)]
    for (i, kind) in kinds.enumerated() {
        let file = dir.appendingPathComponent("kind\(i).txt")
        try? kind.frames.joined(separator: "\n").write(to: file, atomically: true, encoding: .utf8)
        args += ["--kind", "\(kind.name)=\(file.path)"]
    }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3"] + args
    let out = dir.appendingPathComponent("out.json")
    FileManager.default.createFile(atPath: out.path, contents: nil)
    guard let handle = try? FileHandle(forWritingTo: out) else { return nil }
    process.standardOutput = handle
    do { try process.run() } catch { return nil }
    process.waitUntilExit()
    guard process.terminationStatus == 0, let data = try? Data(contentsOf: out),
          let json = try? JSONSerialization.jsonObject(with: data) as? [String: [String: Double]]
    else { return nil }
    return json.mapValues { ($0["bare"] ?? 0, $0["decimal"] ?? 0) }
}

func scriptPath(_ name: String = "bench_decode_baseline.py") -> String {
    let here = URL(fileURLWithPath: #filePath)
    return here.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("scripts/\(name)").path
}

func format(_ value: Double) -> String {
    value >= 1e6 ? String(format: "%.2fM", value / 1e6) : value >= 1e3 ? String(format: "%.1fk", value / 1e3)
        : String(format: "%.0f", value)
}

enum DecodeBench {
    /// Prints the decode table: AsterKit against orjson and orjson + Decimal, per frame kind.
    static func run(seconds: Double) {
        let kinds = makeFrames()
        print("AsterKit decode benchmark (\(seconds) s per measurement, single thread)")
        let baselines = pythonBaselines(kinds, seconds: seconds)
        if baselines == nil { print("(Python baselines unavailable: pip install orjson)") }
        let header = ["frame kind", "bytes/frame", "AsterKit frames/s", "MB/s", "orjson frames/s", "orjson+Decimal",
                      "x orjson", "x orjson+Decimal"]
        print(header.joined(separator: " | "))
        var allMet = true
        for kind in kinds {
            let m = measureSwift(kind, seconds: seconds)
            let avgBytes = kind.frames.reduce(0) { $0 + $1.utf8.count } / kind.frames.count
            var row = [kind.name, String(avgBytes), format(m.framesPerSecond), String(format: "%.0f", m.megabytesPerSecond)]
            if let b = baselines?[kind.name] {
                let r1 = m.framesPerSecond / b.bare
                let r2 = m.framesPerSecond / b.decimal
                allMet = allMet && r1 >= 1 && r2 >= 2
                row += [format(b.bare), format(b.decimal), String(format: "%.2f", r1), String(format: "%.2f", r2)]
            }
            print(row.joined(separator: " | "))
        }
        if baselines != nil {
            print(allMet ? "target met: >= 1x bare orjson and >= 2x orjson+Decimal on every kind"
                         : "TARGET MISSED on at least one kind")
        }
    }
}
