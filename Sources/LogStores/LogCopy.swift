import Blobs
import EventLog

/// Moves a whole log from one store to another (`sessiond log copy`): the dictionaries under their ids, then every
/// record in position order with its position, stream, version, time, event id, type, metadata and body, in
/// batches the target appends as they are (``EventLog/LogStore/appendMoved(_:)``: checked to continue its log, then
/// indexed as any append). Frames are formed and chained by the target (their boundaries may differ); what they
/// hold decodes to the same records.
public enum LogCopy {
    /// What a copy moved.
    public struct Report: Sendable, Equatable {
        public var records: UInt64 = 0
        public var dictionaries: [UInt32] = []
        /// The source's durable end when the copy started: the last position copied.
        public var end = LogPosition.zero
        /// Session files' blobs copied, and their bytes.
        public var blobs = 0
        public var blobBytes: UInt64 = 0
    }

    /// Copies everything `source` holds up to its durable end when the copy starts into `target`, which must be
    /// empty and opened without dictionary training.
    /// - Parameters:
    ///   - blobs: The blob stores beside the two logs: the blobs the target lacks are copied first, as an upload
    ///     writes its blob before its event, so a copy cut off later leaves no event without its bytes (and a
    ///     second run, into a target whose log is still empty, skips the blobs already there).
    ///   - progress: called with the records copied so far and the total.
    /// - Throws: ``EventLog/EventLogError/notEmpty(reason:)`` when the target holds anything; a store's error.
    public static func copy(
        from source: any LogStore, to target: any LogStore,
        blobs: (source: any BlobStore, target: any BlobStore)? = nil, progress: (UInt64, UInt64) -> Void = { _, _ in }
    ) async throws -> Report {
        let end = try await target.durableEnd().rawValue
        let held = try await target.storedDictionaries().count
        guard end == 0, held == 0 else {
            throw EventLogError.notEmpty(reason: "the target holds \(end) records and \(held) dictionaries")
        }
        var report = Report()
        // The end first: a blob listed after it covers every upload whose event the copy takes.
        let total = try await source.durableEnd().rawValue
        report.end = LogPosition(total)
        if let blobs { (report.blobs, report.blobBytes) = try await copyBlobs(from: blobs.source, to: blobs.target) }
        let dictionaries = try await source.storedDictionaries()
        try await target.importDictionaries(dictionaries)
        report.dictionaries = dictionaries.map(\.id)
        var position = LogPosition(1)
        while position.rawValue <= total {
            let records = try await source.read(from: position, limit: 4096).prefix { $0.position.rawValue <= total }
            guard let last = records.last else { break }
            try await target.appendMoved(Array(records))
            report.records += UInt64(records.count)
            progress(report.records, total)
            position = last.position.next
        }
        return report
    }

    /// Compares two logs record by record and their dictionaries; `nil` when equal, else the first difference.
    /// With `end`, only the records up to it are compared (and the source may hold more records and dictionaries
    /// after them): a source that stayed in use during the copy is compared with what the copy took.
    public static func difference(
        between source: any LogStore, and target: any LogStore, upTo end: LogPosition? = nil
    ) async throws -> String? {
        let (sourceDictionaries, targetDictionaries) = (try await source.storedDictionaries(), try await target.storedDictionaries())
        let comparedDictionaries = end == nil ? sourceDictionaries : Array(sourceDictionaries.prefix(targetDictionaries.count))
        if comparedDictionaries != targetDictionaries {
            return "dictionaries differ: \(sourceDictionaries.map(\.id)) and \(targetDictionaries.map(\.id))"
        }
        let (sourceEnd, targetEnd) = (try await source.durableEnd(), try await target.durableEnd())
        let last = end ?? sourceEnd
        if targetEnd != last || sourceEnd < last { return "the logs end at positions \(sourceEnd) and \(targetEnd)" }
        var position = LogPosition(1)
        while position <= last {
            let left = try await source.read(from: position, limit: 4096).prefix { $0.position <= last }
            let right = try await target.read(from: position, limit: 4096)
            for (a, b) in zip(left, right) where a != b { return "the records at position \(a.position) differ" }
            if left.count != right.count { return "the logs differ in length after position \(position)" }
            guard let final = left.last else { break }
            position = final.position.next
        }
        return nil
    }

    /// Copies every blob `source` holds that `target` lacks (session files' bytes go with the log they belong
    /// to); what the target already holds is left as it is.
    /// - Returns: How many blobs and bytes were copied.
    public static func copyBlobs(from source: any BlobStore, to target: any BlobStore) async throws
        -> (blobs: Int, bytes: UInt64)
    {
        let held = Set(try await target.stored().map(\.digest))
        var copied = (blobs: 0, bytes: UInt64(0))
        for blob in try await source.stored() where !held.contains(blob.digest) {
            // A blob removed since the listing (a compaction on a live source) has nothing left to copy.
            guard let bytes = try await source.read(blob.digest) else { continue }
            guard try await target.write(bytes) == blob.digest else {
                throw EventLogError.failed(reason: "blob \(blob.digest) holds bytes of another digest")
            }
            copied.blobs += 1
            copied.bytes += UInt64(bytes.count)
        }
        return copied
    }
}
