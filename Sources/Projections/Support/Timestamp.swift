import Foundation

/// Log times as the projections store them: microseconds since 1970, the unit of ``EventLog/LogRecord``.
///
/// Rendering is hand-written (civil-from-days) because exports format one time per message and
/// `ISO8601DateFormatter` costs microseconds per call.
enum Timestamp {
    /// The microseconds of a `Date`, rounded to the nearest microsecond; clamped to `Int64`'s range (a date past
    /// about 292,000 years from 1970 either way, which no log time is, compares as the first or last).
    static func micros(_ date: Date) -> Int64 {
        let micros = (date.timeIntervalSince1970 * 1_000_000).rounded()
        if let exact = Int64(exactly: micros) { return exact }
        return micros > 0 ? .max : .min
    }

    /// The `Date` of a microsecond count, computed exactly as `LogRecord.recordedAt` does.
    static func date(_ micros: Int64) -> Date { Date(timeIntervalSince1970: Double(micros) / 1_000_000) }

    /// RFC 3339 in UTC with microseconds when they are not zero: `2026-01-08T00:00:00.123456Z`.
    static func rfc3339(_ micros: Int64) -> String {
        var seconds = micros / 1_000_000
        var fraction = micros % 1_000_000
        if fraction < 0 {
            fraction += 1_000_000
            seconds -= 1
        }
        var days = seconds / 86_400
        var secondOfDay = seconds % 86_400
        if secondOfDay < 0 {
            secondOfDay += 86_400
            days -= 1
        }
        // Howard Hinnant's civil_from_days.
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        // One allocation: the digits go straight into the string's buffer (exports format one per message).
        return String(unsafeUninitializedCapacity: 40) { buffer in
            var index = 0
            func put(_ value: Int64, _ width: Int) {
                var value = value
                var digit = index + width - 1
                while digit >= index {
                    buffer[digit] = UInt8(ascii: "0") + UInt8(value % 10)
                    value /= 10
                    digit -= 1
                }
                index += width
            }
            func pow10(_ exponent: Int) -> Int64 { (0..<exponent).reduce(1) { value, _ in value * 10 } }
            func put(_ character: Unicode.Scalar) {
                buffer[index] = UInt8(ascii: character)
                index += 1
            }
            if year < 0 { put("-") }
            var yearWidth = 4
            while yearWidth < 19, abs(year) >= pow10(yearWidth) { yearWidth += 1 }
            put(abs(year), yearWidth)
            put("-")
            put(month, 2)
            put("-")
            put(day, 2)
            put("T")
            put(secondOfDay / 3600, 2)
            put(":")
            put(secondOfDay % 3600 / 60, 2)
            put(":")
            put(secondOfDay % 60, 2)
            if fraction != 0 {
                put(".")
                put(fraction, 6)
            }
            put("Z")
            return index
        }
    }
}
