import Foundation
import Hummingbird
import NIOCore
import Sessions

extension Request {
    /// Collects the body, refusing more than `limit` bytes.
    /// - Throws: ``RequestBodyError/tooLarge(limit:)``.
    func collectBody(limit: Int) async throws -> ByteBuffer {
        do {
            return try await body.collect(upTo: limit)
        } catch is NIOTooManyBytesError {
            throw RequestBodyError.tooLarge(limit: limit)
        }
    }

    /// Decodes the JSON body as `type`.
    /// - Parameters:
    ///   - type: The body's type.
    ///   - limit: The largest body accepted.
    ///   - allowedKeys: When given, a top-level key outside it is refused (Go's `DisallowUnknownFields`).
    ///   - forbidExtraAs422: Report an unknown key as Mixpeek's 422 `extra_forbidden` instead of Mix's 400.
    ///   - required: Whether an empty body is an error; otherwise it decodes as `{}`.
    /// - Throws: ``RequestBodyError``.
    func decodeJSON<T: Decodable>(
        as type: T.Type,
        limit: Int,
        allowedKeys: Set<String>? = nil,
        forbidExtraAs422: Bool = false,
        required: Bool = true
    ) async throws -> T {
        let buffer = try await collectBody(limit: limit)
        return try JSONBody.decode(
            type, from: Data(buffer: buffer), allowedKeys: allowedKeys, forbidExtraAs422: forbidExtraAs422,
            required: required)
    }
}

/// Decoding request bodies with the errors the wire contracts name.
enum JSONBody {
    static func decode<T: Decodable>(
        _ type: T.Type,
        from data: Data,
        allowedKeys: Set<String>? = nil,
        forbidExtraAs422: Bool = false,
        required: Bool = true
    ) throws -> T {
        let data = data.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) ? Data() : data
        if data.isEmpty {
            if required { throw RequestBodyError.missing }
            return try decode(type, from: Data("{}".utf8), allowedKeys: nil, required: true)
        }
        // JSON is UTF-8 (RFC 8259 §8.1), but the decoder checks only the strings it decodes: without this, a value
        // under a key a lenient route ignores could be any bytes.
        guard String(validating: data, as: UTF8.self) != nil else {
            throw RequestBodyError.malformed(reason: "the body is not valid UTF-8")
        }
        let decoder = JSONDecoder()
        if let allowedKeys {
            guard let object = try? decoder.decode([String: JSONValue].self, from: data) else {
                throw RequestBodyError.malformed(reason: "the body must be a JSON object")
            }
            if let unknown = object.keys.sorted().first(where: { !allowedKeys.contains($0) }) {
                throw forbidExtraAs422
                    ? RequestBodyError.extraForbidden(unknown, accepted: allowedKeys.sorted())
                    : RequestBodyError.unknownField(unknown)
            }
        }
        do {
            return try decoder.decode(type, from: data)
        } catch let error as DecodingError {
            throw RequestBodyError.malformed(reason: DecodingError.describe(error))
        }
    }
}
