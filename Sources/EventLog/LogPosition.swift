/// A record's place in the global log: dense, starting at 1, in commit order.
///
/// Position 0 names "before the first record": a reader that has applied nothing has
/// checkpoint 0 and reads from 1. Positions never change, not even when compaction
/// rewrites a segment.
public struct LogPosition: RawRepresentable, Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public var rawValue: UInt64

    public init(rawValue: UInt64) { self.rawValue = rawValue }
    public init(_ value: UInt64) { self.rawValue = value }

    /// The position before any record.
    public static let zero = LogPosition(0)

    /// The position right after this one.
    public var next: LogPosition { LogPosition(rawValue + 1) }

    public static func < (lhs: LogPosition, rhs: LogPosition) -> Bool { lhs.rawValue < rhs.rawValue }
    public var description: String { String(rawValue) }

    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(UInt64.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
