/// A kline (candlestick) interval: the 15 documented ones, or an unknown server value.
public enum KlineInterval: WireEnum, CaseIterable {
    case oneMinute, threeMinutes, fiveMinutes, fifteenMinutes, thirtyMinutes
    case oneHour, twoHours, fourHours, sixHours, eightHours, twelveHours
    case oneDay, threeDays, oneWeek, oneMonth
    case unknown(String)

    public static let knownValues: [(wire: String, value: KlineInterval)] = [
        ("1m", .oneMinute), ("3m", .threeMinutes), ("5m", .fiveMinutes), ("15m", .fifteenMinutes),
        ("30m", .thirtyMinutes), ("1h", .oneHour), ("2h", .twoHours), ("4h", .fourHours), ("6h", .sixHours),
        ("8h", .eightHours), ("12h", .twelveHours), ("1d", .oneDay), ("3d", .threeDays), ("1w", .oneWeek),
        ("1M", .oneMonth),
    ]

    /// The 15 documented intervals, shortest first.
    public static var allCases: [KlineInterval] { knownValues.map(\.value) }

    /// The documented interval with this text, or `nil`.
    public init?(validating text: String) {
        guard let entry = Self.knownValues.first(where: { $0.wire == text }) else { return nil }
        self = entry.value
    }

    /// The interval length in milliseconds (a month counts as 30 days); `nil` when unknown.
    public var milliseconds: Int64? {
        let minute: Int64 = 60_000
        switch self {
        case .oneMinute: return minute
        case .threeMinutes: return 3 * minute
        case .fiveMinutes: return 5 * minute
        case .fifteenMinutes: return 15 * minute
        case .thirtyMinutes: return 30 * minute
        case .oneHour: return 60 * minute
        case .twoHours: return 120 * minute
        case .fourHours: return 240 * minute
        case .sixHours: return 360 * minute
        case .eightHours: return 480 * minute
        case .twelveHours: return 720 * minute
        case .oneDay: return 1440 * minute
        case .threeDays: return 3 * 1440 * minute
        case .oneWeek: return 7 * 1440 * minute
        case .oneMonth: return 30 * 1440 * minute
        case .unknown: return nil
        }
    }
}
