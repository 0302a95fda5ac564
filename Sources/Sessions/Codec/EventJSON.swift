import Foundation

/// The JSON settings of event bodies: compact, sorted keys, unescaped slashes, ISO 8601 dates (whole seconds).
///
/// Bodies are read back by ``JSONReader``, not by a `JSONDecoder`.
enum EventJSON {
    /// The encoder for event bodies; deterministic output.
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }()
}
