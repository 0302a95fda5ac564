extension JSONValue {
    /// The value as ``EventJSON/encoder`` writes it (compact, keys in the order of their UTF-8 bytes, slashes unescaped),
    /// without `JSONEncoder`'s reflection: framework items and metadata ride on every append and are stored again as
    /// projection columns. `nil` when a number is not finite, which the encoder refuses too.
    public func encodedJSON() -> [UInt8]? {
        var w = EventBodyWriter(capacity: 128)
        return w.value(self) ? w.bytes : nil
    }
}

extension [String: JSONValue] {
    /// The object as ``EventJSON/encoder`` writes it; `nil` when a number is not finite (``JSONValue/encodedJSON()``).
    public func encodedJSON() -> [UInt8]? {
        var w = EventBodyWriter(capacity: 128)
        return w.object(self) ? w.bytes : nil
    }
}

extension EventBodyWriter {
    /// Writes `value`; `false` (and output to throw away) when a number in it is not finite.
    mutating func value(_ value: JSONValue) -> Bool {
        switch value {
        case .null: raw("null".utf8)
        case .bool(let flag): bool(flag)
        case .number(let number):
            guard number.isFinite else { return false }
            double(number)
        case .string(let text): string(text)
        case .array(let elements):
            beginArray()
            for element in elements {
                guard self.value(element) else { return false }
            }
            endArray()
        case .object(let members): return object(members)
        }
        return true
    }

    /// Writes `members` as an object, keys in the order of their UTF-8 bytes (the encoder's: not `String`'s `<`, which
    /// compares canonical forms); `false` when a number in it is not finite.
    mutating func object(_ members: [String: JSONValue]) -> Bool {
        beginObject()
        for (key, member) in members.sorted(by: { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }) {
            memberKey(key)
            guard value(member) else { return false }
        }
        endObject()
        return true
    }
}
