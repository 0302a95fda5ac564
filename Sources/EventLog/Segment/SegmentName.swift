import Foundation

/// File names in a log directory: `<first position, 20 digits>.seg`, `dict-<id, 10 digits>.zdict` and
/// beside each dictionary `dict-<id>.streams` (the streams its training samples came from).
enum SegmentName {
    static func segment(firstPosition: UInt64) -> String { String(format: "%020llu.seg", firstPosition) }

    static func dictionary(id: UInt32) -> String { String(format: "dict-%010u.zdict", id) }

    static func dictionaryStreams(id: UInt32) -> String { String(format: "dict-%010u.streams", id) }

    /// What a compaction writes before renaming it over `segment`; recovery removes leftovers.
    static let compactionSuffix = ".compact"
    /// What a durable whole-file write writes before its rename; recovery removes leftovers.
    static let temporarySuffix = ".tmp"

    /// The first position a segment file name encodes, or `nil` if it is not a segment name.
    static func parseSegment(_ name: String) -> UInt64? {
        guard name.count == 24, name.hasSuffix(".seg") else { return nil }
        return UInt64(name.prefix(20))
    }

    static func parseDictionary(_ name: String) -> UInt32? {
        guard name.hasPrefix("dict-"), name.hasSuffix(".zdict") else { return nil }
        return UInt32(name.dropFirst(5).dropLast(6))
    }
}
