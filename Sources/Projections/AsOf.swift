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
    /// a tool message carries), or up to the message's own removal (a rewind, pop or clear) when that comes
    /// first, so the message is live at the point; the latest state when it is the last message and still live.
    /// `nil` reads for an unknown id.
    case message(MessageID)
    /// The session as it was at this time: after its last event recorded at or before it.
    case time(Date)

    /// A time as clients and operators write one: RFC 3339 (`2026-01-08T10:00:00Z`, fractional seconds allowed)
    /// or Unix seconds as plain decimals (`1767866400`, `1767866400.25`, `-5`), within the years 1 to 9999 as
    /// RFC 3339 is; `nil` for anything else (`1e13`, `0x10`, `nan`). The CLI's `--at` and the HTTP `at` and `since`
    /// parameters read times this way; Mixpeek's time filters take ``rfc3339(_:)`` alone.
    public static func time(_ text: String) -> Date? {
        if isDecimal(text) {
            guard let seconds = Double(text), representableSeconds.contains(seconds) else { return nil }
            return Date(timeIntervalSince1970: seconds)
        }
        return rfc3339(text)
    }

    /// An RFC 3339 time alone (fractional seconds allowed), where a string of digits must not pass for one: a
    /// Mixpeek filter's `"2026"` is refused, not read as 33 minutes past 1970.
    public static func rfc3339(_ text: String) -> Date? {
        (try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true)))
            ?? (try? Date(text, strategy: .iso8601))
    }

    /// 0001-01-01T00:00:00Z ... 9999-12-31T23:59:59Z in Unix seconds: what RFC 3339 can write.
    private static let representableSeconds = -62_135_596_800.0...253_402_300_799.0

    /// `-?digits(.digits)?`: no exponent, hex, sign `+`, spaces or bare point, which `Double(_:)` would take.
    private static func isDecimal(_ text: String) -> Bool {
        var utf8 = Substring(text).utf8
        if utf8.first == UInt8(ascii: "-") { utf8 = utf8.dropFirst() }
        let whole = utf8.prefix { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
        guard !whole.isEmpty else { return false }
        let rest = utf8.dropFirst(whole.count)
        if rest.isEmpty { return true }
        guard rest.first == UInt8(ascii: ".") else { return false }
        let fraction = rest.dropFirst()
        return !fraction.isEmpty && fraction.allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
    }
}
