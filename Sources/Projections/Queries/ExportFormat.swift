/// How an export is rendered.
public enum ExportFormat: String, Sendable, CaseIterable {
    /// The Mix `ExportSession` JSON shape (mix-api.md §2.6), plus the session version, tool results on tool
    /// messages and callback results.
    case json
    /// A readable transcript for people.
    case markdown
}
