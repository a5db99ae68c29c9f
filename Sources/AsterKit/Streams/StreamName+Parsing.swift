extension StreamName {
    /// Parses a wire stream name; symbols may be given in any case.
    ///
    /// - Parameter text: e.g. `btcusdt@depth20@100ms`, `!ticker@arr`, `ETHUSDT@kline_4h`.
    /// - Throws: ``StreamNameError`` naming what is wrong.
    public init(parsing text: String) throws(StreamNameError) {
        func bad(_ reason: String) -> StreamNameError { StreamNameError(name: text, reason: reason) }
        switch text {
        case "!markPrice@arr": self = .allMarkPrices(everySecond: false); return
        case "!markPrice@arr@1s": self = .allMarkPrices(everySecond: true); return
        case "!miniTicker@arr": self = .allMiniTickers; return
        case "!ticker@arr": self = .allTickers; return
        case "!bookTicker": self = .allBookTickers; return
        case "!forceOrder@arr": self = .allLiquidations; return
        default: break
        }
        if text.hasPrefix("!") { throw bad("unknown all-market stream") }
        guard let at = text.firstIndex(of: "@") else { throw bad("expected <symbol>@<stream>") }
        let symbol = String(text[..<at]).lowercased()
        guard !symbol.isEmpty, symbol.utf8.allSatisfy({ ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) })
        else { throw bad("symbol must be letters and digits") }
        let rest = String(text[text.index(after: at)...])
        switch rest {
        case "aggTrade": self = .aggTrade(symbol: symbol)
        case "markPrice": self = .markPrice(symbol: symbol, everySecond: false)
        case "markPrice@1s": self = .markPrice(symbol: symbol, everySecond: true)
        case "miniTicker": self = .miniTicker(symbol: symbol)
        case "ticker": self = .ticker(symbol: symbol)
        case "bookTicker": self = .bookTicker(symbol: symbol)
        case "forceOrder": self = .liquidations(symbol: symbol)
        case "tradepro": self = .tradePro(symbol: symbol)
        default:
            if rest.hasPrefix("kline_") {
                let text = String(rest.dropFirst("kline_".count))
                guard let interval = KlineInterval(validating: text) else {
                    throw bad("kline interval must be one of \(KlineInterval.allCases.map(\.wireValue).joined(separator: ", "))")
                }
                self = .kline(symbol: symbol, interval: interval)
            } else if rest.hasPrefix("depth") {
                self = try Self.parseDepth(symbol: symbol, String(rest.dropFirst("depth".count)), bad)
            } else {
                throw bad("unknown stream type \"\(rest)\"")
            }
        }
    }

    private static func parseDepth(
        symbol: String, _ rest: String, _ bad: (String) -> StreamNameError
    ) throws(StreamNameError) -> StreamName {
        var levelsText = rest
        var speed = DepthSpeed.standard
        if let at = rest.firstIndex(of: "@") {
            levelsText = String(rest[..<at])
            guard let s = DepthSpeed(rawValue: String(rest[at...])), s != .standard else {
                throw bad("depth speed must be @100ms or @500ms")
            }
            speed = s
        }
        if levelsText.isEmpty { return .diffDepth(symbol: symbol, speed: speed) }
        guard let n = Int(levelsText), let levels = DepthLevels(rawValue: n) else {
            throw bad("depth levels must be 5, 10 or 20")
        }
        return .partialDepth(symbol: symbol, levels: levels, speed: speed)
    }
}

/// Websocket endpoint paths for raw and combined streams.
///
/// ```swift
/// AsterEndpoint.combined(base: "wss://fstream.asterdex.com", streams: [.allTickers, .aggTrade(symbol: "btcusdt")])
/// // "wss://fstream.asterdex.com/stream?streams=!ticker@arr/btcusdt@aggTrade"
/// ```
public enum AsterEndpoint {
    /// Aster's production futures websocket base URL.
    public static let productionWebSocket = "wss://fstream.asterdex.com"
    /// Aster's production futures REST base URL.
    public static let productionREST = "https://fapi.asterdex.com"

    /// `<base>/ws/<stream>`: one raw stream.
    public static func raw(base: String, stream: StreamName) -> String {
        "\(trim(base))/ws/\(stream.name)"
    }

    /// `<base>/stream?streams=a/b/c`: a combined stream (payloads wrapped with their stream name).
    public static func combined(base: String, streams: [StreamName]) -> String {
        "\(trim(base))/stream?streams=\(streams.map(\.name).joined(separator: "/"))"
    }

    /// `<base>/ws/<listenKey>`: a user data stream.
    public static func userData(base: String, listenKey: String) -> String {
        "\(trim(base))/ws/\(listenKey)"
    }

    static func trim(_ base: String) -> String {
        var b = base
        while b.hasSuffix("/") { b.removeLast() }
        return b
    }
}
