/// The single writer's side of the newest segment: where the next frame goes and what it chains to.
///
/// Used only from the log's serial write queue, inside a lock that is never contended.
final class SegmentWriter {
    struct Written {
        var frames: [FrameLocation] = []
        var newSegment: SegmentInfo?
    }

    private(set) var file: SystemFile
    private(set) var segmentIndex: Int
    private(set) var offset: UInt64
    private var chain: UInt32
    private let compressor: ZstdCompressor
    /// A segment started by a roll whose first batch has not yet committed.
    private var unregisteredSegment: SegmentInfo?

    /// Encoded records kept for dictionary training, until the budget is reached.
    private(set) var samples: [[UInt8]] = []
    /// The streams whose records are among ``samples`` (a dictionary may hold their bytes).
    private var sampleStreams: Set<String> = []
    private var sampleBytes = 0
    private var sampleBudget: Int?

    init(file: SystemFile, segmentIndex: Int, offset: UInt64, chain: UInt32, level: Int32, sampleBudget: Int?) {
        self.file = file
        self.segmentIndex = segmentIndex
        self.offset = offset
        self.chain = chain
        self.compressor = ZstdCompressor(level: level)
        self.sampleBudget = sampleBudget
    }

    /// Encodes `records` into frames, writes them with one `pwrite` and (per `durability`)
    /// one `fdatasync`. On failure the segment is cut back to where it was.
    func write(
        _ records: [LogRecord], configuration: EventLog.Configuration, dictionaries: DictionaryStore, directory: String
    ) throws(EventLogError) -> Written {
        if offset >= configuration.segmentSize, let first = records.first {
            try roll(firstPosition: first.position.rawValue, directory: directory, configuration: configuration)
        }
        var output: [UInt8] = []
        var frames: [FrameLocation] = []
        let sample: (([UInt8], String) -> Void)? = sampleBudget == nil ? nil : { self.keepSample($0, stream: $1) }
        let encoded = try EncodedFrame.encoding(
            records, maximumFrameBytes: configuration.maximumFrameBytes, compressor: compressor,
            dictionary: dictionaries.active, previousChecksum: chain,
            firstFrameFlags: configuration.durability == .fsync ? FrameHeader.startsWriteFlag : 0, sample: sample)
        for frame in encoded {
            frames.append(
                FrameLocation(
                    firstPosition: frame.header.firstPosition, recordCount: frame.header.recordCount,
                    segmentIndex: segmentIndex, offset: offset + UInt64(output.count), length: frame.length))
            frame.write(into: &output)
        }
        let nextChain = encoded.last?.header.checksum ?? chain
        do {
            try Self.fail(.write, of: file, as: configuration)
            try file.write(output, at: offset)
            if configuration.durability == .fsync {
                try Self.fail(.syncData, of: file, as: configuration)
                try file.syncData()
            }
        } catch {
            try cutBack()
            throw error
        }
        offset += UInt64(output.count)
        chain = nextChain
        defer { unregisteredSegment = nil }
        return Written(frames: frames, newSegment: unregisteredSegment)
    }

    /// Keeps one encoded record as a dictionary training sample.
    private func keepSample(_ record: [UInt8], stream: String) {
        samples.append(record)
        sampleStreams.insert(stream)
        sampleBytes += record.count
    }

    /// Throws the error a test injected for `operation`, if any.
    private static func fail(
        _ operation: EventLog.SegmentOperation, of file: SystemFile, as configuration: EventLog.Configuration
    ) throws(EventLogError) {
        guard let code = configuration.injectedFault?(operation) else { return }
        let call = switch operation {
        case .write: "pwrite"
        case .syncData: "fdatasync"
        case .seal: "fsync"
        }
        throw .io(operation: call, path: file.path, errno: code)
    }

    /// Starts keeping training samples again (a dictionary was retired without a replacement).
    func resumeSampling(budget: Int) {
        sampleBudget = budget
    }

    /// Takes the training samples (and the streams they came from) once the budget is reached;
    /// afterwards no more are kept.
    func takeSamplesIfReady() -> DictionarySamples? {
        guard let budget = sampleBudget, sampleBytes >= budget else { return nil }
        defer {
            forgetSamples()
            sampleBudget = nil
        }
        return DictionarySamples(samples: samples, streams: sampleStreams)
    }

    /// Drops the samples kept so far if any came from one of `streams` (a compaction erased them: a dictionary
    /// trained on them would keep their bytes); sampling goes on from nothing.
    func dropSamples(ifAnyOf streams: Set<String>) {
        guard !sampleStreams.isDisjoint(with: streams) else { return }
        forgetSamples()
    }

    private func forgetSamples() {
        samples = []
        sampleStreams = []
        sampleBytes = 0
    }

    /// Removes whatever a failed write or sync left past the last good frame, so the next frame starts clean.
    /// After a failed `fdatasync` the kernel may have dropped those pages' error state, so syncing them again
    /// proves nothing: they are cut off and the next batch writes fresh bytes (decision 0013). If even the cut
    /// fails, the log must stop: the file's tail is unknown.
    private func cutBack() throws(EventLogError) {
        do {
            try file.truncate(to: offset)
            try file.syncData()
        } catch {
            throw .failed(reason: "could not cut \(file.path) back to \(offset) after a failed write: \(error)")
        }
    }

    /// Seals the current segment, if it holds any frame, and starts the next one at `firstPosition`
    /// (the position the next append gets). Returns the new segment, for the index.
    func seal(firstPosition: UInt64, directory: String, configuration: EventLog.Configuration)
        throws(EventLogError) -> SegmentInfo?
    {
        guard offset > UInt64(SegmentHeader.size) else { return nil }
        try roll(firstPosition: firstPosition, directory: directory, configuration: configuration)
        defer { unregisteredSegment = nil }
        return unregisteredSegment
    }

    /// Seals the current segment and starts the next one at `firstPosition`. The sealed file is synced before the
    /// next one exists: a next segment beside an old one that did not sync would be retried as an existing file
    /// on every append, and recovery would refuse the pair if the old one ever held more than its first position.
    private func roll(firstPosition: UInt64, directory: String, configuration: EventLog.Configuration)
        throws(EventLogError)
    {
        try Self.fail(.seal, of: file, as: configuration)
        try file.sync()
        let header = SegmentHeader(firstPosition: firstPosition, createdAtMicros: configuration.clock())
        let created = try header.createSegment(in: directory)
        file.close()
        file = created.file
        segmentIndex += 1
        offset = UInt64(SegmentHeader.size)
        chain = header.checksum
        unregisteredSegment = created.info
    }

    func close() { file.close() }
}
