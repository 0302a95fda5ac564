import Foundation
import Hummingbird
import NIOCore
import Projections
import Sessions

extension Request {
    /// Decodes the JSON body as `type`.
    /// - Parameters:
    ///   - type: The body's type.
    ///   - limit: The largest body accepted.
    ///   - timeout: How long the body may take to arrive (``collectBody(limit:timeout:)``).
    ///   - allowedKeys: When given, a top-level key outside it is refused (Go's `DisallowUnknownFields`).
    ///   - forbidExtraAs422: Report an unknown key as Mixpeek's 422 `extra_forbidden` instead of Mix's 400.
    ///   - required: Whether an empty body is an error; otherwise it decodes as `{}`.
    /// - Throws: ``RequestBodyError``.
    func decodeJSON<T: Decodable>(
        as type: T.Type,
        limit: Int,
        timeout: Duration,
        allowedKeys: Set<String>? = nil,
        forbidExtraAs422: Bool = false,
        required: Bool = true
    ) async throws -> T {
        let buffer = try await collectBody(limit: limit, timeout: timeout)
        return try await offTheLoop(if: buffer.readableBytes > OffTheLoopThreshold.bytes) {
            try JSONBody.decode(
                type, from: Data(buffer: buffer), allowedKeys: allowedKeys, forbidExtraAs422: forbidExtraAs422,
                required: required)
        }
    }

    /// Reads the JSON body as `type` with the event codec's reader, without `JSONDecoder`: for the append routes,
    /// where decoding was a sizeable share of a request's CPU (decision 0117). Same rules and errors as
    /// ``decodeJSON(as:limit:timeout:allowedKeys:forbidExtraAs422:required:)`` with a required body and Mix's 400
    /// for an unknown top-level key.
    func readJSON<T: JSONReadable>(
        as type: T.Type, limit: Int, timeout: Duration, allowedKeys: Set<String>? = nil
    ) async throws -> T {
        let buffer = try await collectBody(limit: limit, timeout: timeout)
        return try await offTheLoop(if: buffer.readableBytes > OffTheLoopThreshold.bytes) {
            try buffer.withUnsafeReadableBytes { raw in
                try JSONBody.read(type, from: raw.assumingMemoryBound(to: UInt8.self), allowedKeys: allowedKeys)
            }
        }
    }
}

/// Decoding request bodies with the errors the wire contracts name.
enum JSONBody {
    /// Reads `bytes` as `type` (see ``Request/readJSON(as:limit:timeout:allowedKeys:)``).
    static func read<T: JSONReadable>(
        _ type: T.Type, from body: UnsafeBufferPointer<UInt8>, allowedKeys: Set<String>? = nil
    ) throws -> T {
        // A UTF-8 byte order mark (some Windows tools write one) is skipped, as Foundation's decoder did.
        let bytes = body.starts(with: [0xEF, 0xBB, 0xBF]) ? UnsafeBufferPointer(rebasing: body[3...]) : body
        guard bytes.contains(where: { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 }) else {
            throw RequestBodyError.missing
        }
        guard String(validating: bytes, as: UTF8.self) != nil else {
            throw RequestBodyError.malformed(reason: "the body is not valid UTF-8")
        }
        if let allowedKeys {
            let object: TopLevelKeys
            do {
                object = try JSONReader.read(bytes, as: TopLevelKeys.self)
            } catch {
                if case .syntax = error.kind { throw RequestBodyError.malformed(reason: error.requestReason) }
                throw RequestBodyError.malformed(reason: "the body must be a JSON object")
            }
            if let unknown = object.keys.sorted().first(where: { !allowedKeys.contains($0) }) {
                throw RequestBodyError.unknownField(unknown)
            }
        }
        do {
            return try JSONReader.read(bytes, as: type)
        } catch {
            throw RequestBodyError.malformed(reason: error.requestReason)
        }
    }

    /// The keys of a JSON object, its values only checked.
    private struct TopLevelKeys: JSONReadable {
        var keys: [String] = []

        init(reading json: inout JSONReader) throws(JSONReadError) {
            var keys: [String] = []
            try json.readObject { json, key throws(JSONReadError) in
                keys.append(key.text)
                try json.skipValue()
            }
            self.keys = keys
        }
    }

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
                // Valid JSON of another kind, or not JSON at all: say which.
                let isJSON = (try? decoder.decode(JSONValue.self, from: data)) != nil
                throw RequestBodyError.malformed(reason: isJSON ? "the body must be a JSON object" : "the body is not valid JSON")
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

extension JSONReadError {
    /// The reason a request body was refused, worded as ``Foundation/DecodingError/describe(_:)`` words `JSONDecoder`'s.
    var requestReason: String {
        let where_ = path.map { component in component.allSatisfy(\.isNumber) ? "[\(component)]" : component }
            .joined(separator: ".").replacingOccurrences(of: ".[", with: "[")
        let at = where_.isEmpty ? "body" : where_
        switch kind {
        case .missingKey(let key): return where_.isEmpty ? "missing field '\(key)'" : "\(where_): missing field '\(key)'"
        case .wrongType: return "\(at): wrong type"
        case .invalidValue: return "\(at): invalid value"
        case .unrepresentable: return "the body holds a number or date out of range"
        case .syntax: return "the body is not valid JSON"
        }
    }
}
