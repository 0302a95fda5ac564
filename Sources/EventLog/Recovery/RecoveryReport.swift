/// What opening the log found and did.
public struct RecoveryReport: Sendable, Equatable {
    /// Segment files found.
    public var segments: Int
    /// Frames verified.
    public var frames: Int
    /// Records recovered.
    public var records: UInt64
    /// The never-acknowledged bytes found at the end of the log, in the order recovery met them (a roll's file
    /// first, then the torn tail of the segment before it). A read-write open cut them; a read-only one left them.
    public var cuts: [TailCut] = []
    /// Whether the log was opened read-only: then ``cuts`` were found but not made (no file was changed), and the
    /// next read-write open makes them.
    public var isReadOnly = false

    /// Bytes cut (or, read-only, to be cut) from the end of the log.
    public var truncatedBytes: UInt64 { cuts.reduce(0) { $0 + $1.bytes } }
    /// The file that was cut (or, read-only, would be), when any was.
    public var truncatedFile: String? { cuts.last?.file }
    /// Why the tail was cut, when it was.
    public var truncationReason: String? { cuts.last?.reason }
}
