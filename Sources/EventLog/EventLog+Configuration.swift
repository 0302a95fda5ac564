import Foundation
import Logging

extension EventLog {
    /// Whether an append waits for the disk.
    public enum Durability: String, Sendable, CaseIterable {
        /// Every frame is `fdatasync`'d before its appends return (the default).
        case fsync
        /// Frames are written but never synced: a crash of the machine (not of the process)
        /// can lose acknowledged appends. For tests and benchmarks that say so.
        case none
    }

    /// When the log trains its compression dictionary.
    public enum DictionaryTraining: Sendable, Equatable {
        /// Never: frames are compressed without a dictionary.
        case disabled
        /// Once this many bytes of encoded records have been collected as samples.
        case afterSampleBytes(Int)
    }

    /// The segment writer's system calls a test can make fail (``Configuration/injectedFault``).
    /// `seal` is the `fsync` of the segment a roll closes.
    package enum SegmentOperation: Sendable { case write, syncData, seal }

    /// How an ``EventLog`` behaves; the defaults suit a production daemon.
    public struct Configuration: Sendable {
        /// Whether appends wait for `fdatasync`.
        public var durability: Durability = .fsync
        /// A segment is sealed and a new one started at the first frame boundary past this size.
        public var segmentSize: UInt64 = 64 << 20
        /// A group-commit batch larger than this (uncompressed) is split into several frames.
        public var maximumFrameBytes: Int = 1 << 20
        /// The longest the writer waits, after a sync, for the appenders it just answered to
        /// append again so that they share the next sync (never longer than the last write took).
        /// 0 turns the wait off. Only with ``Durability/fsync``.
        public var maximumGatherDelay: Double = 0.000_5
        /// zstd level for frames.
        public var compressionLevel: Int32 = 3
        /// When to train the dictionary.
        public var dictionaryTraining: DictionaryTraining = .afterSampleBytes(4 << 20)
        /// The dictionary's size budget in bytes.
        public var dictionaryCapacity: Int = 64 << 10
        /// The time source for `recordedAt`, in microseconds since 1970; tests inject one.
        public var clock: @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970 * 1_000_000) }
        /// Where recovery and maintenance report; silent unless the caller passes one.
        public var logger: Logger = Logger(label: "sessiond.eventlog", factory: { _ in SwiftLogNoOpLogHandler() })
        /// Open for reading only: recovery finds the log's end as a read-write open does (a torn tail is not part of
        /// the log; damage it refuses is refused with the same error) but changes no file — it cuts no tail, removes
        /// no leftover, creates no segment or directory, and takes the directory's lock through a read-only
        /// descriptor (creating the empty `LOCK` file only where it is missing, as ``DirectoryLock`` says). Appends,
        /// compaction and dictionary imports fail with ``EventLogError/readOnly(operation:location:)``. For
        /// commands that only read (`sessiond verify`, `export`, `events`).
        public var isReadOnly = false
        /// Tests only: asked before each `pwrite` and `fdatasync` of a frame batch; an errno it returns makes
        /// that call fail as the system would (the write's bytes are already in the file when a sync fails).
        package var injectedFault: (@Sendable (SegmentOperation) -> Int32?)?

        public init() {}

        public init(durability: Durability) {
            self.durability = durability
        }
    }
}
