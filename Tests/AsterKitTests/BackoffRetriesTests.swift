import AsterTestSupport
@testable import AsterKit
import Foundation
import Testing

/// The one backoff mechanism, on a manual clock: no test here sleeps in real time.
@Suite("Backoff retries")
struct BackoffRetriesTests {
    @Test("delays double from the initial one up to the cap; a success starts them over")
    func growsCapsAndResets() {
        var retries = Backoff(initial: .milliseconds(100), maximum: .seconds(1), jitter: { 1 }).retries()
        let delays = (0..<6).map { _ in retries.failed() }
        #expect(delays == [.milliseconds(100), .milliseconds(200), .milliseconds(400), .milliseconds(800), .seconds(1), .seconds(1)])
        #expect(retries.attempt == 6)
        retries.reset()
        #expect(retries.attempt == 0)
        #expect(retries.failed() == .milliseconds(100))
    }

    @Test("jitter draws each delay from the upper half of its step; out-of-range jitter is clamped")
    func jitter() {
        let low = Backoff(initial: .milliseconds(100), maximum: .seconds(1), jitter: { 0 }).retries()
        var l = low
        #expect(l.failed() == .milliseconds(50))
        #expect(l.failed() == .milliseconds(100))
        var wild = Backoff(initial: .milliseconds(100), jitter: { -7 }).retries()
        #expect(wild.failed() == .milliseconds(50))
        var nan = Backoff(initial: .milliseconds(100), jitter: { .nan }).retries()
        #expect(nan.failed() == .milliseconds(100))
        var random = Backoff(initial: .milliseconds(100), maximum: .seconds(1)).retries()
        for _ in 0..<3 { _ = random.failed() }
        let d = random.failed()
        #expect(d >= .milliseconds(400) && d <= .milliseconds(800))
    }

    @Test("an attempt that lasted the healthy period (on the injected clock) starts the backoff over; a short one does not")
    func healthyPeriod() {
        let clock = ManualClock()
        var retries = Backoff(initial: .milliseconds(100), clock: clock, jitter: { 1 }).retries()
        _ = retries.failed()
        _ = retries.failed()
        retries.begin()
        clock.advance(by: .seconds(1))
        #expect(retries.failed(resettingAfter: .seconds(5)) == .milliseconds(400))
        retries.begin()
        clock.advance(by: .seconds(5))
        #expect(retries.attemptDuration == .seconds(5))
        #expect(retries.failed(resettingAfter: .seconds(5)) == .milliseconds(100))
        #expect(retries.attempt == 1)
        retries.begin()
        clock.advance(by: .seconds(60))
        #expect(retries.failed() == .milliseconds(200), "no healthy period given: no reset")
    }

    @Test("a wait lasts exactly its delay on the injected clock")
    func waitsOnTheClock() async throws {
        let clock = ManualClock()
        let done = Locked(false)
        let task = Task {
            var retries = Backoff(initial: .seconds(2), clock: clock, jitter: { 1 }).retries()
            let ok = await retries.wait()
            done.value = true
            return ok
        }
        try await clock.waitForSleepers()
        #expect(clock.deadlines == [.seconds(2)])
        clock.advance(by: .milliseconds(1_999))
        #expect(clock.sleeping == 1)
        #expect(!done.value)
        clock.advance(by: .milliseconds(1))
        #expect(await task.value)
    }

    @Test("cancelling the waiting task ends the wait at once, reporting the cancellation")
    func cancellation() async throws {
        let clock = ManualClock()
        let task = Task { await Backoff(initial: .seconds(3_600), clock: clock).retries().sleep(for: .seconds(3_600)) }
        try await clock.waitForSleepers()
        task.cancel()
        #expect(await task.value == false)
        #expect(clock.sleeping == 0)
        let already = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return await Backoff(clock: clock).sleep(for: .seconds(1))
        }
        #expect(await already.value == false)
    }
}

/// Every retry loop of the library waits through the one backoff (so on an injected clock).
@Suite("Backoff in every retry loop", .serialized, .timeLimit(.minutes(2)))
struct BackoffLoopTests {
    /// Nothing listens on port 1: every connect and request is refused at once.
    static let refused = "127.0.0.1:1"
    /// AsyncHTTPClient retries a refused connect until the request's deadline: keep it short.
    static let failFast = RESTConfiguration(timeout: .milliseconds(300), maxRetries: 0)

