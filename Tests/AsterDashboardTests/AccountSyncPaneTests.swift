import AsterTestSupport
import AsterKit
import Testing

@testable import AsterDashboard

@Suite("Account pane while the account is not synchronised")
struct AccountSyncPaneTests {
    @Test("an unsynced account shows `syncing account…` with the attempt and error, and no numbers")
    func syncing() async throws {
        let failing = LiveAccount.Status(state: nil, connection: .connected, lastError: "HTTP 500 -1001 /fapi/v4/account",
                                         synced: false, syncAttempts: 3)
        let model = DashboardModel(mode: .demo, symbol: "BTCUSDT", account: true)
        await model.updateAccount(failing)
        let view = await model.snapshot(now: 0).account
        #expect(view?.state == nil)
        #expect(view?.status.hasPrefix("syncing account…") == true)
        #expect(view?.status.contains("attempt 3") == true && view?.status.contains("-1001") == true)
    }
}
