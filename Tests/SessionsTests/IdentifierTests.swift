import Foundation
import Sessions
import Testing

/// Which texts are ids: a NUL would not survive the projections' SQLite text columns (found by Schemathesis:
/// `POST /v1/sessions {"sessionId":"\u0000"}` stored a session that every read then crashed on).
struct IdentifierTests {
    @Test(arguments: ["", "\u{0}", "a\u{0}b", "ses_\u{0}"])
    func emptyTextOrANulIsNoID(_ text: String) throws {
        #expect(SessionID(rawValue: text) == nil)
        #expect(MessageID(rawValue: text) == nil)
        #expect(ToolCallID(rawValue: text) == nil)
        #expect(FileID(rawValue: text) == nil)
        #expect(!SessionID.isValid(text))
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(SessionID.self, from: Data(#""\#(text.unicodeScalars.map { $0 == "\u{0}" ? "\\u0000" : String($0) }.joined())""#.utf8)) }
    }

    @Test(arguments: ["ses_abc123", "0b5a4c1e-3f9d-4e52-9a39-2f3c7d1e8a10", "é/ü 1"])
    func otherTextIsAnID(_ text: String) throws {
        #expect(SessionID(rawValue: text)?.rawValue == text)
        #expect(SessionID.isValid(text))
    }
}
