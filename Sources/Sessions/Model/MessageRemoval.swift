/// Which live messages a ``RemoveMessages`` command takes out of the transcript.
public enum MessageRemoval: String, Sendable, Hashable, Codable, CaseIterable {
    /// The last live message that carries a framework item (`pop_item`).
    case pop
    /// Every live message (`clear_session`).
    case clear
}
