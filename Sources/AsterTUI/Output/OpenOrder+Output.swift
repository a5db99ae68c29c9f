import AsterKit

extension OpenOrder {
    /// The order as one JSON object with the exchange's own field names; decimals are strings.
    var json: String {
        var w = JSONWriter()
        w.beginObject()
        w.field("orderId", orderId)
        w.field("clientOrderId", clientOrderId)
        w.field("symbol", symbol)
        w.field("side", side.wireValue)
        w.field("positionSide", positionSide.wireValue)
        w.field("type", type.wireValue)
        w.field("origType", originalType.wireValue)
        w.field("status", status.wireValue)
        w.field("timeInForce", timeInForce.wireValue)
        w.field("price", price)
        w.field("origQty", originalQuantity)
        w.field("executedQty", executedQuantity)
        w.field("avgPrice", averagePrice)
        w.field("cumQuote", cumulativeQuote)
        w.field("stopPrice", stopPrice)
        w.field("reduceOnly", reduceOnly)
        w.field("closePosition", closePosition)
        w.field("workingType", workingType.wireValue)
        w.field("priceProtect", priceProtect)
        w.field("activatePrice", activatePrice)
        w.field("priceRate", priceRate)
        w.field("time", time)
        w.field("updateTime", updateTime)
        w.endObject()
        return w.text
    }

    /// `NEW BUY LIMIT 0.010/0.000 BTCUSDT @ 90000 GTC  id 42 (ak-…)`: one readable line.
    var summary: String {
        var parts = [status.wireValue, side.wireValue, type.wireValue,
                     "\(originalQuantity)" + (executedQuantity.isZero || executedQuantity == originalQuantity ? "" : " (filled \(executedQuantity))"), symbol]
        if !price.isZero { parts.append("@ \(price)") }
        if !stopPrice.isZero { parts.append("trigger \(stopPrice)") }
        if !averagePrice.isZero { parts.append("avg \(averagePrice)") }
        if [.limit, .stop, .takeProfit].contains(type) { parts.append(timeInForce.wireValue) }
        if positionSide != .both { parts.append(positionSide.wireValue) }
        if reduceOnly { parts.append("reduce-only") }
        return parts.joined(separator: " ") + "  id \(orderId) (\(clientOrderId))"
    }
}
