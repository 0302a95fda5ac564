import Foundation
import Sessions

/// JSON for the few free-form or structured columns (agent config, quotas, user memory, metadata): the same
/// settings as event bodies (sorted keys, no escaped slashes), so equal values are equal text.
enum ProjectionJSON {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }()

    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }()

    /// The value as compact JSON text; `nil` stays `nil`.
    static func text<T: Encodable>(_ value: T?) -> String? {
        guard let value, let data = try? encoder.encode(value) else { return nil }
        return String(decoding: data, as: UTF8.self)
    }

    /// A free-form value (a framework item, user memory) as the encoder writes it, written without the encoder.
    static func text(_ value: JSONValue?) -> String? {
        value?.encodedJSON().map { String(decoding: $0, as: UTF8.self) }
    }

    /// A free-form object (metadata, user memory) as the encoder writes it, written without the encoder.
    static func text(_ value: JSONObject?) -> String? {
        value?.encodedJSON().map { String(decoding: $0, as: UTF8.self) }
    }

    /// The value decoded from JSON text; `nil` (or undecodable) text gives `nil`.
    static func value<T: Decodable>(_ type: T.Type, from text: String?) -> T? {
        guard let text else { return nil }
        return try? decoder.decode(type, from: Data(text.utf8))
    }

    /// A JSON array of strings, written without Foundation.
    static func stringArray(_ values: [String]) -> String {
        // Most tool results have no screenshots: no writer for them.
        guard !values.isEmpty else { return "[]" }
        var writer = JSONWriter(capacity: 64)
        writer.beginArray()
        for value in values { writer.string(value) }
        writer.endArray()
        return String(decoding: writer.bytes, as: UTF8.self)
    }
}
