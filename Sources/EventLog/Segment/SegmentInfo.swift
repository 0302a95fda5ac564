/// A segment file the log knows, with a descriptor readers share (`pread` is position-free).
struct SegmentInfo: Sendable {
    let firstPosition: UInt64
    let path: String
    let readFile: ReadDescriptor
}

/// A read-only descriptor closed when the last reader lets go of it.
///
/// Compaction replaces a segment file while reads may be in flight: they keep the old file's
/// descriptor (and so its bytes) until they finish, and the next reads get the new one.
final class ReadDescriptor: Sendable {
    private let file: SystemFile

    init(path: String) throws(EventLogError) {
        file = try SystemFile.open(path, .readOnly)
    }

    func read(count: Int, at offset: UInt64) throws(EventLogError) -> [UInt8] {
        try file.read(count: count, at: offset)
    }

    deinit { file.close() }
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
