import Foundation
import Hummingbird
import NIOCore

extension Response {
    /// A JSON response; dates are RFC 3339 without fractional seconds, nil optionals are omitted.
    static func json<T: Encodable>(
        _ value: T,
        status: HTTPResponse.Status = .ok,
        headers: HTTPFields = [:]
    ) throws -> Response {
        let data = try APIJSON.encoder.encode(value)
        return json(bytes: data, status: status, headers: headers)
    }

    /// A response whose body is already JSON.
    static func json(bytes: some Sequence<UInt8>, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:])
        -> Response
    {
        var headers = headers
        headers[.contentType] = "application/json"
        // Sized for the body and its newline at once: growing a full buffer by one byte would copy the whole
        // body again (a long export's is MiBs).
        var buffer = ByteBufferAllocator().buffer(capacity: bytes.underestimatedCount + 1)
        buffer.writeBytes(bytes)
        buffer.writeInteger(UInt8(ascii: "\n"))
        return Response(status: status, headers: headers, body: .init(byteBuffer: buffer))
    }
}

/// The API's one JSON encoder configuration.
enum APIJSON {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(rfc3339(date))
        }
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return encoder
    }()

    /// RFC 3339 in UTC without fractional seconds, e.g. `2026-02-13T10:00:00Z`.
    static func rfc3339(_ date: Date) -> String {
        date.formatted(
            Date.ISO8601FormatStyle(timeZone: TimeZone(secondsFromGMT: 0)!))
    }

    /// Encodes a value to a single-line JSON string (SSE `data:` lines).
    static func line<T: Encodable>(_ value: T) -> String {
        (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }
}
