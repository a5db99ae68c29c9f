extension OrderTradeUpdate {
    /// Decodes the inner order object `o`: every field the spec always sends is required (a
    /// `null` counts as absent); `N`, `n` (no commission), `cp` (conditional orders only), `AP` and
    /// `cr` (trailing stops only) are optional.
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
            eventTime: 0, transactionTime: 0, symbol: try required(s, "o.s", r), clientOrderId: try required(c, "o.c", r),
            side: try required(S, "o.S", r), orderType: try required(o, "o.o", r), timeInForce: try required(f, "o.f", r),
            originalQuantity: try required(q, "o.q", r), originalPrice: try required(p, "o.p", r),
            averagePrice: try required(ap, "o.ap", r), stopPrice: try required(sp, "o.sp", r),
            executionType: try required(x, "o.x", r), status: try required(X, "o.X", r), orderId: try required(i, "o.i", r),
            lastFilledQuantity: try required(l, "o.l", r), filledQuantity: try required(z, "o.z", r),
            lastFilledPrice: try required(L, "o.L", r), tradeTime: try required(T, "o.T", r),
            tradeId: try required(t, "o.t", r), bidsNotional: try required(b, "o.b", r),
            asksNotional: try required(a, "o.a", r), isMaker: try required(m, "o.m", r),
            isReduceOnly: try required(R, "o.R", r), workingType: try required(wt, "o.wt", r),
            originalOrderType: try required(ot, "o.ot", r), positionSide: try required(ps, "o.ps", r),
            realizedProfit: try required(rp, "o.rp", r))
        commissionAsset = N
        commission = n
        closePosition = cp
        activationPrice = AP
        callbackRate = cr
    }
}
