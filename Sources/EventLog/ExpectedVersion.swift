/// What an appender believes a stream's version to be; the append fails with
/// ``EventLogError/wrongExpectedVersion(stream:expected:actual:)`` when it is wrong.
///
/// A stream's version is the number of records in it: 0 for a stream that does not
/// exist, 1 after its first record.
public enum ExpectedVersion: Sendable, Hashable {
    /// No check.
    case any
    /// The stream must not exist yet.
    case noStream
    /// The stream must exist (version ≥ 1).
    case streamExists
    /// The stream must be at exactly this version.
    case exact(UInt64)

    /// Whether a stream at version `actual` satisfies this expectation.
    public func admits(_ actual: UInt64) -> Bool {
        switch self {
        case .any: true
        case .noStream: actual == 0
        case .streamExists: actual > 0
        case .exact(let version): actual == version
        }
    }
}
