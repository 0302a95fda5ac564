/// An append waiting for its frame to be written and synced.
struct PendingAppend {
    /// Records with positions, versions and times assigned.
    let records: [LogRecord]
    let result: AppendResult
    /// The appender, plus any retry with the same event ids that arrived meanwhile.
    var waiters: [AppendWaiter]
    /// Answers for retries attached to this append, in `waiters` order after the first.
    var retryResults: [AppendResult] = []

    var positions: ClosedRange<UInt64> { records.first!.position.rawValue...records.last!.position.rawValue }

    func resume(with outcome: Result<Void, EventLogError>) {
        for (i, waiter) in waiters.enumerated() {
            switch outcome {
            case .success: waiter.resume(with: .success(i == 0 ? result : retryResults[i - 1]))
            case .failure(let error): waiter.resume(with: .failure(error))
            }
        }
    }
}
