@testable import Projections
import Testing

/// Which bodies are stored compressed (decision 0165): values of 512 bytes and more that zstd shrinks; shorter ones
/// as their text. Either way the text reads back whole.
@Suite struct StoredTextTests {
    private func isCompressed(_ stored: StoredText.Stored?) -> Bool {
        if case .compressed = stored { true } else { false }
    }

    private func readBack(_ stored: StoredText.Stored?) -> String? {
        switch stored {
        case .text(let text): text
        case .compressed(let bytes): StoredText.text(bytes)
        case nil: nil
        }
    }

    @Test func shortValuesStayTextLongCompressibleOnesAreCompressed() {
        let line = "ok: compiled 12 files in 0.4 s, no warnings\n"
        let short = String(repeating: line, count: StoredText.minimumCompressedLength / line.utf8.count)
        let long = short + line
        #expect(short.utf8.count < StoredText.minimumCompressedLength)
        #expect(long.utf8.count >= StoredText.minimumCompressedLength)
        #expect(!isCompressed(StoredText.encode(short)))
        #expect(isCompressed(StoredText.encode(long)))
        #expect(!isCompressed(StoredText.encode(utf8: Array(short.utf8)[...])))
        #expect(isCompressed(StoredText.encode(utf8: Array(long.utf8)[...])))
        for text in [short, long] {
            #expect(readBack(StoredText.encode(text)) == text)
            #expect(readBack(StoredText.encode(utf8: Array(text.utf8)[...])) == text)
        }
        #expect(StoredText.encode(nil) == nil)
    }
}
