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
    /// Mixpeek filter's `"2026"` is refused, not read as 33 minutes past 1970. The whole text must have the shape
    /// (Foundation's parser stops at what it understands: `…10:00:00Zjunk` read as 10:00), and fractions past the
    /// microsecond are cut, not rounded: a time never reads as later than the text says (events are stored to the
    /// microsecond).
    public static func rfc3339(_ text: String) -> Date? {
        guard let text = rfc3339Shape(text) else { return nil }
        return (try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true)))
            ?? (try? Date(text, strategy: .iso8601))
    }

    /// `text` when it is `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)` with hours 0–23, minutes 0–59 and seconds
    /// 0–60, its fraction cut to six digits; nil otherwise.
    private static func rfc3339Shape(_ text: String) -> String? {
        let bytes = Array(text.utf8)
        func digits(_ range: Range<Int>) -> Int? {
            guard range.upperBound <= bytes.count else { return nil }
            var value = 0
            for byte in bytes[range] {
                guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
            }
            return value
        }
        func byte(_ index: Int, is characters: String) -> Bool {
            index < bytes.count && characters.utf8.contains(bytes[index])
        }
        guard digits(0..<4) != nil, byte(4, is: "-"), let month = digits(5..<7), (1...12).contains(month),
            byte(7, is: "-"), let day = digits(8..<10), (1...31).contains(day), byte(10, is: "Tt"),
            let hour = digits(11..<13), hour <= 23, byte(13, is: ":"), let minute = digits(14..<16), minute <= 59,
            byte(16, is: ":"), let second = digits(17..<19), second <= 60
        else { return nil }
        var end = 19
        var kept = bytes[0..<19]
        kept[10] = UInt8(ascii: "T")  // RFC 3339 allows `t` and `z`; Foundation's parser reads the capitals
        if byte(end, is: ".") {
            var fractionEnd = end + 1
            while fractionEnd < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[fractionEnd]) {
                fractionEnd += 1
            }
            guard fractionEnd > end + 1 else { return nil }
            kept += bytes[end..<min(fractionEnd, end + 7)]
            end = fractionEnd
        }
        if byte(end, is: "Zz"), end + 1 == bytes.count {
            kept.append(UInt8(ascii: "Z"))
        } else if byte(end, is: "+-"), end + 6 == bytes.count, let offsetHours = digits(end + 1..<end + 3),
            offsetHours <= 23, byte(end + 3, is: ":"), let offsetMinutes = digits(end + 4..<end + 6), offsetMinutes <= 59
        {
            kept += bytes[end..<bytes.count]
        } else {
            return nil
        }
        return String(decoding: kept, as: UTF8.self)
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
