/// What opening the log found and did.
public struct RecoveryReport: Sendable, Equatable {
    /// Segment files found.
    public var segments: Int
    /// Frames verified.
    public var frames: Int
    /// Records recovered.
    public var records: UInt64
    /// Bytes cut from the end of the newest segment (a torn, never-acknowledged tail).
    public var truncatedBytes: UInt64
    /// The file that was cut, when any was.
    public var truncatedFile: String?
    /// Why the tail was cut, when it was.
    public var truncationReason: String?
}
