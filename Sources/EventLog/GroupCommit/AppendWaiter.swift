import Synchronization

/// Who an append answers once it is durable (or failed): one appender's continuation, or one entry of a batch
/// append (``EventLog/append(batch:)``), whose caller is woken once, when its last entry is answered.
enum AppendWaiter: Sendable {
    case continuation(CheckedContinuation<AppendResult, any Error>)
    case entry(Int, of: AppendBatchWaiter)

    func resume(with result: Result<AppendResult, any Error>) {
        switch self {
        case .continuation(let continuation): continuation.resume(with: result)
        case .entry(let index, let batch): batch.answer(index, with: result)
        }
    }
}

/// The answers of a batch append, gathered as its entries are answered; resumes its caller with all of them after
/// the last.
final class AppendBatchWaiter: Sendable {
    private struct Answers {
        var results: [Result<AppendResult, any Error>?]
        var remaining: Int
    }

    private let answers: Mutex<Answers>
    private let continuation: CheckedContinuation<[Result<AppendResult, any Error>], Never>

    init(count: Int, continuation: CheckedContinuation<[Result<AppendResult, any Error>], Never>) {
        answers = Mutex(Answers(results: Array(repeating: nil, count: count), remaining: count))
        self.continuation = continuation
    }

    func answer(_ index: Int, with result: Result<AppendResult, any Error>) {
        let complete = answers.withLock { answers -> [Result<AppendResult, any Error>]? in
            precondition(answers.results[index] == nil, "a batch entry was answered twice")
            answers.results[index] = result
            answers.remaining -= 1
            return answers.remaining == 0 ? answers.results.map { $0! } : nil
        }
        if let complete { continuation.resume(returning: complete) }
    }
}
