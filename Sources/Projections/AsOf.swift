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
}
