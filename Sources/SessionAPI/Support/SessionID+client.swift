import Foundation
import Sessions

extension SessionID {
    /// A session id as a client sends it: a valid id (``Sessions/StringIdentifier/isValid(_:)``) in Unicode
    /// normalization form C, byte for byte; `nil` otherwise.
    ///
    /// Swift compares and hashes canonically equivalent texts as equal (a precomposed "é" and "e" followed by a
    /// combining accent), while SQLite and the log's records keep bytes: an id not in NFC would find another id's
    /// cached state and log stream but none of its rows. Ids in NFC are equal as text exactly when their bytes are,
    /// so the API takes only those (decision 0159). ASCII ids, every generated one among them, are NFC.
    init?(client text: String) {
        guard Self.isValid(text), Self.isNormalized(text) else { return nil }
        self.init(rawValue: text)
    }

    /// Why ``init(client:)`` refuses an id, for the error a client reads.
    static let clientRule = "must be a non-empty id without NUL, in Unicode normalization form C (NFC)"

    private static func isNormalized(_ text: String) -> Bool {
        text.utf8.allSatisfy { $0 < 0x80 } || text.precomposedStringWithCanonicalMapping.utf8.elementsEqual(text.utf8)
    }
}
