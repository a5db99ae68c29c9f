import AsterKit

/// Alerts: evaluation hooks, the fired-alert queue, and the alert overlay and prompt's keys.
extension DashboardModel {
    /// Margin-ratio and PnL rules against the account (only when such rules exist).
    func observeAccountAlerts(_ account: AccountState, now: Int64) {
        guard alerts.rules.contains(where: { [.marginRatioAbove, .pnlAbove, .pnlBelow].contains($0.kind) }) else { return }
        let pnl = Dictionary(account.positions.values.map { ($0.symbol, $0.unrealizedPnL) }, uniquingKeysWith: { a, _ in a })
        record(alerts.observeAccount(marginRatio: account.marginRatio, pnl: pnl, at: now))
    }

    /// Keeps fired alerts for the log, the status bar and the app's delivery.
    func record(_ fired: [AlertEvent]) {
        guard !fired.isEmpty else { return }
        undelivered += fired
        state.alertLog.insert(contentsOf: fired.reversed(), at: 0)
        if state.alertLog.count > Self.maxAlertLog { state.alertLog.removeLast(state.alertLog.count - Self.maxAlertLog) }
    }

    /// Alerts fired since the last call (then forgets them): the app rings the bell and runs
    /// the notification command for each.
    public func takeFiredAlerts() -> [AlertEvent] {
        defer { undelivered.removeAll() }
        return undelivered
    }

    /// Keys while the alert overlay is open: ↑↓ select a rule, edit, delete; others act as usual.
    func performInAlertOverlay(_ action: Action) -> [Effect]? {
        switch action {
        case .moveFocus(let delta):
            state.alertCursor = min(max(0, state.alertCursor + delta), max(0, state.alertRules.count - 1))
            return []
        case .editAlert:
            guard state.alertRules.indices.contains(state.alertCursor) else { return [] }
            editingAlert = state.alertCursor
            state.alertInput = AlertPrompt.text(of: state.alertRules[state.alertCursor])
            return []
        case .deleteAlert:
            guard state.alertRules.indices.contains(state.alertCursor) else { return [] }
            var rules = state.alertRules
            let removed = rules.remove(at: state.alertCursor)
            state.message = "deleted alert: \(removed)"
            return setAlertRules(rules)
        default: return nil
        }
    }

    /// Keys while the new-alert prompt is open.
    func performAlertInput(_ action: Action) -> [Effect] {
        switch action {
        case .searchInput(let c): state.alertInput = (state.alertInput ?? "") + String(c)
        case .searchBackspace: if state.alertInput?.isEmpty == false { state.alertInput?.removeLast() }
        case .searchCancel, .dismiss:
            state.alertInput = nil
            editingAlert = nil
        case .searchCommit:
            let text = state.alertInput ?? ""
            state.alertInput = nil
            var rules = state.alertRules
            let symbol = editingAlert.flatMap { rules.indices.contains($0) ? rules[$0].symbol : nil } ?? state.symbol
            guard let rule = AlertPrompt.parse(text, symbol: symbol) else {
                state.message = "not an alert: \"\(text)\" (>PRICE, <PRICE, N% or N%/MINUTES)"
                editingAlert = nil
                return []
            }
            if let i = editingAlert, rules.indices.contains(i) { rules[i] = rule } else { rules.append(rule) }
            editingAlert = nil
            state.message = "alert set: \(rule)"
            return setAlertRules(rules)
        case .quit: return [.quit]
        default: break
        }
        return []
    }

    func setAlertRules(_ rules: [AlertRule]) -> [Effect] {
        alerts.setRules(rules)
        state.alertRules = rules
        state.alertCursor = min(state.alertCursor, max(0, rules.count - 1))
        return [.saveAlerts(rules)]
    }
}
