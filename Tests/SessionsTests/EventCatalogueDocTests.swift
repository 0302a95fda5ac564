import Foundation
import Sessions
import TestSupport
import Testing

/// docs/events.md cannot drift from the code: every wire type has a section stating its schema version, and
/// the section's JSON examples are exactly what the codec produces for ``EventSamples``.
///
/// This suite reads one file of the repository (read-only); when an example is out of date, the failure
/// message carries the body to paste.
struct EventCatalogueDocTests {
    static let docURL = Repository.url("docs/events.md")

    /// The text of each `### \`type\`` section, by type.
    static func sections() throws -> [String: String] {
        let text = try String(contentsOf: docURL, encoding: .utf8)
        var sections: [String: String] = [:]
        var current: String?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("### `"), let end = line.dropFirst(5).firstIndex(of: "`") {
                current = String(line.dropFirst(5)[..<end])
                sections[current!] = ""
            } else if line.hasPrefix("## ") || line.hasPrefix("### ") {
                current = nil
            } else if let type = current {
                sections[type, default: ""] += line + "\n"
            }
        }
        return sections
    }

    /// The ```json blocks of a section, in order.
    static func jsonBlocks(in section: String) -> [String] {
        var blocks: [String] = []
        var block: [Substring]?
        for line in section.split(separator: "\n", omittingEmptySubsequences: false) {
            if line == "```json" {
                block = []
            } else if line == "```", let lines = block {
                blocks.append(lines.joined(separator: "\n"))
                block = nil
            } else if block != nil {
                block!.append(line)
            }
        }
        return blocks
    }

    @Test(arguments: EventType.allCases)
    func theCatalogueShowsWhatTheCodecWrites(_ type: EventType) throws {
        let section = try #require(
            try Self.sections()[type.rawValue],
            "docs/events.md has no section for \(type.rawValue)"
        )
        #expect(section.contains("Schema version: \(type.currentSchemaVersion)"))
        let expected = try EventSamples.all.filter { $0.eventType == type }.map {
            String(decoding: try $0.encoded().body, as: UTF8.self)
        }
        let documented = Self.jsonBlocks(in: section)
        #expect(documented == expected, "examples for \(type.rawValue) should be:\n\(expected.joined(separator: "\n"))")
    }
}
