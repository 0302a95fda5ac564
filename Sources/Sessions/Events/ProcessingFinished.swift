/// The run in progress ended on its own: a final assistant message, or an error without one.
///
/// Wire type `processing.finished`, schema version 1.
public struct ProcessingFinished: Sendable, Equatable, Codable {
    /// The finish reason of the final assistant message, if the run ended with one.
    public var finishReason: FinishReason?
    /// The error that ended the run, e.g. `maximum iteration limit (5 steps) reached`.
    public var error: String?

    /// Creates the event.
    public init(finishReason: FinishReason? = nil, error: String? = nil) {
        self.finishReason = finishReason
        self.error = error
    }
}
