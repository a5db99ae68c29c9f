import AsterKit

/// The filter checks shared by `POST order` and `PUT order`, with the spec's errors.
extension SimFilters {
    /// `PRICE_FILTER` for a price (`stop`: a stop or activation price): positive, within
    /// min/max, on the tick.
    func check(price p: ExactDecimal, stop: Bool) throws {
        guard p > .zero else { throw stop ? SimHTTPError(-4006, "Stop price less than zero.") : SimHTTPError(-4001, "Price less than 0.") }
        guard p >= minPrice else { throw SimHTTPError(-4013, "Price less than min price.") }
        guard p <= maxPrice else {
            throw stop ? SimHTTPError(-4007, "Stop price greater than max price.") : SimHTTPError(-4002, "Price greater than max price.")
        }
        guard p.rounded(toMultipleOf: symbol.tickSize, rule: .down) == p else {
            throw SimHTTPError(-4014, "Price not increased by tick size.")
        }
    }

    /// `LOT_SIZE` (or `MARKET_LOT_SIZE` for market orders): positive, within min/max, on the step.
    func check(quantity qty: ExactDecimal, market: Bool) throws {
        guard qty > .zero else { throw SimHTTPError(-4003, "Quantity less than zero.") }
        guard qty >= symbol.lotSize else { throw SimHTTPError(-4004, "Quantity less than min quantity.") }
        guard qty <= (market ? maxMarketQuantity : maxQuantity) else {
            throw SimHTTPError(-4005, "Quantity greater than max quantity.")
        }
        guard qty.rounded(toMultipleOf: symbol.lotSize, rule: .down) == qty else {
            throw SimHTTPError(-4023, "Qty not increased by step size.")
        }
    }

    /// `PERCENT_PRICE`: a buy no higher than mark × multiplierUp, a sell no lower than mark × multiplierDown.
    static func checkPercentPrice(_ price: ExactDecimal, buy: Bool, mark: ExactDecimal) throws {
        if buy, price > mark * multiplierUp { throw SimHTTPError(-4016, "Price is higher than mark price multiplier cap.") }
        if !buy, price < mark * multiplierDown { throw SimHTTPError(-4024, "Price is lower than mark price multiplier floor.") }
    }
}
