import Dispatch
import Logging
import Synchronization

/// The embedded event log: segment files in one directory, appended by group commit.
///
/// One instance owns its directory (an advisory lock refuses a second). Appends from any
/// number of tasks are queued; a single writer on its own thread takes everything queued,
/// writes it as one or more frames with one `pwrite` and one `fdatasync`, and only then
/// answers every append of the batch. Reads run on a separate I/O queue and never wait for
/// the writer.
///
/// Open with ``init(directory:configuration:)`` (runs recovery), finish with ``close()``. Opened with
/// ``Configuration/isReadOnly`` it reads the same log and changes no file: it has no writer, and every append,
/// compaction or dictionary import fails with ``EventLogError/readOnly(operation:location:)``.
public final class EventLog: LogStore {
    /// The data directory holding the segments.
    public let directory: String
    public let configuration: Configuration
    /// What recovery found when the log was opened.
    public let recoveryReport: RecoveryReport

    let dictionaries: DictionaryStore
    let state: Mutex<State>
    /// `nil` when the log was opened read-only.
    let writer: Mutex<SegmentWriter?>
    let lock: DirectoryLock
    let writeQueue = DispatchQueue(label: "sessiond.eventlog.writer")
    let ioQueue = DispatchQueue(label: "sessiond.eventlog.io", attributes: .concurrent)
    /// Wakes the writer when the appends it gathers for have arrived.
    let gatherSignal = DispatchSemaphore(value: 0)
    /// Background work (dictionary training) that ``close()`` waits for.
    let maintenance = DispatchGroup()
    var logger: Logger { configuration.logger }

    /// Everything appenders, the writer and readers share, behind one lock.
    struct State {
        var index: LogIndex
        var reservation: Reservation
        var queue: [PendingAppend] = []
        var inFlight: [PendingAppend] = []
        var writerActive = false
        /// Set while the writer waits for this many queued appends before its next batch.
        var gatherTarget: Int?
        var failure: String?
        var closed = false
        /// A compaction is running (one at a time).
        var compacting = false
        /// The directory lock and the writer's descriptor are released (by ``close()`` or deinit).
        var released = false
        var waiters: [Int: (after: UInt64, continuation: CheckedContinuation<LogPosition, any Error>)] = [:]
        var nextWaiterID = 0
        var statistics = LogStatistics()
        /// The last records made durable, for readers at the log's end.
        var recent = RecentRecords()

        init(index: LogIndex) {
            self.index = index
            reservation = Reservation(end: index.durableEnd, lastRecordedAt: index.lastRecordedAt)
        }
    }

    /// Opens (creating if needed) the log in `directory`, recovering its tail. Read-only
    /// (``Configuration/isReadOnly``), opens an existing directory as it is, cutting and creating nothing
    /// (``RecoveryReport/cuts`` says what a read-write open would cut).
    ///
    /// - Throws: ``EventLogError/directoryLocked(path:)`` when another process holds the directory,
    ///   ``EventLogError/corruption(file:offset:reason:)`` when a sealed segment does not verify,
    ///   ``EventLogError/missingDictionary(id:file:)`` when a frame's dictionary is gone.
    public init(directory: String, configuration: Configuration = Configuration()) throws {
        self.directory = directory
        self.configuration = configuration
        let lock = try Self.prepareDirectory(directory, readOnly: configuration.isReadOnly)
        do {
            let dictionaries = DictionaryStore(directory: directory, level: configuration.compressionLevel)
            let opened = try Recovery.open(directory: directory, configuration: configuration, dictionaries: dictionaries)
            self.lock = lock
            self.dictionaries = dictionaries
            self.recoveryReport = opened.report
            self.state = Mutex(State(index: opened.index))
            self.writer = Mutex(opened.writer)
        } catch {
            lock.release()
            throw error
        }
    }

    deinit {
        releaseDirectory()
    }

    /// Closes the writer's descriptor and drops the directory lock, once. Readers' descriptors
    /// stay open until the last reader lets go, so a read racing with ``close()`` never touches a reused descriptor.
    private func releaseDirectory() {
        let release = state.withLock { state in
            defer { state.released = true }
            return !state.released
        }
        guard release else { return }
        writer.withLock { if let open = $0 { open.close() } }
        lock.release()
    }

    /// Returns once no background work (a dictionary's training) is running.
    func maintenanceFinished() async {
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            maintenance.notify(queue: .global()) { done.resume() }
        }
    }

    /// Stops accepting appends, lets queued ones finish, waits for background work, and
    /// wakes every waiter with ``EventLogError/closed``, and releases the directory lock so
    /// the directory can be opened again.
    public func close() async {
        state.withLock { $0.closed = true }
        while true {
            await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
                writeQueue.async { done.resume() }
            }
            if state.withLock({ !$0.writerActive && $0.queue.isEmpty }) { break }
        }
        await maintenanceFinished()
        let waiters = state.withLock { state in
            defer { state.waiters = [:] }
            return Array(state.waiters.values)
        }
        for waiter in waiters { waiter.continuation.resume(throwing: EventLogError.closed) }
        releaseDirectory()
    }

    private static func prepareDirectory(_ directory: String, readOnly: Bool) throws(EventLogError) -> DirectoryLock {
        if !readOnly, mkdir(directory, 0o755) != 0, errno != EEXIST {
            throw .io(operation: "mkdir", path: directory, errno: errno)
        }
        return try DirectoryLock.acquire(directory: directory, readOnly: readOnly)
    }
}

#if canImport(Glibc)
import Glibc
#endif
