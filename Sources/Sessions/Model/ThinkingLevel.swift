/// The reasoning budget a Mix `POST …/messages` asks for (`thinking_level`).
public enum ThinkingLevel: String, Sendable, Hashable, Codable, CaseIterable {
    /// No reasoning (budget 0 tokens).
    case off
    /// About 4,000 reasoning tokens.
    case basic
    /// About 10,000 reasoning tokens.
    case medium
    /// About 31,999 reasoning tokens.
    case maximum
}
