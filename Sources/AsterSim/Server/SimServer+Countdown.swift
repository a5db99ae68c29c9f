import AsterKit

/// `countdownCancelAll`: the timers run in a task of the simulator's own (started and ended with
/// ``SimServer/run(onStarted:)``), which checks them about every 10 ms as the spec says Aster
/// does; when one fires, every open order of its account and symbol is cancelled, each with its
/// `ORDER_TRADE_UPDATE`.
extension SimServer {
    /// Arms (or, with 0, stops) the timer of account `id` and `symbol`.
    func armCountdown(account id: Int, symbol: String, countdown: Int64, now: Int64) {
        countdowns.withLock { $0.arm(account: id, symbol: symbol, countdown: countdown, now: now) }
    }

    /// Timers armed now (a fired or stopped timer is no longer armed).
    public var armedCountdowns: Int { countdowns.withLock { $0.deadlines.count } }

    /// Countdown tasks running now: 1 while the simulator runs, 0 once it has stopped.
    public var runningCountdownTasks: Int { countdownTasks.load(ordering: .relaxed) }

    /// Checks the timers every `interval` of `clock` until cancelled.
    func runCountdowns<C: Clock>(clock: C = ContinuousClock(), interval: C.Duration = Duration.milliseconds(10)) async throws
        where C.Duration == Duration {
        countdownTasks.add(1, ordering: .relaxed)
        defer { countdownTasks.subtract(1, ordering: .relaxed) }
        while !Task.isCancelled {
            try await clock.sleep(for: interval)
            fireCountdowns(now: Self.wallClock())
        }
    }

    /// Cancels the open orders of every timer due at `now`.
    func fireCountdowns(now: Int64) {
        for key in countdowns.withLock({ $0.due(at: now) }) {
            cancelOrders(account: key.account, now: now) { $0.symbol == key.symbol }
        }
    }
}
