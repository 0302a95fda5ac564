import Foundation
import Logging

/// Opening a log directory: find the segments, verify every frame, cut a torn tail, and
/// build the in-memory index and the writer's position.
///
/// Opened read-only (``EventLog/Configuration/isReadOnly``) it finds the same end and refuses the same damage, but
/// changes nothing: the torn tail and a roll's header-less file stay on disk (reported, and never read, since the
/// index ends before them), leftovers of an interrupted write stay, and no segment is created for an empty log.
enum Recovery {
    struct Opened {
        let index: LogIndex
        /// The newest segment's writer; `nil` when the log was opened read-only.
        let writer: SegmentWriter?
        let report: RecoveryReport
    }

    static func open(directory: String, configuration: EventLog.Configuration, dictionaries: DictionaryStore)
        throws(EventLogError) -> Opened
    {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
        } catch {
            throw .io(operation: "list", path: directory, errno: Int32((error as NSError).code))
        }
        let readOnly = configuration.isReadOnly
        // Read-only, leftovers are ignored instead: their names are neither segments' nor dictionaries'.
        if !readOnly { try removeLeftovers(names, in: directory) }
        try dictionaries.loadAll(names: names)
        var segmentNames = names.compactMap { name in SegmentName.parseSegment(name).map { ($0, name) } }
            .sorted { $0.0 < $1.0 }
        // A roll that died before the new segment's header was durable left a file holding
        // nothing acknowledged: remove it (read-only: pass it by), and the segment before it is the newest again.
        var abandonedRoll: TailCut?
        if let (_, name) = segmentNames.last {
            let path = directory + "/" + name
            let file = try SystemFile.open(path, .readOnly)
            defer { file.close() }
            let bytes = try file.readAll()
            if bytes.count <= SegmentHeader.size, bytes.withUnsafeBytes({ SegmentHeader.parse($0) }) == nil {
                if !readOnly {
                    unlink(path)
                    try SystemFile.syncDirectory(directory)
                }
                segmentNames.removeLast()
                abandonedRoll = TailCut(
                    file: path, offset: 0, bytes: UInt64(bytes.count), reason: "incomplete segment header")
            }
        }

        var index = LogIndex()
        var report = RecoveryReport(
            segments: segmentNames.count, frames: 0, records: 0, cuts: abandonedRoll.map { [$0] } ?? [],
            isReadOnly: readOnly)
        let scanner = SegmentScanner(decoder: FrameDecoder(dictionaries: dictionaries))
        var writerFile: SystemFile?
        var writerOffset = UInt64(SegmentHeader.size)
        var writerChain: UInt32 = 0
        var nextPosition: UInt64 = 1

