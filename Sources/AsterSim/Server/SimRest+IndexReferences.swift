import AsterKit

/// `GET /fapi/v3/indexreferences`: the exchanges and weights the index price of a symbol is made
/// of, in the spec's form. The simulator's index follows its own fair price; these are the
/// components it publishes for it (the spec's example's sources and weights).
extension SimRest {
    /// The spec example's sources: exchange, how it spells a pair of `base`, and weight.
    static let indexSources: [(exchange: String, spell: @Sendable (String) -> String, weight: String)] = [
        ("binance", { $0 + "USDT" }, "0.41441441"), ("okex", { $0 + "-USDT" }, "0.13513513"),
        ("coinbase", { $0 + "-USDT" }, "0.13513513"), ("gateio", { $0 + "_USDT" }, "0.04504504"),
        ("kucoin", { $0 + "-USDT" }, "0.06756756"), ("mxc", { $0 + "USDT" }, "0.06756756"),
        ("bybit", { $0 + "USDT" }, "0.06756756"), ("bitget", { $0 + "USDT" }, "0.06756756"),
    ]

    /// The answer for `symbol` (required, `-1102`); an unlisted one is `-1000` "Invalid symbol."
    /// as the spec's error example shows.
    func indexReferences(_ q: SimQuery) throws -> String {
        let name = try q.required("symbol").uppercased()
        guard let symbol = server.configuration.symbols.first(where: { $0.name == name }) else {
            throw SimHTTPError(-1000, "Invalid symbol.")
        }
        let base = String(symbol.name.dropLast(4))
        var w = JSONWriter()
        w.beginObject()
        w.field("symbol", symbol.name)
        w.field("time", now())
        w.key("references")
        w.beginArray()
        for source in Self.indexSources {
            w.beginObject()
            w.field("exchange", source.exchange)
            w.field("symbol", source.spell(base))
            w.field("weight", source.weight)
            w.endObject()
        }
        w.endArray()
        w.endObject()
        return w.text
    }
}
