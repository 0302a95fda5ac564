/// A string written as a JSON string literal: quoted, with `"`, `\` and the control characters escaped as
/// `JSONEncoder` escapes them (the short forms where JSON has one, `\u00XX` otherwise) and nothing else — slashes
/// and non-ASCII text as they are.
///
/// The one escaping of both JSON writers, ``EventBodyWriter`` (event bodies) and `JSONWriter` (exports and API
/// answers): a tool result's literal in its body is then the export's byte for byte (`ToolResultColumns`).
package enum JSONStringLiteral {
    /// Appends `value`, quoted and escaped, to `bytes`.
    package static func append(_ value: String, to bytes: inout [UInt8]) {
        bytes.append(UInt8(ascii: "\""))
        var value = value
        value.withUTF8 { utf8 in
            // Runs of plain bytes are copied at once; eight bytes at a time are skipped while none of them needs
            // escaping (most of a transcript's text).
            var runStart = 0
            var index = 0
            let raw = UnsafeRawBufferPointer(utf8)
            while index < utf8.count {
                if index + 8 <= utf8.count, !mayNeedEscape(raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)) {
                    index += 8
                    continue
                }
                let byte = utf8[index]
                index += 1
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                let escaped = index - 1
                if runStart < escaped {
                    bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<escaped]))
                }
                runStart = index
                appendEscaped(byte, to: &bytes)
            }
            if runStart < utf8.count { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart...])) }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    private static func appendEscaped(_ byte: UInt8, to bytes: inout [UInt8]) {
        bytes.append(UInt8(ascii: "\\"))
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"): bytes.append(byte)
        case 0x08: bytes.append(UInt8(ascii: "b"))
        case 0x09: bytes.append(UInt8(ascii: "t"))
        case 0x0A: bytes.append(UInt8(ascii: "n"))
        case 0x0C: bytes.append(UInt8(ascii: "f"))
        case 0x0D: bytes.append(UInt8(ascii: "r"))
        default:
            let hex: StaticString = "0123456789abcdef"
            bytes.append(contentsOf: "u00".utf8)
            bytes.append(hex.utf8Start[Int(byte >> 4)])
            bytes.append(hex.utf8Start[Int(byte & 0xF)])
        }
    }

    /// Whether any of the eight bytes may be a control character, `"` or `\` (no false negatives; a false positive
    /// only sends the word through the byte loop). Classic "has a zero byte" tests on `word` and on `word` XOR each
    /// quoted byte.
    @inline(__always)
    private static func mayNeedEscape(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        let quotes = word ^ (ones &* UInt64(UInt8(ascii: "\"")))
        let backslashes = word ^ (ones &* UInt64(UInt8(ascii: "\\")))
        let control = (word &- ones &* 0x20) & ~word
        let quote = (quotes &- ones) & ~quotes
        let backslash = (backslashes &- ones) & ~backslashes
        return (control | quote | backslash) & highs != 0
    }
}
