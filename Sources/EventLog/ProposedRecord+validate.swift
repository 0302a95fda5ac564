extension ProposedRecord {
    /// Checks an append before any store takes it: at least one record, a stream id, every field within the
    /// format's limits, and no event id twice.
    /// - Throws: ``EventLogError/invalidAppend(reason:)`` or ``EventLogError/idempotencyConflict(eventID:reason:)``.
    public static func validate(_ records: [ProposedRecord], stream: String) throws(EventLogError) {
        guard !records.isEmpty else { throw .invalidAppend(reason: "no records") }
        guard !stream.isEmpty, stream.utf8.count <= Int(UInt16.max) else {
            throw .invalidAppend(reason: "stream id must be 1 to 65535 bytes")
        }
        var ids = Set<EventID>()
        for record in records {
            guard record.type.utf8.count <= Int(UInt16.max), !record.type.isEmpty else {
                throw .invalidAppend(reason: "event type must be 1 to 65535 bytes")
            }
            guard record.body.count < Int(UInt32.max) / 2 else { throw .invalidAppend(reason: "body too large") }
            guard record.metadata.count <= Int(UInt16.max),
                record.metadata.allSatisfy({ $0.key.utf8.count <= Int(UInt16.max) && $0.value.utf8.count <= Int(UInt16.max) })
            else { throw .invalidAppend(reason: "metadata too large") }
            guard ids.insert(record.eventID).inserted else {
                throw .idempotencyConflict(eventID: record.eventID, reason: "the id appears twice in one append")
            }
        }
    }
}
