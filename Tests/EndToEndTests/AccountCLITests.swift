import AsterKit
import AsterSim
import AsterTestSupport
import Foundation
import Testing

@Suite("aster-tui account and stream --user", .serialized, .timeLimit(.minutes(3)))
struct AccountCLITests {
    @Test("`account` and `stream --user` work against the simulator; no secret reaches stdout, stderr, logs or recordings")
    func cli() async throws {
        let binary = try asterTUIBinary()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("aster-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let credentials = dir.appendingPathComponent("demo.env").path
        try "ASTER_API_KEY=\(SimAccount.demoAPIKey)\nASTER_API_SECRET=\(SimAccount.demoSecret)\n".write(toFile: credentials, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: credentials)
        let recording = dir.appendingPathComponent("user.rec").path
        let keys = Collected<String>()
        try await withSimulator(SimConfiguration(seed: 45, rate: 8_000, demoTrader: .demoAccount)) { server, port in
            let account = try await runProcess(binary, ["account", "--json", "--rest-url", "http://127.0.0.1:\(port)", "--credentials", credentials])
            #expect(account.status == 0, "\(account.stderr)")
            #expect(account.stdout.contains(#""type":"account""#) && account.stdout.contains(#""asset":"USDT""#))
            let watcher = Task {
                while !Task.isCancelled {
                    server.accountSnapshot.listenKeys.keys.forEach { k in if !keys.all.contains(k) { keys.append(k) } }
                    try? await Task.sleep(for: .milliseconds(20))
                }
            }
            let user = try await runProcess(binary, ["stream", "--user", "--json", "--count", "3", "--timeout", "60",
                                                     "--url", "ws://127.0.0.1:\(port)", "--rest-url", "http://127.0.0.1:\(port)",
                                                     "--credentials", credentials, "--record", recording])
            watcher.cancel()
            #expect(user.status == 0, "\(user.stderr)")
            let lines = user.stdout.split(separator: "\n")
            #expect(lines.count == 3 && lines.allSatisfy { $0.contains(#""type":"ORDER_TRADE_UPDATE""#) || $0.contains(#""type":"ACCOUNT_UPDATE""#) || $0.contains("MARGIN_CALL") || $0.contains("ACCOUNT_CONFIG_UPDATE") })
            #expect(user.stderr.contains("creating listen key") && user.stderr.contains("connected"))
            let recorded = (try? String(contentsOfFile: recording, encoding: .utf8)) ?? ""
            #expect(!recorded.isEmpty)
            #expect(!keys.all.isEmpty)
            for (name, text) in [("account stdout", account.stdout), ("account stderr", account.stderr), ("stdout", user.stdout),
                                 ("stderr", user.stderr), ("recording", recorded)] {
                for secret in [SimAccount.demoSecret, SimAccount.demoAPIKey] + keys.all {
                    #expect(!text.contains(secret), "\(name) shows a secret")
                }
            }
        }
        // Wrong permissions and missing credentials are usage errors, before any network use.
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: credentials)
        let open = try await runProcess(binary, ["account", "--credentials", credentials])
        #expect(open.status == 64 && open.stderr.contains("chmod 600") && !open.stderr.contains(SimAccount.demoSecret))
    }
}
