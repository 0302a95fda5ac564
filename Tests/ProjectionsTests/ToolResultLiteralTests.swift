import Foundation
@testable import Projections
import Sessions
import Testing

/// A tool result's stored literal is copied from its event body instead of escaped again (`ToolResultColumns`):
/// the copy must be the bytes the export's own escaping writes, for every character a body escapes.
@Suite struct ToolResultLiteralTests {
    static let specials = ["\"", "\\", "/", "\n", "\r", "\t", "\u{08}", "\u{0C}", "\u{01}", "\u{1F}", "\u{7F}", "é", "😀"]

    @Test func theBodysLiteralIsTheExportsForEverySpecialCharacterAtEveryOffset() throws {
        var generator = SystemRandomNumberGenerator()
        for length in 0..<40 {
            let text = (0..<length).map { _ in
                Bool.random(using: &generator) ? "x" : Self.specials.randomElement(using: &generator)!
            }.joined()
            let result = ToolResultRecorded(
                toolCallID: ToolCallID(rawValue: "call-1")!, messageID: MessageID(rawValue: "m-1")!, result: text,
                metadata: #"{"exit":"0\n"}"#)
            let encoded = try SessionEvent.toolResultRecorded(result).encoded()
            let body = [UInt8](encoded.body)
            let range = try #require(body.withUnsafeBytes { JSONText.stringLiteral(ofMember: "result", in: $0) })
            #expect(Array(body[range]) == ExportMessageJSON.literal(text), "\(text.debugDescription)")
            #expect(Self.text(ToolResultColumns(result, body: body).result) == Self.text(ToolResultColumns(result).result))
        }
    }

    static func text(_ stored: StoredText.Stored) -> String? {
        switch stored {
        case .text(let text): text
        case .compressed(let bytes): StoredText.text(bytes)
        }
    }

    @Test func aMissingOrNonStringMemberHasNoLiteral() {
        func literal(_ json: String) -> String? {
            let bytes = Array(json.utf8)
            return bytes.withUnsafeBytes { JSONText.stringLiteral(ofMember: "result", in: $0) }
                .map { String(decoding: bytes[$0], as: UTF8.self) }
        }
        #expect(literal(#"{"a":"x\"y","result":"r\\n","z":1}"#) == #""r\\n""#)
        #expect(literal(#"{ "result" : "first", "result": "second" }"#) == #""first""#)
        #expect(literal(#"{"result":null}"#) == nil)
        #expect(literal(#"{"results":"x"}"#) == nil)
        #expect(literal(#"["result","x"]"#) == nil)
        #expect(literal(#"{"result":"unterminated}"#) == nil)
    }
}
