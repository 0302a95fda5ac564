/// The session's title (Mixpeek `session_name`) changed, e.g. to the name the agent generated from the
/// first message. Wire type `session.title_changed`, schema version 1.
public struct SessionTitleChanged: Sendable, Equatable, Codable {
    /// The new title, stored whole.
    public var title: String

    /// Creates the event.
    public init(title: String) { self.title = title }
}
