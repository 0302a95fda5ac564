/// Which API face created a session; it decides which defaults apply when another face renders it.
public enum SessionOrigin: String, Sendable, Hashable, Codable, CaseIterable {
    /// `POST /api/sessions` of the Mix API.
    case mix
    /// `POST /v1/agents/sessions` of the Mixpeek API.
    case mixpeek
    /// The native API of an agent runtime (e.g. a sub-agent session).
    case native
}
