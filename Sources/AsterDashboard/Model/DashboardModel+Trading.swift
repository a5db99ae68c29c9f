import AsterKit

/// Trading from the dashboard: the order ticket, the account pane's order cursor, confirmations,
/// and the outcome of what the app sent. The model only decides; the app sends (``Effect``).
extension DashboardModel {
    /// Turns trading on (`--demo`, `--trade`, or `[trading] enabled = true`): the header says TRADING.
    public func enableTrading(_ on: Bool) {
        state.trading = on
    }

    /// The outcome of an order, cancel or close the app sent, for the status line.
    public func noteTrading(_ text: String, failed: Bool) {
        state.message = (failed ? "✗ " : "✓ ") + text
    }

    func beginOrder(_ side: Side) {
        guard state.trading else {
            state.message = "trading is off: start with --trade or set [trading] enabled = true"
            return
        }
        let cursorLevel: PriceLevel? = state.bookCursor.flatMap { c in
            c < 0 ? state.asks.dropFirst(-c - 1).first : state.bids.dropFirst(c - 1).first
        }
        let best = side == .buy ? state.asks.first : state.bids.first
        let price = cursorLevel?.price ?? best?.price
        state.orderTicket = OrderTicket(symbol: state.symbol, side: side, price: price?.description ?? "")
    }

    /// Keys while the ticket is open: digits and `.` type, Tab/↑↓ move between fields, `m` market,
    /// `u` contracts or USDT, `r` reduce-only; Enter previews, Enter again sends; Esc steps back.
    func performTicketInput(_ action: Action) -> [Effect] {
        guard var ticket = state.orderTicket else { return [] }
        switch action {
        case .searchInput(let c) where c.isNumber || c == ".":
            guard ticket.preview == nil else { break }
            ticket.edit { $0.append(c) }
        case .searchInput("m") where ticket.modifying == nil:
            ticket.market.toggle()
            if ticket.market && ticket.field == .price { ticket.field = .quantity }
            ticket.preview = nil
        case .searchInput("u"):
            ticket.quantityInQuote.toggle()
            ticket.preview = nil
        case .searchInput("r") where ticket.modifying == nil:
            ticket.reduceOnly.toggle()
            ticket.preview = nil
        case .searchBackspace:
            if ticket.preview == nil { ticket.edit { if !$0.isEmpty { $0.removeLast() } } }
        case .nextField(let forward):
            let fields = ticket.fields
            let i = fields.firstIndex(of: ticket.field) ?? 0
            ticket.field = fields[(i + (forward ? 1 : fields.count - 1)) % fields.count]
        case .searchCancel, .dismiss:
            if ticket.preview != nil {
                ticket.preview = nil
            } else {
                state.orderTicket = nil
                return []
            }
        case .searchCommit:
            if let preview = ticket.preview {
                state.orderTicket = nil
                state.message = "sending \(preview.orders[0])…"
                if let id = ticket.modifying, let order = preview.orders.first, let q = order.quantity, let p = order.price {
                    return [.modifyOrder(symbol: order.symbol, orderId: id, side: order.side, quantity: q, price: p)]
                }
                return [.placeOrders(preview.orders)]
            }
            switch makePreview(ticket) {
            case .success(let preview): ticket.preview = preview
            case .failure(let problem): ticket.problem = problem.text
            }
        case .quit: return [.quit]
        default: break
        }
        state.orderTicket = ticket
        return []
    }

    /// Keys while a confirmation is asked: Enter confirms, anything else dismisses it.
    func performConfirmation(_ action: Action) -> [Effect] {
        guard let pending = state.confirmation else { return [] }
        state.confirmation = nil
        guard action == .searchCommit || action == .searchInput("y") else {
            if action == .quit { return [.quit] }
            state.message = "not sent"
            return []
        }
        switch pending {
        case .cancelOrder(let symbol, let id, let summary):
            state.message = "cancelling \(summary)…"
            return [.cancelOrder(symbol: symbol, orderId: id)]
        case .closePosition(let symbol, let summary):
            state.message = "closing \(summary)…"
            return [.closePosition(symbol: symbol)]
        }
    }

    /// The account's open orders in the order the pane lists them.
    var listedOrders: [OrderState] {
        (state.account?.state?.openOrders.values).map { $0.sorted { $0.orderId < $1.orderId } } ?? []
    }

    /// Moves the selection among the open orders. It follows an order, not a row: orders that
    /// appear or go away meanwhile never move it onto another order.
    func moveOrderCursor(_ delta: Int) {
        let orders = listedOrders
        guard !orders.isEmpty else {
            selectedOrderId = nil
            return
        }
        let current = selectedOrderId.flatMap { id in orders.firstIndex { $0.orderId == id } }
        let next = min(max((current ?? (delta > 0 ? -1 : orders.count)) + delta, 0), orders.count - 1)
        selectedOrderId = orders[next].orderId
    }

