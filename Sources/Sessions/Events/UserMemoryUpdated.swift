/// The session's Mixpeek user memory was replaced by a `PATCH` (replace, not merge).
///
/// Wire type `user_memory.updated`, schema version 1.
public struct UserMemoryUpdated: Sendable, Equatable, Codable {
    /// The whole new user memory.
    public var userMemory: JSONObject

    /// Creates the event.
    public init(userMemory: JSONObject) { self.userMemory = userMemory }
}
