extension EventLog {
    public func storedDictionaries() async throws -> [StoredDictionary] {
        dictionaries.ids.compactMap { id in dictionaries.dictionary(id: id).map { StoredDictionary(id: id, bytes: $0.bytes) } }
    }

    public func importDictionaries(_ moved: [StoredDictionary]) async throws {
        if let refusal = readOnlyRefusal(of: "importing dictionaries") { throw refusal }
        let end = state.withLock { $0.index.durableEnd }
        guard end == 0, dictionaries.ids.isEmpty else {
            throw EventLogError.notEmpty(
                reason: "\(directory) holds \(end) records and \(dictionaries.ids.count) dictionaries")
        }
        for dictionary in moved { try dictionaries.installMoved(dictionary.bytes, id: dictionary.id) }
    }
}
