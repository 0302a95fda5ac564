import Foundation

/// A `multipart/form-data` body (RFC 7578) split into its parts; only what an upload route needs.
struct MultipartForm {
    /// One part: its form field name, the file name and media type it was sent with, and its bytes.
    struct Part {
        var name: String
        var filename: String?
        var mediaType: String?
        var bytes: ArraySlice<UInt8>
    }

    /// The parts in the order sent.
    var parts: [Part]

    /// Splits `body` at the boundary named by `contentType`.
    /// - Throws: ``RequestBodyError/invalidParameter(name:reason:)`` when the content type is not
    ///   `multipart/form-data` with a boundary, or the body is not a well-formed form.
    init(contentType: String?, body: [UInt8]) throws {
        guard let contentType, let boundary = Self.boundary(of: contentType) else {
            throw RequestBodyError.invalidParameter(
                name: "Content-Type", reason: "the body must be multipart/form-data with a boundary")
        }
        let delimiter = Array("--\(boundary)".utf8)
        let separator = Array("\r\n--\(boundary)".utf8)
        guard body.starts(with: delimiter) else { throw Self.malformed }
        var parts: [Part] = []
        var cursor = delimiter.count
        while true {
            // After a delimiter: "--" closes the form, CRLF opens a part.
            if body[cursor...].starts(with: [45, 45]) { break }
            guard body[cursor...].starts(with: [13, 10]) else { throw Self.malformed }
            let headerStart = cursor + 2
            guard let headerEnd = Self.find([13, 10, 13, 10], in: body, from: headerStart),
                let contentEnd = Self.find(separator, in: body, from: headerEnd + 4)
            else { throw Self.malformed }
            let headers = String(decoding: body[headerStart..<headerEnd], as: UTF8.self)
            parts.append(try Self.part(headers: headers, bytes: body[(headerEnd + 4)..<contentEnd]))
            cursor = contentEnd + separator.count
        }
        self.parts = parts
    }

    /// The first part sent under the form field `name`.
    func part(named name: String) -> Part? { parts.first { $0.name == name } }

    private static let malformed = RequestBodyError.invalidParameter(
        name: "body", reason: "the multipart/form-data body is malformed")

    private static func boundary(of contentType: String) -> String? {
        let fields = contentType.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
        guard fields.first?.lowercased() == "multipart/form-data" else { return nil }
        for field in fields.dropFirst() {
            let pair = field.split(separator: "=", maxSplits: 1).map(String.init)
            if pair.count == 2, pair[0].lowercased() == "boundary" {
                let value = unquoted(pair[1])
                return value.isEmpty || value.utf8.count > 70 ? nil : value
            }
        }
        return nil
    }

    private static func part(headers: String, bytes: ArraySlice<UInt8>) throws -> Part {
        var name: String?
        var filename: String?
        var mediaType: String?
        for line in headers.split(separator: "\r\n") {
            let pair = line.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard pair.count == 2 else { continue }
            switch pair[0].lowercased() {
            case "content-disposition":
                for field in pair[1].split(separator: ";").dropFirst() {
                    let parameter = field.split(separator: "=", maxSplits: 1)
                        .map { $0.trimmingCharacters(in: .whitespaces) }
                    guard parameter.count == 2 else { continue }
                    switch parameter[0].lowercased() {
                    case "name": name = unquoted(parameter[1])
                    case "filename": filename = unquoted(parameter[1])
                    default: break
                    }
                }
            case "content-type": mediaType = pair[1]
            default: break
            }
        }
        guard let name else { throw malformed }
        return Part(name: name, filename: filename, mediaType: mediaType, bytes: bytes)
    }

    private static func unquoted(_ text: String) -> String {
        guard text.count >= 2, text.hasPrefix("\""), text.hasSuffix("\"") else { return text }
        return String(text.dropFirst().dropLast()).replacingOccurrences(of: "\\\"", with: "\"")
    }

    /// The index where `needle` first occurs in `haystack` at or after `start`.
    private static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard let first = needle.first, haystack.count >= needle.count else { return nil }
        var index = start
        let last = haystack.count - needle.count
        while index <= last {
            if haystack[index] == first && haystack[index..<(index + needle.count)].elementsEqual(needle) {
                return index
            }
            index += 1
        }
        return nil
    }
}
