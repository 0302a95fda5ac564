/// Bytes at the end of a log directory that are not part of the log, because no append was acknowledged for them:
/// a torn last write of the newest segment, or the file of a segment roll that died before its header was whole.
///
/// A read-write open cuts them (truncates the segment, or removes the roll's file); a read-only open finds the same
/// bytes, leaves them in place and reads around them.
public struct TailCut: Sendable, Equatable, CustomStringConvertible {
    /// The segment file.
    public var file: String
    /// Where the log ends in ``file``: its length once cut; 0 when the whole file goes (a roll's file).
    public var offset: UInt64
    /// The bytes from ``offset`` to the end of the file.
    public var bytes: UInt64
    /// Why the bytes are not part of the log (what the scan found at ``offset``).
    public var reason: String

    /// The file, offset, size and reason, for an operator.
    public var description: String {
        offset == 0
            ? "\(file), the whole file of \(bytes) bytes (\(reason))"
            : "\(file) from byte \(offset), \(bytes) bytes (\(reason))"
    }
}
