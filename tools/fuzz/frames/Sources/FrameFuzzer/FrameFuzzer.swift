// The package-level decoding entry points are visible here through a testable import (debug builds only).
@testable import EventLog

/// libFuzzer's entry point: one input, decoded the way its first byte selects. Any trap, sanitizer report,
/// over-large allocation or timeout is a finding; a thrown `EventLogError` is the expected answer to bad bytes.
///
/// - `0`: the rest is a frame's raw payload (records back to back);
/// - `1`: the rest is one frame, header and payload, decoded as if its checksum had verified;
/// - `2`: the rest is a whole segment file, scanned as recovery scans it.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzFrames(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    guard let start, count > 0 else { return 0 }
    let input = UnsafeRawBufferPointer(start: start + 1, count: count - 1)
    switch start.pointee % 3 {
    case 0: _ = try? UntrustedBytes.decodeRecords(input)
    case 1: _ = try? UntrustedBytes.decodeFrame(input)
    default: _ = try? UntrustedBytes.scanSegment(Array(input))
    }
    return 0
}
