/// A typed Aster futures market stream name: builds and parses every documented stream.
///
/// Symbols are lower-cased when the name is built; invalid depth levels, speeds or kline
/// intervals are rejected by ``init(parsing:)`` with a ``StreamNameError``.
///
/// ```swift
/// StreamName.partialDepth(symbol: "BTCUSDT", levels: .twenty, speed: .ms100).name  // "btcusdt@depth20@100ms"
/// try StreamName(parsing: "ethusdt@kline_1h")   // .kline(symbol: "ethusdt", interval: .oneHour)
/// ```
public enum StreamName: Sendable, Hashable, CustomStringConvertible {
    case aggTrade(symbol: String)
    case markPrice(symbol: String, everySecond: Bool = false)
    case allMarkPrices(everySecond: Bool = false)
    case kline(symbol: String, interval: KlineInterval)
    case miniTicker(symbol: String)
    case allMiniTickers
    case ticker(symbol: String)
    case allTickers
    case bookTicker(symbol: String)
    case allBookTickers
    case liquidations(symbol: String)
    case allLiquidations
    case partialDepth(symbol: String, levels: DepthLevels, speed: DepthSpeed = .standard)
    case diffDepth(symbol: String, speed: DepthSpeed = .standard)
    case tradePro(symbol: String)

    /// Levels of a partial book depth stream.
    public enum DepthLevels: Int, Sendable, Hashable, CaseIterable {
        case five = 5, ten = 10, twenty = 20
    }

    /// Update speed of a depth stream.
    public enum DepthSpeed: String, Sendable, Hashable, CaseIterable {
        /// 250 ms (no suffix).
        case standard = ""
        /// `@100ms`.
        case ms100 = "@100ms"
        /// `@500ms`.
        case ms500 = "@500ms"
    }

    /// The symbol (lower case), or `nil` for all-market streams.
    public var symbol: String? {
        switch self {
        case .aggTrade(let s), .markPrice(let s, _), .kline(let s, _), .miniTicker(let s), .ticker(let s),
            .bookTicker(let s), .liquidations(let s), .partialDepth(let s, _, _), .diffDepth(let s, _),
            .tradePro(let s):
            s.lowercased()
        case .allMarkPrices, .allMiniTickers, .allTickers, .allBookTickers, .allLiquidations:
            nil
        }
    }

    /// The wire name, e.g. `btcusdt@aggTrade`.
    public var name: String {
        let s = symbol ?? ""
        switch self {
        case .aggTrade: return "\(s)@aggTrade"
        case .markPrice(_, let fast): return "\(s)@markPrice" + (fast ? "@1s" : "")
        case .allMarkPrices(let fast): return "!markPrice@arr" + (fast ? "@1s" : "")
        case .kline(_, let interval): return "\(s)@kline_\(interval.wireValue)"
        case .miniTicker: return "\(s)@miniTicker"
        case .allMiniTickers: return "!miniTicker@arr"
        case .ticker: return "\(s)@ticker"
        case .allTickers: return "!ticker@arr"
        case .bookTicker: return "\(s)@bookTicker"
        case .allBookTickers: return "!bookTicker"
        case .liquidations: return "\(s)@forceOrder"
        case .allLiquidations: return "!forceOrder@arr"
        case .partialDepth(_, let levels, let speed): return "\(s)@depth\(levels.rawValue)\(speed.rawValue)"
        case .diffDepth(_, let speed): return "\(s)@depth\(speed.rawValue)"
        case .tradePro: return "\(s)@tradepro"
        }
    }

    public var description: String { name }
}

/// Why a stream name was rejected.
public struct StreamNameError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The rejected text.
    public let name: String
    /// Why.
    public let reason: String

    public var description: String { "invalid stream name \"\(name)\": \(reason)" }
}