        for (i, (firstPosition, name)) in segmentNames.enumerated() {
            let path = directory + "/" + name
            let isNewest = i == segmentNames.count - 1
            let file = try SystemFile.open(path, isNewest && !readOnly ? .readWrite : .readOnly)
            // Closed on every way out but one: the newest segment's file becomes the writer's (read-write only).
            var becomesWriter = false
            defer { if !becomesWriter { file.close() } }
            let bytes = try file.readAll()
            guard firstPosition == nextPosition else {
                throw .corruption(
                    file: path, offset: 0,
                    reason: "segment starts at position \(firstPosition) but the previous one ends before \(nextPosition)")
            }
            guard let header = bytes.withUnsafeBytes({ SegmentHeader.parse($0) }), header.firstPosition == firstPosition
            else {
                throw .corruption(file: path, offset: 0, reason: "bad segment header")
            }
            let frameCount = index.frames.count
            let outcome = try scanner.scan(bytes, path: path, header: header) { frame throws(EventLogError) in
                index.frames.append(
                    FrameLocation(
                        firstPosition: frame.header.firstPosition, recordCount: frame.header.recordCount,
                        segmentIndex: index.segments.count, offset: frame.offset,
                        length: FrameHeader.size + Int(frame.header.storedLength)))
                index.add(frame.records)
            }
            if let stop = outcome.stop {
                guard isNewest else {
                    throw .corruption(file: path, offset: stop.offset, reason: stop.reason)
                }
                // Only a torn last write may be cut: its records were never acknowledged. A frame of a newer format,
                // or damage followed by a later write, holds acknowledged records (decision 0173).
                if let refusal = refusalToCut(bytes, at: stop, nextPosition: outcome.nextPosition) {
                    throw .corruption(file: path, offset: stop.offset, reason: refusal)
                }
                let dropped = UInt64(bytes.count) - outcome.validEnd
                report.cuts.append(TailCut(file: path, offset: outcome.validEnd, bytes: dropped, reason: stop.reason))
                if !readOnly {
                    try file.truncate(to: outcome.validEnd)
                    try file.sync()
                }
                configuration.logger.warning(
                    readOnly ? "torn log tail left in place (the log is open read-only)" : "truncated torn log tail",
                    metadata: [
                        "log.file": "\(path)", "log.offset": "\(outcome.validEnd)", "log.dropped_bytes": "\(dropped)",
                        "log.reason": "\(stop.reason)",
                    ])
            }
            report.frames += index.frames.count - frameCount
            nextPosition = outcome.nextPosition
            index.segments.append(
                SegmentInfo(firstPosition: firstPosition, path: path, readFile: try ReadDescriptor(path: path)))
            if isNewest, !readOnly {
                becomesWriter = true
                writerFile = file
                writerOffset = outcome.validEnd
                writerChain = outcome.chain
            }
        }

        report.records = index.durableEnd
        if !report.cuts.isEmpty {
            configuration.logger.info(
                "log recovered", metadata: ["log.records": "\(report.records)", "log.frames": "\(report.frames)"])
        }
        if readOnly { return Opened(index: index, writer: nil, report: report) }

        if writerFile == nil {
            // An empty directory (or one whose only segment had no header yet): start the first segment.
            let header = SegmentHeader(firstPosition: nextPosition, createdAtMicros: configuration.clock())
            let created = try header.createSegment(in: directory)
            index.segments.append(created.info)
            writerFile = created.file
            writerChain = header.checksum
            report.segments += 1
        }

        let sampleBudget: Int? =
            switch configuration.dictionaryTraining {
            case .disabled: nil
            case .afterSampleBytes(let budget): dictionaries.active == nil ? budget : nil
            }
        let writer = SegmentWriter(
            file: writerFile!, segmentIndex: index.segments.count - 1, offset: writerOffset, chain: writerChain,
            level: configuration.compressionLevel, sampleBudget: sampleBudget)
        return Opened(index: index, writer: writer, report: report)
    }

    /// Why the newest segment must not be cut where its scan stopped, or nil for a torn last write.
    private static func refusalToCut(
        _ bytes: [UInt8], at stop: (offset: UInt64, reason: String, newerFormat: Bool), nextPosition: UInt64
    ) -> String? {
        let advice = "keep a copy of the file; then restore the log from a backup, or cut the file at byte "
            + "\(stop.offset) (truncate -s \(stop.offset)) to give up positions \(nextPosition) and later"
        if stop.newerFormat {
            return "\(stop.reason): written by a newer sessiond (or its version field is damaged), and cutting it "
                + "would lose its records; run that version if there is one, or " + advice
        }
        guard let later = SegmentScanner.laterWrite(in: bytes, after: stop.offset, position: nextPosition) else {
            return nil
        }
        return "\(stop.reason), and a later write starts at byte \(later.offset) (position \(later.firstPosition)), "
            + "so the damaged frame was acknowledged and is not a torn tail: " + advice
    }

    /// A compaction or durable write that died before its rename left a temporary file beside the
    /// real one, which is still whole: the temporary file goes.
    private static func removeLeftovers(_ names: [String], in directory: String) throws(EventLogError) {
        let leftovers = names.filter {
            $0.hasSuffix(SegmentName.compactionSuffix) || $0.hasSuffix(SegmentName.temporarySuffix)
        }
        guard !leftovers.isEmpty else { return }
        for name in leftovers { unlink(directory + "/" + name) }
        try SystemFile.syncDirectory(directory)
    }
}
