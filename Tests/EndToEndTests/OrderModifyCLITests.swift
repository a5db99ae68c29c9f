import AsterKit
import AsterSim
import AsterTestSupport
import Foundation
import Testing

/// `aster-tui order modify` against the simulator's `PUT /fapi/v3/order`.
@Suite("aster-tui order modify against the simulator", .serialized, .timeLimit(.minutes(3)))
struct OrderModifyCLITests {
    /// A credentials file for the simulator's V3 demo agent.
    static func agentCredentialsFile() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("aster-agent-\(UUID().uuidString).env").path
        let text = "ASTER_USER=\(SimAccount.demoUser)\nASTER_SIGNER=\(SimAccount.demoSigner)\nASTER_SIGNER_KEY=\(SimAccount.demoSignerKey)\n"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
        return path
    }

    @Test("V3: place, then modify price and quantity (JSON answer, the order moved); V1 credentials: refused before sending (V1 has no modify), exit 1")
    func modify() async throws {
        let binary = try asterTUIBinary()
        let agent = try Self.agentCredentialsFile()
        let hmac = try demoCredentialsFile()
        defer {
            try? FileManager.default.removeItem(atPath: agent)
            try? FileManager.default.removeItem(atPath: hmac)
        }
        try await withSimulator(SimConfiguration(seed: 84, rate: 2_000, demoTrader: .off)) { server, port in
            server.setPaused(true)
            let url = ["--rest-url", "http://127.0.0.1:\(port)", "--yes", "--json"]
            let placed = try await runProcess(binary, ["order", "place", "--symbol", "LINKUSDT", "--side", "BUY", "--type", "LIMIT",
                                                       "--quantity", "1", "--price", "24.3", "--client-id", "cli-mod",
                                                       "--credentials", agent] + url)
            #expect(placed.status == 0, "\(placed.stderr)")
            let modified = try await runProcess(binary, ["order", "modify", "--symbol", "LINKUSDT", "--side", "BUY", "--client-id", "cli-mod",
                                                         "--quantity", "2", "--price", "24.2", "--credentials", agent] + url)
            #expect(modified.status == 0, "\(modified.stderr)")
            let order = try #require(parse(modified.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) as? [String: Any], "\(modified.stdout)")
            #expect(order["clientOrderId"] as? String == "cli-mod" && order["price"] as? String == "24.2" && order["origQty"] as? String == "2")
            let open = server.accountSnapshot.orders.values.filter { $0.clientOrderId == "cli-mod" }
            #expect(open.map(\.price) == [dec("24.2")] && open.map(\.quantity) == [dec("2")])
            let v1 = try await runProcess(binary, ["order", "modify", "--symbol", "LINKUSDT", "--side", "BUY", "--client-id", "cli-mod",
                                                   "--quantity", "3", "--price", "24.1", "--credentials", hmac] + url)
            #expect(v1.status == 1 && v1.stderr.contains("V3") && !v1.stderr.contains("-1102"), "\(v1.stderr)")
            #expect(server.accountSnapshot.orders.values.filter { $0.clientOrderId == "cli-mod" }.map(\.price) == [dec("24.2")])
        }
    }
}