    @Test("a shard's reconnect loop waits on the backoff's clock and grows its delay")
    func shardReconnects() async throws {
        let clock = ManualClock()
        let client = StreamClient(base: "ws://\(Self.refused)", streams: [.aggTrade(symbol: "btcusdt")],
                                  configuration: StreamConfiguration(backoff: Backoff(initial: .seconds(10), maximum: .seconds(100), clock: clock, jitter: { 1 })))
        let states = client.states()
        try await withRunning(client) {
            var seen: [ConnectionState] = []
            for await update in states {
                seen.append(update.state)
                if case .reconnecting(let attempt, let delay) = update.state {
                    #expect(delay == .seconds(10) * (1 << (attempt - 1)))
                    if attempt == 3 { break }
                    try await clock.waitForSleepers()
                    #expect(clock.sleepsStarted == attempt)
                    clock.advance(by: delay)
                }
            }
            #expect(seen.filter { $0 == .connecting }.count == 3, "\(seen)")
        }
    }

    @Test("the user data stream backs off on the clock when the listen key cannot be made")
    func userStream() async throws {
        let clock = ManualClock()
        let account = AccountClient(rest: RESTClient(baseURL: "http://\(Self.refused)", configuration: Self.failFast),
                                    credentials: .hmac(apiKey: "key", secret: Secret("secret")))
        let user = UserDataStream(account: account, webSocketBase: "ws://\(Self.refused)",
                                  configuration: StreamConfiguration(backoff: Backoff(initial: .seconds(4), clock: clock, jitter: { 1 })))
        let states = user.states()
        try await withRunning(user) {
            for await update in states {
                guard case .reconnecting(let attempt, let delay) = update.state else { continue }
                #expect(delay == .seconds(4) * (1 << (attempt - 1)))
                if attempt == 2 { break }
                try await clock.waitForSleepers()
                clock.advance(by: delay)
            }
        }
    }

    @Test("LiveAccount retries a failed snapshot on its backoff's clock")
    func liveAccountSnapshots() async throws {
        let streamClock = ManualClock(), syncClock = ManualClock()
        let account = AccountClient(rest: RESTClient(baseURL: "http://\(Self.refused)", configuration: Self.failFast),
                                    credentials: .hmac(apiKey: "key", secret: Secret("secret")))
        let live = LiveAccount(account: account, webSocketBase: "ws://\(Self.refused)",
                               configuration: StreamConfiguration(backoff: Backoff(clock: streamClock)),
                               backoff: Backoff(initial: .seconds(8), clock: syncClock, jitter: { 1 }))
        try await withRunning(live) {
            // run() has begun (its stream reports), so the request reaches its synchroniser.
            try await waitUntil { await live.status.connection != .connecting }
            await live.resnapshot()
            try await syncClock.waitForSleepers()
            #expect(syncClock.deadlines == [.seconds(8)])
            #expect(await live.status.syncAttempts == 1)
            syncClock.advance(by: .seconds(8))
            try await waitUntil { syncClock.sleeping == 1 && syncClock.sleepsStarted == 2 }
            #expect(syncClock.deadlines == [.seconds(8 + 16)])
            #expect(await live.status.syncAttempts == 2)
        }
    }

    @Test("OrderBookManager retries a failed snapshot on its backoff's clock")
    func bookSnapshots() async throws {
        let clock = ManualClock()
        let books = OrderBookManager(symbols: ["BTCUSDT"],
                                     rest: RESTClient(baseURL: "http://\(Self.refused)", configuration: Self.failFast),
                                     backoff: Backoff(initial: .seconds(1), clock: clock, jitter: { 1 }))
        let (events, input) = AsyncStream.makeStream(of: StreamEvent.self)
        let running = Task { await books.run(events) }
        input.yield(.message(try decode(#"{"stream":"btcusdt@depth@100ms","data":{"e":"depthUpdate","E":1,"T":1,"s":"BTCUSDT","U":1,"u":2,"pu":0,"b":[["1","1"]],"a":[]}}"#)))
        try await clock.waitForSleepers()
        #expect(clock.deadlines == [.seconds(1)])
        clock.advance(by: .seconds(1))
        try await waitUntil { clock.sleepsStarted == 2 && clock.sleeping == 1 }
        #expect(clock.deadlines == [.seconds(3)])
        input.finish()
        running.cancel()
        await running.value
    }
}
