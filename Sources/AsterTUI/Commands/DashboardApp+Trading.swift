import AsterDashboard
import AsterKit
import Logging

extension DashboardApp {
    /// Carries out a trading effect of the dashboard with ``TradingClient``'s safety rules (checked
    /// before sending, never re-sent blindly) and reports the outcome in the status line. What
    /// the exchange then does reaches the account pane through the user stream.
    static func execute(_ effect: Effect, trading: TradingClient, model: DashboardModel, logger: Logger) async {
        do {
            switch effect {
            case .placeOrders(let orders):
                for (i, order) in orders.enumerated() {
                    let placed = try await trading.place(order)
                    logger.notice("order placed", metadata: ["order": "\(placed.summary)"])
                    await model.noteTrading(i == 0 ? "placed \(placed.summary)" : "and \(placed.summary)", failed: false)
                }
            case .cancelOrder(let symbol, let orderId):
                let cancelled = try await trading.cancel(symbol: symbol, orderId: orderId)
                await model.noteTrading("cancelled \(cancelled.summary)", failed: false)
            case .modifyOrder(let symbol, let orderId, let side, let quantity, let price):
                let modified = try await trading.modify(symbol: symbol, orderId: orderId, side: side, quantity: quantity, price: price)
                await model.noteTrading("changed \(modified.summary)", failed: false)
            case .closePosition(let symbol):
                let orders = try await trading.closePosition(symbol: symbol)
                await model.noteTrading(orders.isEmpty ? "no open position on \(symbol)"
                                                       : "closing: " + orders.map(\.summary).joined(separator: "; "), failed: false)
            default:
                return
            }
        } catch {
            logger.warning("trading request failed", metadata: ["error": "\(error)"])
            await model.noteTrading("\(error)", failed: true)
        }
    }
}
