import AsterTestSupport
import AsterDashboard
import Foundation
import Testing

@Suite("Terminal preconditions", .serialized, .timeLimit(.minutes(3)))
struct TerminalRequirementTests {
    func check(stdin: Bool = true, stdout: Bool = true, term: String? = "xterm", _ status: TerminfoStatus = .usable) -> TerminalProblem? {
        TerminalRequirements.check(stdinIsTerminal: stdin, stdoutIsTerminal: stdout, term: term, lookup: { _ in status })
    }

    @Test("each problem is found, output first")
    func problems() {
        #expect(check() == nil)
        #expect(check(stdin: false, stdout: false) == .outputNotTerminal)
        #expect(check(stdin: false) == .inputNotTerminal)
        #expect(check(term: nil) == .termUnset && check(term: "") == .termUnset)
        #expect(check(term: "dumb", .cannotAddressCursor) == .cannotAddressCursor(term: "dumb"))
        #expect(check(term: "vt999", .unknown) == .unknownTerm("vt999"))
    }

    @Test("every message is one line naming the problem and the headless alternative")
    func messages() {
        let all: [TerminalProblem] = [.outputNotTerminal, .inputNotTerminal, .termUnset, .cannotAddressCursor(term: "dumb"), .unknownTerm("vt999")]
        for problem in all {
            let text = TerminalRequirements.message(problem)
            #expect(!text.contains("\n") && text.contains("aster-tui stream"))
        }
        #expect(TerminalRequirements.message(.unknownTerm("vt999")).contains("TERM=vt999"))
    }

    @Test("the binary refuses a redirected standard output: one line on stderr, nothing on stdout, exit 64")
    func redirected() async throws {
        // runProcess gives the child /dev/null as input and files as output: no terminal at all.
        let result = try await runProcess(try asterTUIBinary(), ["--demo"], timeout: .seconds(20))
        #expect(result.status == 64)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("standard output is not a terminal") && result.stderr.contains("aster-tui stream"))
        #expect(result.stderr.split(separator: "\n").count == 1)
    }

    @Test("in a real terminal: input redirected, TERM=dumb, an unknown TERM, unset TERM each exit 64 with one line",
          arguments: [("< /dev/null", "standard input is not a terminal"), ("TERM=dumb", "TERM=dumb cannot position the cursor"),
                      ("TERM=nosuch-terminal-xyz", "not in the terminal database"), ("-u TERM", "TERM is not set")])
    func inTmux(setting: String, expected: String) async throws {
        try #require(tmuxAvailable(), "tmux is required (installed by .ci/run)")
        let binary = try asterTUIBinary().path
        let session = TmuxSession()
        defer { Task { await session.kill() } }
        let dir = NSTemporaryDirectory() + "aster-term-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let command = setting.hasPrefix("<") ? "\(binary) --demo \(setting)" : "env \(setting) \(binary) --demo"
        // Standard output stays the terminal (captured below); standard error goes to a file.
        try await session.start("\(command) 2>\(dir)/err; echo EXITED:$?; sleep 30", width: 100, height: 30)
        let screen = try await session.waitFor("exit") { $0.contains("EXITED:") }
        #expect(screen.contains("EXITED:64"))
        #expect(screen.trimmingCharacters(in: .whitespacesAndNewlines) == "EXITED:64", "nothing but the shell's echo on the terminal")
        let err = try String(contentsOfFile: dir + "/err", encoding: .utf8)
        #expect(err.contains(expected) && err.contains("aster-tui stream"), "\(err)")
        #expect(err.split(separator: "\n").count == 1)
        await session.kill()
    }

    @Test("a bad config file stops the dashboard before the screen: file, line, reason, exit 64")
    func badConfig() async throws {
        let path = NSTemporaryDirectory() + "aster-bad-\(UUID().uuidString).toml"
        try "symbol = \"BTCUSDT\"\n[theme]\nname = \"neon\"\n".write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let result = try await runProcess(try asterTUIBinary(), ["--demo", "--config", path], timeout: .seconds(20))
        #expect(result.status == 64 && result.stdout.isEmpty)
        #expect(result.stderr.contains("\(path):3: theme.name must be one of dark, light, high-contrast, monochrome"), "\(result.stderr)")
        let missing = try await runProcess(try asterTUIBinary(), ["--demo", "--config", path + ".nope"], timeout: .seconds(20))
        #expect(missing.status == 64 && missing.stderr.contains("no such file"))
    }

    @Test("config --print-default prints a commented default that config --print reads back")
    func printConfig() async throws {
        let printed = try await runProcess(try asterTUIBinary(), ["config", "--print-default"], timeout: .seconds(20))
        #expect(printed.status == 0 && printed.stdout.contains("# aster-tui configuration") && printed.stdout.contains("[theme]"))
        let path = NSTemporaryDirectory() + "aster-print-\(UUID().uuidString).toml"
        try (printed.stdout.replacingOccurrences(of: "name = \"dark\"", with: "name = \"light\"")).write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let effective = try await runProcess(try asterTUIBinary(), ["config", "--print", "--config", path], timeout: .seconds(20))
        #expect(effective.status == 0 && effective.stdout.contains("name = \"light\""))
        #expect(effective.stdout.replacingOccurrences(of: "\"light\"", with: "\"dark\"") == printed.stdout)
    }
}
