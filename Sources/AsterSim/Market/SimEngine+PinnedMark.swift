import AsterKit

extension SimEngine {
    /// Pins the mark price of `symbol` at `price` (`nil` lets the market set it again): the
    /// `markPrice` streams, `premiumIndex`, funding and every account's risk use it. Unknown
    /// symbols are ignored.
    public mutating func pinMark(symbol: String, price: ExactDecimal?) {
        guard let i = markets.firstIndex(where: { $0.symbol.name == symbol.uppercased() }) else { return }
        pinnedMarks[i] = price
    }
}
