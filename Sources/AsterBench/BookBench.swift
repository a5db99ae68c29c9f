import AsterKit
import AsterSim
import Foundation

/// Order book benchmark: applying level updates to a 5,000-level-a-side book and reading the top
/// 20 levels, against a Python reference (sortedcontainers.SortedDict keyed by Decimal).
enum BookBench {
    struct Update {
        let bid: Bool
        let price: ExactDecimal
        let quantity: ExactDecimal
    }

    /// A realistic mix: mostly changes near the top, some inserts and removals, a few deep.
    static func makeUpdates(count: Int, depth: Int) -> (initial: [Update], updates: [Update]) {
        var rng = SeededGenerator(seed: 42)
        func next(_ bound: UInt64) -> UInt64 { rng.next() % bound }
        let mid: Int64 = 970_000  // 97000.0 with a 0.1 tick
        var initial: [Update] = []
        for i in 1...depth {
            initial.append(Update(bid: true, price: ExactDecimal(mantissa: mid - Int64(i), scale: 1),
                                  quantity: ExactDecimal(mantissa: Int64(next(1_000)) + 1, scale: 3)))
            initial.append(Update(bid: false, price: ExactDecimal(mantissa: mid + Int64(i), scale: 1),
                                  quantity: ExactDecimal(mantissa: Int64(next(1_000)) + 1, scale: 3)))
        }
        var updates: [Update] = []
        updates.reserveCapacity(count)
        for _ in 0..<count {
            let bid = next(2) == 0
            let roll = next(100)
            let offset: Int64 = roll < 95 ? Int64(next(60)) + 1 : Int64(next(UInt64(depth))) + 1
            let price = ExactDecimal(mantissa: bid ? mid - offset : mid + offset, scale: 1)
            let quantity = roll % 10 == 0 ? ExactDecimal.zero : ExactDecimal(mantissa: Int64(next(5_000)) + 1, scale: 3)
            updates.append(Update(bid: bid, price: price, quantity: quantity))
        }
        return (initial, updates)
    }

    static func run(seconds: Double) {
        let depth = 5_000
        let (initial, updates) = makeUpdates(count: 200_000, depth: depth)
        var book = LocalOrderBook(symbol: "BTCUSDT")
        book.load(DepthSnapshot(lastUpdateId: 1,
                                bids: initial.filter(\.bid).map { PriceLevel(price: $0.price, quantity: $0.quantity) },
                                asks: initial.filter { !$0.bid }.map { PriceLevel(price: $0.price, quantity: $0.quantity) }))
        var bids = book.bids
        var asks = book.asks
        let clock = ContinuousClock()
        var applied = 0
        let start = clock.now
        while clock.now - start < .milliseconds(Int64(seconds * 1000)) {
            for u in updates {
                if u.bid { bids.set(u.price, u.quantity) } else { asks.set(u.price, u.quantity) }
            }
            applied += updates.count
        }
        let applySeconds = (clock.now - start).seconds
        var reads = 0
        var sink = 0
        let readStart = clock.now
        while clock.now - readStart < .milliseconds(Int64(seconds * 500)) {
            for _ in 0..<1_000 {
                sink &+= bids.top(20).count &+ asks.top(20).count
            }
            reads += 1_000
        }
        let readSeconds = (clock.now - readStart).seconds
        if sink == 1 { print("") }
        let swiftRate = Double(applied) / applySeconds
        let swiftRead = readSeconds / Double(reads) * 1e9

        // The same updates for Python.
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("aster-book-bench-\(getpid())")
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        func text(_ list: [Update]) -> String {
            list.map { "\($0.bid ? "b" : "a") \($0.price) \($0.quantity)" }.joined(separator: "\n")
        }
        try? text(initial).write(to: dir.appendingPathComponent("initial.txt"), atomically: true, encoding: .utf8)
        try? text(updates).write(to: dir.appendingPathComponent("updates.txt"), atomically: true, encoding: .utf8)
        let python = runPython(["book", dir.path, String(seconds)])

        print("\nOrder book benchmark: \(depth) levels a side, \(updates.count) updates (95% within 60 ticks of the top, 10% removals)")
        print("implementation | level updates/s | top-20 read (both sides)")
        print("AsterKit BookSide (ExactDecimal) | \(format(swiftRate)) | \(String(format: "%.0f", swiftRead)) ns")
        if let p = python, let pyRate = p["updates_per_s"], let pyRead = p["top20_ns"] {
            print("Python SortedDict[Decimal] | \(format(pyRate)) | \(String(format: "%.0f", pyRead)) ns")
            let ratio = swiftRate / pyRate
            print(String(format: "ratio: %.1fx updates/s, %.1fx faster top-20 reads", ratio, pyRead / swiftRead))
            print(ratio >= 20 ? "target met: >= 20x the Python reference" : "TARGET MISSED: < 20x the Python reference")
        } else {
            print("(Python reference unavailable: pip install sortedcontainers)")
        }
    }

    /// Runs a Python baseline script; `["book", args…]` or `["stream", "--script", name, args…]`.
    static func runPython(_ arguments: [String]) -> [String: Double]? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        if arguments.count > 2 && arguments[1] == "--script" {
            process.arguments = ["python3", scriptPath(arguments[2])] + arguments.dropFirst(3)
        } else {
            process.arguments = ["python3", scriptPath("bench_book_baseline.py")] + arguments.dropFirst()
        }
        let out = Pipe()
        process.standardOutput = out
        do { try process.run() } catch { return nil }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        return try? JSONSerialization.jsonObject(with: data) as? [String: Double]
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
