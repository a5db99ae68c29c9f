/// An enumeration of server text values that keeps unknown values instead of failing.
///
/// Every Aster enum (side, order type, status, …) conforms: a value the server adds tomorrow
/// decodes as `.unknown("NEW_VALUE")` and round-trips through ``wireValue``.
public protocol WireEnum: Sendable, Hashable, CustomStringConvertible {
    /// The documented values and their server text.
    static var knownValues: [(wire: String, value: Self)] { get }
    /// A value the documentation does not list.
    static func unknown(_ raw: String) -> Self
}

extension WireEnum {
    /// Maps server text to a value; unknown text gives `.unknown(text)`.
    public init(wire: String) {
        for entry in Self.knownValues where entry.wire == wire {
            self = entry.value
            return
        }
        self = .unknown(wire)
    }

    /// Maps server bytes to a value without building a `String` for known values.
    init(wireBytes bytes: UnsafeBufferPointer<UInt8>) {
        for entry in Self.knownValues {
            var text = entry.wire
            if text.withUTF8({ $0.elementsEqual(bytes) }) {
                self = entry.value
                return
            }
        }
        self = .unknown(String(decoding: bytes, as: UTF8.self))
    }

    /// The server text of this value.
    public var wireValue: String {
        for entry in Self.knownValues where entry.value == self { return entry.wire }
        return Mirror(reflecting: self).children.first?.value as? String ?? "?"
    }

    public var description: String { wireValue }
}

extension JSONReader {
    /// Reads a string value as a ``WireEnum``.
    mutating func readEnum<E: WireEnum>(_ type: E.Type = E.self) throws(DecodingFailure) -> E {
        if peek() == UInt8(ascii: "\"") {
            let save = pos
            if let bytes = try? readStringBytes() { return E(wireBytes: bytes) }
            pos = save
        }
        return E(wire: try readString())
    }
}

/// Order side.
public enum Side: WireEnum {
    case buy, sell
    case unknown(String)
    public static let knownValues: [(wire: String, value: Side)] = [("BUY", .buy), ("SELL", .sell)]
}

/// Order type.
public enum OrderType: WireEnum {
    case limit, market, stop, stopMarket, takeProfit, takeProfitMarket, trailingStopMarket, liquidation
    case unknown(String)
    public static let knownValues: [(wire: String, value: OrderType)] = [
        ("LIMIT", .limit), ("MARKET", .market), ("STOP", .stop), ("STOP_MARKET", .stopMarket),
        ("TAKE_PROFIT", .takeProfit), ("TAKE_PROFIT_MARKET", .takeProfitMarket),
        ("TRAILING_STOP_MARKET", .trailingStopMarket), ("LIQUIDATION", .liquidation),
    ]
}

/// Order status.
public enum OrderStatus: WireEnum {
    case new, partiallyFilled, filled, canceled, rejected, expired, newInsurance, newADL
    case unknown(String)
    public static let knownValues: [(wire: String, value: OrderStatus)] = [
        ("NEW", .new), ("PARTIALLY_FILLED", .partiallyFilled), ("FILLED", .filled), ("CANCELED", .canceled),
        ("REJECTED", .rejected), ("EXPIRED", .expired), ("NEW_INSURANCE", .newInsurance), ("NEW_ADL", .newADL),
    ]

    /// `true` once the order can no longer fill.
    public var isFinal: Bool {
        switch self {
        case .filled, .canceled, .rejected, .expired: true
        default: false
        }
    }
}

/// Execution type of an order update.
public enum ExecutionType: WireEnum {
    case new, canceled, calculated, expired, trade, amendment
    case unknown(String)
    public static let knownValues: [(wire: String, value: ExecutionType)] = [
        ("NEW", .new), ("CANCELED", .canceled), ("CALCULATED", .calculated), ("EXPIRED", .expired),
        ("TRADE", .trade), ("AMENDMENT", .amendment),
    ]
}

/// Time in force.
public enum TimeInForce: WireEnum {
    case gtc, ioc, fok, gtx, hidden
    case unknown(String)
    public static let knownValues: [(wire: String, value: TimeInForce)] = [
        ("GTC", .gtc), ("IOC", .ioc), ("FOK", .fok), ("GTX", .gtx), ("HIDDEN", .hidden),
    ]
}

/// Which price triggers a stop order.
public enum WorkingType: WireEnum {
    case markPrice, contractPrice
    case unknown(String)
    public static let knownValues: [(wire: String, value: WorkingType)] = [
        ("MARK_PRICE", .markPrice), ("CONTRACT_PRICE", .contractPrice),
    ]
}

/// Position side (hedge mode uses LONG/SHORT, one-way mode BOTH).
public enum PositionSide: WireEnum {
    case both, long, short
    case unknown(String)
    public static let knownValues: [(wire: String, value: PositionSide)] = [
        ("BOTH", .both), ("LONG", .long), ("SHORT", .short),
    ]
}

/// Margin type. The server writes it in several spellings (`isolated`, `CROSSED`, `cross`).
public enum MarginType: WireEnum {
    case isolated, crossed
    case unknown(String)
    public static let knownValues: [(wire: String, value: MarginType)] = [
        ("ISOLATED", .isolated), ("CROSSED", .crossed), ("isolated", .isolated), ("crossed", .crossed),
        ("cross", .crossed), ("CROSS", .crossed),
    ]
}

/// Why an `ACCOUNT_UPDATE` was sent.
public enum UpdateReason: WireEnum {
    case deposit, withdraw, order, fundingFee, withdrawReject, adjustment, insuranceClear, adminDeposit
    case adminWithdraw, marginTransfer, marginTypeChange, assetTransfer, optionsPremiumFee
    case optionsSettleProfit, autoExchange
    case unknown(String)
    public static let knownValues: [(wire: String, value: UpdateReason)] = [
        ("DEPOSIT", .deposit), ("WITHDRAW", .withdraw), ("ORDER", .order), ("FUNDING_FEE", .fundingFee),
        ("WITHDRAW_REJECT", .withdrawReject), ("ADJUSTMENT", .adjustment), ("INSURANCE_CLEAR", .insuranceClear),
        ("ADMIN_DEPOSIT", .adminDeposit), ("ADMIN_WITHDRAW", .adminWithdraw), ("MARGIN_TRANSFER", .marginTransfer),
        ("MARGIN_TYPE_CHANGE", .marginTypeChange), ("ASSET_TRANSFER", .assetTransfer),
        ("OPTIONS_PREMIUM_FEE", .optionsPremiumFee), ("OPTIONS_SETTLE_PROFIT", .optionsSettleProfit),
        ("AUTO_EXCHANGE", .autoExchange),
    ]
}

/// Contract type of a symbol (`exchangeInfo` `contractType`).
public enum ContractType: WireEnum {
    case perpetual
    case unknown(String)
    public static let knownValues: [(wire: String, value: ContractType)] = [("PERPETUAL", .perpetual)]
}

/// Trading status of a symbol (`exchangeInfo` `status`).
public enum ContractStatus: WireEnum {
    case pendingTrading, trading, preSettle, settling, close
    case unknown(String)
    public static let knownValues: [(wire: String, value: ContractStatus)] = [
        ("PENDING_TRADING", .pendingTrading), ("TRADING", .trading), ("PRE_SETTLE", .preSettle),
        ("SETTLING", .settling), ("CLOSE", .close),
    ]
}
