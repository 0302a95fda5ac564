#if canImport(Glibc)
import Glibc
#endif

extension EventLog {
    /// Rewrites history in place: every record for which `rewrite` returns a replacement is replaced
    /// in its segment file, everything else is kept byte for byte (only re-chained).
    ///
    /// The log decides nothing about content: the caller's `rewrite` says what to replace (sessiond
    /// erases deleted sessions' bodies). A replacement keeps position, stream, version, time and event
    /// id, so positions stay stable and idempotent retries still find their ids.
    ///
    /// The newest segment is sealed first, so everything durable when compaction starts is covered.
    /// Each segment is written to `<name>.seg.compact`, synced, renamed over the old file and the
    /// directory synced: a crash at any step leaves the old segment or the new one, both whole
    /// (recovery removes a leftover `.compact` file). Reads in flight finish on the old file.
    ///
    /// A dictionary trained on samples from a rewritten stream, or one of `purging`, may hold its bytes, so it
    /// is retired: a replacement is trained from the remaining records, every frame that used the old one is
    /// compressed again, and the old file is removed. Segments are rewritten before dictionaries are retired, so
    /// a compaction that dies between the two leaves the streams rewritten and the dictionary in place: the
    /// caller names them in `purging` until it knows a compaction of theirs finished.
    public func compact(purging: Set<String>, rewriting rewrite: @escaping @Sendable (LogRecord) -> LogRecord?)
        async throws -> CompactionReport
    {
        if let refusal = readOnlyRefusal(of: "compaction") { throw refusal }
        try state.withLock { state throws(EventLogError) in
            if state.closed { throw .closed }
            if state.compacting { throw .invalidCompaction(reason: "another compaction is running") }
            state.compacting = true
        }
        defer { state.withLock { $0.compacting = false } }
        // A training in flight installs its dictionary first, so it is judged with the others below.
        await maintenanceFinished()

        var replacement: ZstdDictionary?
        try await sealActiveSegment()
        // A dictionary must go when it may hold bytes of a stream the rewrite changes: find those first.
        var retire = Set<UInt32>()
        if !dictionaries.ids.isEmpty {
            let dryRun = try await onIOQueue { () throws(EventLogError) in
                try self.compactSealedSegments(rewrite, retiring: [], replacement: nil, dryRun: true)
            }
            let purged = dryRun.streamsRewritten.union(purging)
            if !purged.isEmpty {
                retire = Set(dictionaries.ids.filter { dictionaries.mayHoldBytes(of: purged, id: $0) })
            }
            if !retire.isEmpty {
                replacement = try await trainReplacement(excluding: purged, rewrite: rewrite)
                if replacement == nil { dictionaries.deactivate() }
                // Frames appended since the first seal may use a retiring dictionary: seal them too.
                try await sealActiveSegment()
            }
        }
        let (retiring, newDictionary) = (retire, replacement)
        var report = try await onIOQueue { () throws(EventLogError) in
            try self.compactSealedSegments(rewrite, retiring: retiring, replacement: newDictionary, dryRun: false)
        }
        for id in retire.sorted() {
            try dictionaries.retire(id: id)
            report.dictionariesRetired.append(id)
        }
        report.dictionaryInstalled = replacement?.id
        let rewritten = report.streamsRewritten.union(purging)
        writer.withLock { if let open = $0 { open.dropSamples(ifAnyOf: rewritten) } }
        if !retire.isEmpty, replacement == nil, case .afterSampleBytes(let budget) = configuration.dictionaryTraining {
            writer.withLock { if let open = $0 { open.resumeSampling(budget: budget) } }
        }
        if report.recordsRewritten > 0 || !retire.isEmpty {
            logger.info("log compacted", metadata: report.logMetadata)
        }
        return report
    }

    /// Seals the newest segment if it holds a frame, so that everything durable so far is in sealed
    /// segments. Runs on the writer's queue, between batches.
    func sealActiveSegment() async throws {
        try await withCheckedThrowingContinuation { (done: CheckedContinuation<Void, any Error>) in
            writeQueue.async {
                done.resume(
                    with: Result { () throws(EventLogError) in
                        // On the writer's queue and outside `drain`: nothing is in flight, so the
                        // next position to be written is the durable end + 1.
                        let next = self.state.withLock { $0.index.durableEnd + 1 }
                        let sealed = try self.writer.withLock { writer throws(EventLogError) -> SegmentInfo? in
                            try writer?.seal(firstPosition: next, directory: self.directory, configuration: self.configuration)
                        }
                        if let sealed { self.state.withLock { $0.index.segments.append(sealed) } }
                    })
            }
        }
    }

