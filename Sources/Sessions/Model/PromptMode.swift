/// How a Mix session's custom system prompt combines with the built-in one.
public enum PromptMode: String, Sendable, Hashable, Codable, CaseIterable {
    /// The built-in prompt only; a custom prompt is stored but ignored.
    case `default`
    /// The custom prompt is appended to the built-in one (at most 50 KB).
    case append
    /// The custom prompt replaces the built-in one (at most 100 KB).
    case replace
}
