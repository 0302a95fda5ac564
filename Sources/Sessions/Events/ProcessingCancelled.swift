/// The run in progress was cancelled (Mix `POST …/cancel` while processing).
///
/// Appended only when a run was in progress; a cancel of an idle session appends nothing.
/// Wire type `processing.cancelled`, schema version 1.
public struct ProcessingCancelled: Sendable, Equatable, Codable {
    /// The cancellation reason, `user_api_cancellation` for the Mix API.
    public var reason: String

    /// Creates the event.
    public init(reason: String = ProcessingCancelled.userAPICancellation) { self.reason = reason }

    /// The reason the Mix backend gives for a cancel through its API.
    public static let userAPICancellation = "user_api_cancellation"
}
