import CCRC32C
import Testing
import Workload

@testable import EventLog

@Suite struct CRC32CTests {
    @Test func matchesTheStandardCheckValue() {
        // The CRC-32C check value from the catalogue of parametrised CRC algorithms.
        #expect(CRC32C.checksum(Array("123456789".utf8)) == 0xE306_9283)
        #expect(sessiond_crc32c_portable(0, Array("123456789".utf8), 9) == 0xE306_9283)
        #expect(CRC32C.checksum([UInt8]()) == 0)
    }

    @Test func hardwareAndTableAgreeOnEveryLengthAndSplit() {
        var random = SplitMix64(seed: 42)
        let bytes = (0..<1031).map { _ in UInt8(truncatingIfNeeded: random.next()) }
        for length in [0, 1, 7, 8, 9, 63, 64, 65, 1000, 1031] {
            let slice = Array(bytes.prefix(length))
            let whole = CRC32C.checksum(slice)
            #expect(whole == sessiond_crc32c_portable(0, slice, slice.count))
            let split = length / 3
            #expect(CRC32C.checksum(Array(slice[split...]), extending: CRC32C.checksum(Array(slice[..<split]))) == whole)
        }
    }
}