    /// One pass over the sealed segments (all but the newest); with `dryRun` nothing is written.
    func compactSealedSegments(
        _ rewrite: @escaping @Sendable (LogRecord) -> LogRecord?, retiring: Set<UInt32>, replacement: ZstdDictionary?,
        dryRun: Bool
    ) throws(EventLogError) -> CompactionReport {
        let sealed = state.withLock { Array($0.index.segments.dropLast()) }
        let compactor = SegmentCompactor(
            decoder: FrameDecoder(dictionaries: dictionaries),
            rewriter: FrameRewriter(
                compressor: ZstdCompressor(level: configuration.compressionLevel), dictionaries: dictionaries,
                rewrite: rewrite, retiring: retiring, replacement: replacement))
        var report = CompactionReport()
        for (i, segment) in sealed.enumerated() {
            let file = try SystemFile.open(segment.path, .readOnly)
            let bytes: [UInt8]
            do {
                defer { file.close() }
                bytes = try file.readAll()
            }
            report.segmentsScanned += 1
            let scanned = try compactor.scan(bytes, path: segment.path)
            guard scanned.changed else { continue }
            report.recordsRewritten += scanned.recordsRewritten
            report.streamsRewritten.formUnion(scanned.streamsRewritten)
            report.segmentsRewritten += 1
            // The dry run only needs to know which streams change: nothing is compressed again.
            guard !dryRun else { continue }
            let rewritten = try compactor.encode(scanned, segmentIndex: i)
            report.bytesBefore += UInt64(bytes.count)
            report.bytesAfter += UInt64(rewritten.bytes.count)
            try replaceSegment(i, of: segment, with: rewritten)
        }
        return report
    }

    /// Writes the new segment beside the old one, makes it durable, renames it over the old one,
    /// and points the index at it.
    private func replaceSegment(_ i: Int, of segment: SegmentInfo, with rewritten: (bytes: [UInt8], frames: [FrameLocation]))
        throws(EventLogError)
    {
        let temporary = segment.path + SegmentName.compactionSuffix
        unlink(temporary)
        let file = try SystemFile.open(temporary, .createNew)
        do {
            defer { file.close() }
            try file.write(rewritten.bytes, at: 0)
            try file.sync()
        } catch {
            unlink(temporary)
            throw error
        }
        guard rename(temporary, segment.path) == 0 else {
            let code = errno
            unlink(temporary)
            throw .io(operation: "rename", path: temporary, errno: code)
        }
        try SystemFile.syncDirectory(directory)
        let reader = try ReadDescriptor(path: segment.path)
        state.withLock { state in
            state.index.segments[i] = SegmentInfo(firstPosition: segment.firstPosition, path: segment.path, readFile: reader)
            let start = state.index.frames.firstIndex { $0.segmentIndex == i }!
            state.index.frames.replaceSubrange(start..<start + rewritten.frames.count, with: rewritten.frames)
            // Kept records may hold the bytes just rewritten away.
            state.recent.removeAll()
        }
    }

    /// Trains a dictionary from records that stay (not in `excluding`, not rewritten) and installs it.
    /// `nil` when too few such records exist or training fails.
    private func trainReplacement(
        excluding streams: Set<String>, rewrite: @escaping @Sendable (LogRecord) -> LogRecord?
    ) async throws -> ZstdDictionary? {
        let budget =
            switch configuration.dictionaryTraining {
            case .afterSampleBytes(let budget): budget
            case .disabled: 4 << 20
            }
        var samples: [[UInt8]] = []
        var sampled = Set<String>()
        var bytes = 0
        var position = LogPosition(1)
        while bytes < budget {
            let records = try await read(from: position, limit: 4096)
            guard let last = records.last else { break }
            for record in records where !streams.contains(record.stream) && rewrite(record) == nil {
                var writer = ByteWriter(capacity: RecordCodec.encodedLength(record))
                RecordCodec.encode(record, into: &writer)
                samples.append(writer.bytes)
                sampled.insert(record.stream)
                bytes += writer.bytes.count
            }
            position = last.position.next
        }
        let id = dictionaries.nextID
        do {
            let trained = try ZstdDictionary.train(samples: samples, capacity: configuration.dictionaryCapacity)
            try dictionaries.install(trained, id: id, sampledStreams: sampled)
            return dictionaries.dictionary(id: id)
        } catch {
            logger.warning(
                "no replacement dictionary; frames go without one until enough records arrive",
                metadata: ["log.error": "\(error)", "log.samples": "\(samples.count)"])
            return nil
        }
    }
}
