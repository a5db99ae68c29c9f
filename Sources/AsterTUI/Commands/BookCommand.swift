import ArgumentParser
import AsterKit
import Dispatch
import Foundation
import Logging

/// `aster-tui book`: keep a symbol's local order book in sync and show or print it.
struct BookCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "book",
        abstract: "Keep a local order book in sync (diff stream + REST snapshot) and show it.",
        discussion: """
            Without --json the top levels are redrawn in place; with --json the synchronised book
            is printed once as {"symbol","lastUpdateId","bids":[[price,qty],…],"asks":[…]} after
            --duration seconds or on Ctrl-C. Example: aster-tui book BTCUSDT --levels 10 --json --duration 5
            """
    )

    @Argument(help: "Symbol, e.g. BTCUSDT.")
    var symbol: String

    @Option(help: "Websocket base URL.")
    var url: String = AsterEndpoint.productionWebSocket

    @Option(name: .customLong("rest-url"), help: "REST base URL.")
    var restURL: String = AsterEndpoint.productionREST

    @Option(help: "Levels per side to show or print.")
    var levels = 20

    @Flag(help: "Print the book once as JSON (decimals as strings, best first).")
    var json = false

    @Option(help: "Stop after S seconds.")
    var duration: Double?

    func validate() throws {
        guard !symbol.isEmpty, symbol.allSatisfy({ $0.isLetter || $0.isNumber }) else {
            throw ValidationError("SYMBOL must be letters and digits, e.g. BTCUSDT.")
        }
        guard (1...1000).contains(levels) else { throw ValidationError("--levels must be 1...1000.") }
        if let duration, duration <= 0 { throw ValidationError("--duration must be positive.") }
        guard url.hasPrefix("ws://") || url.hasPrefix("wss://") else { throw ValidationError("--url must start with ws:// or wss://") }
        guard restURL.hasPrefix("http://") || restURL.hasPrefix("https://") else {
            throw ValidationError("--rest-url must start with http:// or https://")
        }
    }

    func run() async throws {
        let symbol = self.symbol.uppercased()
        var logger = Logger(label: "aster-tui.book")
        logger.logLevel = .error
        let rest = RESTClient(baseURL: restURL)
        let manager = OrderBookManager(symbols: [symbol], rest: rest, logger: logger)
        let client = StreamClient(base: url, streams: OrderBookManager.streams(symbols: [symbol]), logger: logger)
        let events = client.events(bufferLimit: 100_000)
        let stop = QuitFlag()
        signal(SIGINT, SIG_IGN)
        let interrupt = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        interrupt.setEventHandler { stop.set() }
        interrupt.resume()
        defer { interrupt.cancel() }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await client.run() }
            group.addTask { await manager.run(events) }
            defer { group.cancelAll() }
            try await follow(manager: manager, symbol: symbol, stop: stop)
        }
    }

    private func follow(manager: OrderBookManager, symbol: String, stop: QuitFlag) async throws {
        let deadline = duration.map { ContinuousClock.now + .milliseconds(Int64($0 * 1000)) }
        let interactive = !json && isatty(STDOUT_FILENO) != 0
        while !stop.isSet, deadline.map({ ContinuousClock.now < $0 }) ?? true {
            try await Task.sleep(for: .milliseconds(json ? 50 : 250))
            guard !json, let book = await manager.book(symbol), let status = await manager.status(symbol) else { continue }
            let text = Self.render(book, status: status, levels: levels)
            print((interactive ? "\u{1B}[H\u{1B}[2J" : "") + text)
        }
        guard let status = await manager.status(symbol), status.state == .live, let book = await manager.book(symbol) else {
            Console.err("book \(symbol) is not synchronised yet\n")
            throw ExitCode.failure
        }
        if json { print(Self.json(book, levels: levels)) }
    }

    static func json(_ book: LocalOrderBook, levels: Int) -> String {
        var w = JSONWriter()
        w.beginObject()
        w.field("symbol", book.symbol)
        w.field("lastUpdateId", book.lastUpdateId)
        w.field("bids", levels: book.bids.top(levels))
        w.field("asks", levels: book.asks.top(levels))
        w.endObject()
        return w.text
    }

    static func render(_ book: LocalOrderBook, status: OrderBookManager.Status, levels: Int) -> String {
        var lines = ["\(book.symbol)  \(status.state.rawValue)  u=\(book.lastUpdateId)  updates=\(status.updatesApplied)"
            + "  resyncs=\(status.resyncs)  spread=\(book.spread.map(\.description) ?? "-")"]
        for level in book.asks.top(levels).reversed() {
            lines.append("  ask \(pad(level.price.description, 14)) \(pad(level.quantity.description, 12))")
        }
        lines.append("  ---- mid \(book.mid.map(\.description) ?? "-")")
        for level in book.bids.top(levels) {
            lines.append("  bid \(pad(level.price.description, 14)) \(pad(level.quantity.description, 12))")
        }
        return lines.joined(separator: "\n")
    }

    static func pad(_ s: String, _ n: Int) -> String { String(repeating: " ", count: max(0, n - s.count)) + s }
}
