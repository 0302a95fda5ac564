import Foundation

/// One API key as the key file stores it: never the key itself, only its SHA-256.
///
/// A key belongs to one namespace: requests made with it see and create only that namespace's sessions.
public struct APIKey: Codable, Sendable, Equatable {
    /// The key's public id (`key_…`), what `sessiond keys list` shows and `revoke` takes.
    public var id: String
    /// The namespace the key opens.
    public var namespace: String
    /// The SHA-256 of the whole secret (`sk_…`), lowercase hex.
    public var sha256: String
    /// When the key was created.
    public var createdAt: Date
    /// When the key was revoked; a revoked key is kept for the audit trail but authenticates nothing.
    public var revokedAt: Date?

    /// Whether the key still authenticates.
    public var isActive: Bool { revokedAt == nil }
}
