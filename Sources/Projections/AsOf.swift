import EventLog
import Foundation
import Sessions

/// The moment a read is about: now, or a point in a session's past.
///
/// Time travel is a query over temporal rows, never a replay: a version and a time are resolved to a log
/// position through the per-session event index, and every row answers whether it was live at that position.
public enum AsOf: Sendable, Hashable {
    /// The projection's current state.
    case latest
    /// Just after the record at this global log position was applied (positions of other sessions count too).
    case position(LogPosition)
    /// Just after the session's event with this stream version.
    case version(UInt64)
    /// Just after the session's message with this id and what followed it up to the next message (the results
    /// a tool message carries); the latest state when it is the last message. `nil` reads for an unknown id.
    case message(MessageID)
    /// The session as it was at this time: after its last event recorded at or before it.
    case time(Date)

    /// A time as clients and operators write one: RFC 3339 (`2026-01-08T10:00:00Z`, fractional seconds allowed)
    /// or Unix seconds (fractions allowed); `nil` for anything else. The CLI's `--at` and the HTTP `at` and
    /// `since` parameters all read times this way.
    public static func time(_ text: String) -> Date? {
        if let seconds = Double(text) { return seconds.isFinite ? Date(timeIntervalSince1970: seconds) : nil }
        if let date = try? Date(text, strategy: .iso8601) { return date }
        return try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }
}
