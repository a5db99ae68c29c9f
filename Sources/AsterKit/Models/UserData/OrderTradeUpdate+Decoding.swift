extension OrderTradeUpdate {
    /// Decodes the inner order object `o`.
    init(orderReader r: inout JSONReader) throws(DecodingFailure) {
        var s: String?, c: String?, S: Side?, o: OrderType?, f: TimeInForce?, q: ExactDecimal?, p: ExactDecimal?
        var ap: ExactDecimal?, sp: ExactDecimal?, x: ExecutionType?, X: OrderStatus?, i: Int64?
        var l: ExactDecimal?, z: ExactDecimal?, L: ExactDecimal?, N: String?, n: ExactDecimal?, T: Int64?
        var t: Int64?, b: ExactDecimal?, a: ExactDecimal?, m: Bool?, R: Bool?, wt: WorkingType?
        var ot: OrderType?, ps: PositionSide?, cp: Bool?, AP: ExactDecimal?, cr: ExactDecimal?, rp: ExactDecimal?
        try r.beginObject()
        while let key = try r.nextKey() {
            if r.consumeNull() { continue }
            switch key {
            case .s: s = try r.readString()
            case .c: c = try r.readString()
            case .S_: S = try r.readEnum()
            case .o: o = try r.readEnum()
            case .f: f = try r.readEnum()
            case .q: q = try r.readDecimal()
            case .p: p = try r.readDecimal()
            case .ap: ap = try r.readDecimal()
            case .sp: sp = try r.readDecimal()
            case .x: x = try r.readEnum()
            case .X_: X = try r.readEnum()
            case .i: i = try r.readInt64()
            case .l: l = try r.readDecimal()
            case .z: z = try r.readDecimal()
            case .L_: L = try r.readDecimal()
            case .N_: N = try r.readString()
            case .n: n = try r.readDecimal()
            case .T_: T = try r.readInt64()
            case .t: t = try r.readInt64()
            case .b: b = try r.readDecimal()
            case .a: a = try r.readDecimal()
            case .m: m = try r.readBool()
            case .R_: R = try r.readBool()
            case .wt: wt = try r.readEnum()
            case .ot: ot = try r.readEnum()
            case .ps: ps = try r.readEnum()
            case .cp: cp = try r.readBool()
            case .AP_: AP = try r.readDecimal()
            case .cr: cr = try r.readDecimal()
            case .rp: rp = try r.readDecimal()
            default: try r.skipValue()
            }
        }
        self.init(
            eventTime: 0, transactionTime: nil, symbol: try required(s, "s", r), clientOrderId: c ?? "",
            side: try required(S, "S", r), orderType: try required(o, "o", r), timeInForce: f ?? .gtc,
            originalQuantity: try required(q, "q", r), originalPrice: p ?? .zero, averagePrice: ap ?? .zero,
            executionType: try required(x, "x", r), status: try required(X, "X", r), orderId: try required(i, "i", r),
            lastFilledQuantity: l ?? .zero, filledQuantity: z ?? .zero, lastFilledPrice: L ?? .zero,
            tradeTime: T ?? 0, tradeId: t ?? 0, isMaker: m ?? false, isReduceOnly: R ?? false)
        stopPrice = sp
        commissionAsset = N
        commission = n
        bidsNotional = b
        asksNotional = a
        workingType = wt
        originalOrderType = ot
        positionSide = ps
        closePosition = cp
        activationPrice = AP
        callbackRate = cr
        realizedProfit = rp
    }
}
