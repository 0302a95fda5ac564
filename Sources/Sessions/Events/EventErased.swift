/// What permanent deletion leaves of a record: the record's place (position, version, time, event id) and the
/// type it had, never its body. Compaction writes it over every record of a deleted session but the tombstone.
///
/// Never decided: only compaction produces it, in place of an existing record. Folding it changes nothing but
/// the version. Wire type `event.erased`, schema version 1.
public struct EventErased: Sendable, Equatable, Codable {
    /// The wire type of the record that was erased, e.g. `message.appended`.
    public var erasedType: String
    /// That record's schema version.
    public var erasedSchemaVersion: UInt16

    /// Creates the event.
    public init(erasedType: String, erasedSchemaVersion: UInt16) {
        self.erasedType = erasedType
        self.erasedSchemaVersion = erasedSchemaVersion
    }

    /// The erased form of a stored record of a permanently deleted session, or `nil` for a record that stays
    /// as it is: the tombstone (the audit trail) and a record already erased.
    ///
    /// - Parameters:
    ///   - type: The stored record's wire type.
    ///   - schemaVersion: Its schema version.
    /// - Returns: The encoded `event.erased` to write in the record's place.
    public static func replacing(type: String, schemaVersion: UInt16) -> EncodedEvent? {
        guard type != EventType.sessionDeleted.rawValue, type != EventType.eventErased.rawValue else { return nil }
        // Two short strings and a small integer always encode.
        return try? SessionEvent.erased(EventErased(erasedType: type, erasedSchemaVersion: schemaVersion)).encoded()
    }
}
