/// A string-backed identifier: never empty, no NUL, compared and hashed by its text, encoded as a bare JSON string.
///
/// Conforming types are tiny structs holding `rawValue`; the protocol supplies string literals, `description`,
/// ordering and `Codable` (through `RawRepresentable`), so decoding an empty string fails instead of yielding a
/// useless id. Mix ids are UUID strings and Mixpeek ids look like `ses_abc123`; any non-empty text without NUL is
/// accepted.
public protocol StringIdentifier: RawRepresentable, Hashable, Sendable, Codable, Comparable,
    CustomStringConvertible, ExpressibleByStringLiteral
where RawValue == String {
    /// Creates an identifier, or `nil` when `rawValue` is not ``isValid(_:)``.
    init?(rawValue: String)
}

extension StringIdentifier {
    /// Whether `text` can be an id: not empty, and no NUL character (SQLite's text functions end a string at
    /// NUL, so such an id would read back from the projections as another one — or as none).
    public static func isValid(_ text: String) -> Bool {
        !text.isEmpty && !text.utf8.contains(0)
    }

    /// Creates an identifier from a literal; the literal must not be empty (a programmer error, so it traps).
    public init(stringLiteral value: String) {
        guard let id = Self(rawValue: value) else { preconditionFailure("an identifier literal must not be empty") }
        self = id
    }

    /// The identifier's text.
    public var description: String { rawValue }

    /// Orders identifiers by their text.
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// Identifies a session, which is one stream of the log (a Mix UUID or a Mixpeek `ses_…` id).
public struct SessionID: StringIdentifier {
    /// The id's text, never empty.
    public let rawValue: String
    /// Creates a session id, or `nil` when `rawValue` is empty or holds a NUL character.
    public init?(rawValue: String) {
        guard Self.isValid(rawValue) else { return nil }
        self.rawValue = rawValue
    }
}

/// Identifies a message within a session's transcript.
public struct MessageID: StringIdentifier {
    /// The id's text, never empty.
    public let rawValue: String
    /// Creates a message id, or `nil` when `rawValue` is empty.
    public init?(rawValue: String) {
        guard Self.isValid(rawValue) else { return nil }
        self.rawValue = rawValue
    }
}

/// Identifies a tool call an assistant message made; tool and callback results refer to it.
public struct ToolCallID: StringIdentifier {
    /// The id's text, never empty.
    public let rawValue: String
    /// Creates a tool call id, or `nil` when `rawValue` is empty.
    public init?(rawValue: String) {
        guard Self.isValid(rawValue) else { return nil }
        self.rawValue = rawValue
    }
}

/// Identifies a file attached to a session (an upload, a screenshot, a tool's output).
public struct FileID: StringIdentifier {
    /// The id's text, never empty.
    public let rawValue: String
    /// Creates a file id, or `nil` when `rawValue` is empty.
    public init?(rawValue: String) {
        guard Self.isValid(rawValue) else { return nil }
        self.rawValue = rawValue
    }
}
