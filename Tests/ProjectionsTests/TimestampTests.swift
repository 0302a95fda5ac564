import Foundation
import Testing

@testable import Projections

@Suite struct TimestampTests {
    /// Foundation's formatter, the reference the hand-written renderer must match.
    static func reference(_ micros: Int64) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        var seconds = micros / 1_000_000
        if micros % 1_000_000 < 0 { seconds -= 1 }
        let fraction = micros - seconds * 1_000_000
        let whole = formatter.string(from: Date(timeIntervalSince1970: Double(seconds)))
        guard fraction != 0 else { return whole }
        return whole.dropLast() + "." + String(format: "%06lld", fraction) + "Z"
    }

    /// A date beyond `Int64` microseconds clamps instead of trapping (a time parameter reached it and killed the
    /// daemon).
    @Test func microsClampsDatesPastInt64() {
        #expect(Timestamp.micros(Date(timeIntervalSince1970: 1e13)) == .max)
        #expect(Timestamp.micros(Date(timeIntervalSince1970: -1e300)) == .min)
        #expect(Timestamp.micros(Date(timeIntervalSince1970: 1.5)) == 1_500_000)
    }

    @Test func rendersRFC3339WithMicrosecondsOnlyWhenNotZero() {
        #expect(Timestamp.rfc3339(0) == "1970-01-01T00:00:00Z")
        #expect(Timestamp.rfc3339(1_767_830_400_123_456) == "2026-01-08T00:00:00.123456Z")
        #expect(Timestamp.rfc3339(1_767_830_400_000_001) == "2026-01-08T00:00:00.000001Z")
        #expect(Timestamp.rfc3339(-1) == "1969-12-31T23:59:59.999999Z")
        #expect(Timestamp.rfc3339(253_402_300_800_000_000) == "10000-01-01T00:00:00Z")
    }

    @Test func matchesFoundationOverRandomTimes() {
        var random = SystemRandomNumberGenerator()
        for _ in 0..<2_000 {
            let micros = Int64.random(in: -2_000_000_000_000_000...4_000_000_000_000_000, using: &random)
            let micros2 = micros - (Bool.random(using: &random) ? micros % 1_000_000 : 0)
            #expect(Timestamp.rfc3339(micros2) == Self.reference(micros2), "\(micros2)")
        }
    }
}
