/// A segment file the log knows, with a descriptor readers share (`pread` is position-free).
struct SegmentInfo: Sendable {
    let firstPosition: UInt64
    let path: String
    let readFile: SystemFile
}

/// Where one frame lives.
struct FrameLocation: Sendable {
    let firstPosition: UInt64
    let recordCount: UInt32
    let segmentIndex: Int
    let offset: UInt64
    /// Header plus payload.
    let length: Int

    var endPosition: UInt64 { firstPosition + UInt64(recordCount) }
}