    /// The selected open order, if it is still open.
    var selectedOrder: OrderState? {
        selectedOrderId.flatMap { id in listedOrders.first { $0.orderId == id } }
    }

    func cancelSelectedOrder() {
        guard state.trading else { return beginOrder(.buy) }  // says why trading is off
        guard let o = selectedOrder else {
            state.message = "select an open order in the account pane (Tab to it, then ↑↓)"
            return
        }
        state.confirmation = .cancelOrder(symbol: o.symbol, orderId: o.orderId,
                                          summary: "\(o.side.wireValue) \(o.quantity) \(o.symbol) @ \(o.price) (order \(o.orderId))")
    }

    func modifySelectedOrder() {
        guard state.trading else { return beginOrder(.buy) }
        guard let o = selectedOrder else {
            state.message = "select an open order in the account pane (Tab to it, then ↑↓)"
            return
        }
        guard o.type == .limit else {
            state.message = "only LIMIT orders can be changed"
            return
        }
        var ticket = OrderTicket(symbol: o.symbol, side: o.side, price: o.price.description)
        ticket.quantity = (o.quantity - o.filled).description
        ticket.modifying = o.orderId
        ticket.field = .price
        state.orderTicket = ticket
    }

    func closeFocusedPosition() {
        guard state.trading else { return beginOrder(.buy) }
        let open = state.account?.state?.openPositions.filter { $0.symbol == state.symbol } ?? []
        guard !open.isEmpty else {
            state.message = "no open position on \(state.symbol)"
            return
        }
        let summary = open.map { "\($0.side == .both ? "" : $0.side.wireValue + " ")\($0.amount) \($0.symbol)" }
            .joined(separator: " and ")
        state.confirmation = .closePosition(symbol: state.symbol, summary: summary)
    }

    struct TicketProblem: Error {
        let text: String
    }

    /// The orders a ticket will send and their effect, or why it cannot be sent.
    func makePreview(_ ticket: OrderTicket) -> Result<OrderPreview, TicketProblem> {
        let info = symbolInfos[ticket.symbol]
        let reference = ticket.side == .buy ? state.asks.first?.price : state.bids.first?.price
        let markPrice = state.mark?.symbol.uppercased() == ticket.symbol ? state.mark?.markPrice : nil
        let limit = ExactDecimal(ticket.price)
        guard ticket.market || limit != nil else { return .failure(TicketProblem(text: "type a price")) }
        guard let price = ticket.market ? (reference ?? markPrice) : limit, price > .zero else {
            return .failure(TicketProblem(text: "no price to value a market order yet"))
        }
        guard let typed = ExactDecimal(ticket.quantity), typed > .zero else {
            return .failure(TicketProblem(text: "type a quantity"))
        }
        var quantity = typed
        if ticket.quantityInQuote {
            guard let contracts = typed.divided(by: price, scale: 12) else { return .failure(TicketProblem(text: "bad quantity")) }
            let step = info?.filters.lotSize.stepSize ?? .zero
            quantity = step.isZero ? contracts : contracts.rounded(toMultipleOf: step, rule: .down)
        }
        let entry = ticket.market
            ? NewOrder.market(ticket.symbol, ticket.side, quantity: quantity, reduceOnly: ticket.reduceOnly)
            : NewOrder.limit(ticket.symbol, ticket.side, quantity: quantity, price: price, reduceOnly: ticket.reduceOnly)
        var orders = [entry]
        let exit: Side = ticket.side == .buy ? .sell : .buy
        for (text, type, name) in [(ticket.takeProfit, OrderType.takeProfitMarket, "take profit"), (ticket.stopLoss, .stopMarket, "stop loss")]
        where !text.isEmpty {
            guard let trigger = ExactDecimal(text), trigger > .zero else { return .failure(TicketProblem(text: "bad \(name) price")) }
            let profitSide = (trigger > price) == (ticket.side == .buy)
            guard profitSide == (type == .takeProfitMarket) else {
                return .failure(TicketProblem(text: "\(name) \(trigger) is on the wrong side of \(price)"))
            }
            orders.append(NewOrder(symbol: ticket.symbol, side: exit, type: type, stopPrice: trigger, closePosition: true,
                                   workingType: .markPrice))
        }
        if let info {
            for order in orders {
                do {
                    try OrderCheck.validate(order, symbol: info, markPrice: markPrice ?? reference,
                                            openOrders: ticket.modifying == nil ? listedOrders.filter { $0.symbol == ticket.symbol }.count : nil)
                } catch {
                    return .failure(TicketProblem(text: error.description))
                }
            }
        }
        let estimate = state.account?.state?.estimateFill(symbol: ticket.symbol, orderSide: ticket.side, quantity: quantity, price: price)
        return .success(OrderPreview(orders: orders, notional: quantity * price, estimate: estimate))
    }
}
