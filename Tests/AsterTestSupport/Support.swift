import Foundation
import ServiceLifecycle
import Testing

@testable import AsterKit

/// Loads a fixture copied from the spec by scripts/extract_fixtures.py.
public func fixture(_ name: String) throws -> String {
    let url = try #require(Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "Fixtures"))
    return try String(contentsOf: url, encoding: .utf8)
}

/// Every payload fixture name (signing vectors are not payloads).
public let allFixtureNames: [String] = {
    let dir = Bundle.module.url(forResource: "Fixtures", withExtension: nil)!
    let files = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
    return files.filter { $0.hasSuffix(".json") && $0 != "v3Signatures.json" }.map { String($0.dropLast(5)) }.sorted()
}()

/// Decodes text, failing the test on error.
public func decode(_ text: String) throws -> StreamMessage {
    try EventDecoder().decode(text)
}

/// A trading symbol of `exchangeInfo` with this tick and step (the other rules as the spec's example).
public func symbolInfo(_ symbol: String, tick: String, step: String) -> SymbolInfo {
    SymbolInfo(
        symbol: symbol, pair: symbol, contractType: .perpetual, deliveryDate: 4133404800000, onboardDate: 1598252400000,
        status: .trading, maintenanceMarginPercent: dec("2.5"), requiredMarginPercent: dec("5"),
        baseAsset: String(symbol.dropLast(4)), quoteAsset: "USDT", marginAsset: "USDT", pricePrecision: Int(dec(tick).scale),
        quantityPrecision: Int(dec(step).scale), baseAssetPrecision: 8, quotePrecision: 8, underlyingType: "COIN",
        underlyingSubTypes: [], settlePlan: 0, triggerProtect: dec("0.05"),
        filters: SymbolFilters(
            price: .init(minPrice: dec(tick), maxPrice: dec("1000000"), tickSize: dec(tick)),
            lotSize: .init(minQuantity: dec(step), maxQuantity: dec("1000000"), stepSize: dec(step)),
            marketLotSize: .init(minQuantity: dec(step), maxQuantity: dec("1000000"), stepSize: dec(step)),
            maxOrders: 200, maxAlgoOrders: 100, minNotional: dec("5"),
            percentPrice: .init(multiplierUp: dec("1.05"), multiplierDown: dec("0.95"), multiplierDecimal: 4)),
        orderTypes: [.limit, .market], timeInForce: [.gtc], liquidationFee: dec("0.01"), marketTakeBound: dec("0.3"))
}

/// Shorthand for an exact decimal literal in tests.
public func dec(_ text: String) -> ExactDecimal {
    try! ExactDecimal(parsing: text)
}

#if canImport(Glibc)
import Glibc
#endif

/// Runs a process to completion, returning its exit code, stdout and stderr.
///
/// Spawned with `posix_spawn` and reaped by polling `waitpid(pid, WNOHANG)`, not with Foundation's
/// `Process`: on Linux, `Process` can miss the exit of a child started while other tests spawn theirs
/// (the child stays a zombie and `isRunning` stays true), which once hung the whole suite in CI.
/// Output goes to temporary files and the wait polls, so no cooperative thread ever blocks. A child
/// past `timeout` gets SIGTERM, then SIGKILL two seconds later; its status is then that of the signal.
public func runProcess(_ url: URL, _ arguments: [String], timeout: Duration = .seconds(60)) async throws
    -> (status: Int32, stdout: String, stderr: String)
{
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("aster-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let outPath = dir.appendingPathComponent("out").path
    let errPath = dir.appendingPathComponent("err").path

    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    posix_spawn_file_actions_addopen(&actions, 2, errPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    // The child starts with default signal dispositions and an empty mask, whatever the runner set.
    var defaults = sigset_t()
    sigfillset(&defaults)
    var empty = sigset_t()
    sigemptyset(&empty)
    posix_spawnattr_setsigdefault(&attributes, &defaults)
    posix_spawnattr_setsigmask(&attributes, &empty)
    posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

    let argv = ([url.path] + arguments).map { strdup($0) } + [nil]
    defer { argv.forEach { free($0) } }
    var pid: pid_t = 0
    let spawned = posix_spawn(&pid, url.path, &actions, &attributes, argv, environ)
    guard spawned == 0 else {
        throw POSIXError(POSIXErrorCode(rawValue: spawned) ?? .EIO)
    }

    var status: Int32 = 0
    let deadline = ContinuousClock.now + timeout
    var killAt: ContinuousClock.Instant?
    while true {
        let reaped = waitpid(pid, &status, WNOHANG)
        if reaped == pid { break }
        if reaped == -1 && errno != EINTR { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .ECHILD) }
        let now = ContinuousClock.now
        if killAt == nil, now >= deadline {
            kill(pid, SIGTERM)
            killAt = now + .seconds(2)
        } else if let at = killAt, now >= at {
            kill(pid, SIGKILL)
        }
        // Not cancellable on purpose: the child must be reaped whatever happens to the test.
        try? await Task.sleep(for: .milliseconds(10))
    }
    // WIFEXITED / WEXITSTATUS / WTERMSIG are macros Swift cannot see.
    let exitCode: Int32 = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    return (exitCode, try String(contentsOfFile: outPath, encoding: .utf8),
            try String(contentsOfFile: errPath, encoding: .utf8))
}

/// Runs `service` (a client, a user data stream) while `body` runs; then stops it and waits until
/// it has closed everything.
public func withRunning<T: Sendable>(_ service: some Service, _ body: () async throws -> T) async throws -> T {
    try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await service.run() }
        do {
            let result = try await body()
            group.cancelAll()
            try await group.waitForAll()
            return result
        } catch {
            group.cancelAll()
            throw error
        }
    }
}
