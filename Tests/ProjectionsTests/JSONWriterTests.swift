import Foundation
import Projections
import Testing

/// `JSONWriter.string` escapes exactly what JSON requires, wherever it sits in the string (the writer skips
/// eight plain bytes at a time, so a character to escape may fall at any offset of a word).
@Suite struct JSONWriterTests {
    /// The escaping rule, one byte at a time.
    static func reference(_ text: String) -> [UInt8] {
        var out: [UInt8] = [UInt8(ascii: "\"")]
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out += Array(#"\""#.utf8)
            case UInt8(ascii: "\\"): out += Array(#"\\"#.utf8)
            case 0x08: out += Array(#"\b"#.utf8)
            case 0x09: out += Array(#"\t"#.utf8)
            case 0x0A: out += Array(#"\n"#.utf8)
            case 0x0C: out += Array(#"\f"#.utf8)
            case 0x0D: out += Array(#"\r"#.utf8)
            case ..<0x20: out += Array(String(format: "\\u%04x", byte).utf8)
            default: out.append(byte)
            }
        }
        return out + [UInt8(ascii: "\"")]
    }

    @Test func stringsAreEscapedAsTheByteRuleWantsAtEveryOffset() throws {
        let alphabet: [String] = ["a", "Z", "0", " ", "\"", "\\", "\n", "\r", "\t", "\u{08}", "\u{0C}", "\u{01}", "\u{1F}", "\u{7F}", "é", "😀", "/", "!", "#"]
        var generator = SystemRandomNumberGenerator()
        for length in 0..<80 {
            for _ in 0..<20 {
                let text = (0..<length).map { _ in alphabet.randomElement(using: &generator)! }.joined()
                var writer = JSONWriter()
                writer.string(text)
                #expect(writer.bytes == Self.reference(text), "\(text.debugDescription)")
                #expect(try JSONDecoder().decode(String.self, from: Data(writer.bytes)) == text)
            }
        }
        // Long plain runs with one character to escape at each offset.
        for offset in 0..<40 {
            for special in ["\"", "\\", "\n", "\u{08}", "\u{0C}", "\u{1F}"] {
                let text = String(repeating: "x", count: offset) + special + String(repeating: "y", count: 37 - offset % 37)
                var writer = JSONWriter()
                writer.string(text)
                #expect(writer.bytes == Self.reference(text))
            }
        }
    }
}
