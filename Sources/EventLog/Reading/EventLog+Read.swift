import Dispatch
import Foundation
import Synchronization

extension EventLog {
    public func read(from position: LogPosition, limit: Int) async throws -> [LogRecord] {
        try await againIfADictionaryWasRetired { try await self.readOnce(from: position, limit: limit) }
    }

    public func readStream(_ stream: String, fromVersion version: UInt64) async throws -> [LogRecord] {
        try await againIfADictionaryWasRetired { try await self.readStreamOnce(stream, fromVersion: version) }
    }

    /// A read planned (frames and segment files) before a compaction swapped its segments may decode them after
    /// the compaction retired a dictionary they use; planned again, it reads the frames compressed anew.
    private func againIfADictionaryWasRetired(_ read: () async throws -> [LogRecord]) async throws -> [LogRecord] {
        do {
            return try await read()
        } catch EventLogError.missingDictionary {
            return try await read()
        }
    }

    private func readOnce(from position: LogPosition, limit: Int) async throws -> [LogRecord] {
        guard limit > 0 else { return [] }
        enum Plan {
            case recent([LogRecord])
            case frames([(FrameLocation, SegmentInfo)])
        }
        let found = try state.withLock { state throws(EventLogError) -> Plan in
            if state.released { throw .closed }
            // A reader at the log's end (the replay loop) takes what was just committed from memory.
            if let recent = state.recent.records(from: position, limit: limit) { return .recent(Array(recent)) }
            guard let first = state.index.frameIndex(containing: max(position.rawValue, 1)) else { return .frames([]) }
            var plan: [(FrameLocation, SegmentInfo)] = []
            var covered: UInt64 = 0
            var i = first
            let wanted = UInt64(limit) + max(position.rawValue, 1) - state.index.frames[first].firstPosition
            while i < state.index.frames.count, covered < wanted {
                let frame = state.index.frames[i]
                plan.append((frame, state.index.segments[frame.segmentIndex]))
                covered += UInt64(frame.recordCount)
                i += 1
            }
            return .frames(plan)
        }
        let plan: [(FrameLocation, SegmentInfo)]
        switch found {
        case .recent(let records): return records
        case .frames(let frames): plan = frames
        }
        if plan.isEmpty { return [] }
        return try await onIOQueue { () throws(EventLogError) -> [LogRecord] in
            var records = try self.decodeFrames(plan)
            records.removeFirst(records.prefix { $0.position < position }.count)
            if records.count > limit { records.removeLast(records.count - limit) }
            return records
        }
    }

    /// Reads and decodes frames in order. A long run is split across the cores: catch-up
    /// reads (replay, rebuild) are bound by decompression, and frames decode independently.
    private func decodeFrames(_ plan: [(FrameLocation, SegmentInfo)]) throws(EventLogError) -> [LogRecord] {
        let workers = min(ProcessInfo.processInfo.activeProcessorCount, plan.count / 4, 8)
        guard workers > 1 else {
            let decoder = FrameDecoder(dictionaries: dictionaries)
            var records: [LogRecord] = []
            for (frame, segment) in plan { records += try Self.readFrame(frame, in: segment, decoder: decoder) }
            return records
        }
        let chunk = (plan.count + workers - 1) / workers
        let results = Mutex([Result<[LogRecord], EventLogError>?](repeating: nil, count: workers))
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            let decoder = FrameDecoder(dictionaries: dictionaries)
            let outcome = Result { () throws(EventLogError) -> [LogRecord] in
                var records: [LogRecord] = []
                for (frame, segment) in plan[(worker * chunk)..<min((worker + 1) * chunk, plan.count)] {
                    records += try Self.readFrame(frame, in: segment, decoder: decoder)
                }
                return records
            }
            results.withLock { $0[worker] = outcome }
        }
        var records: [LogRecord] = []
        for outcome in results.withLock({ $0 }) { records += try outcome!.get() }
        return records
    }

    private func readStreamOnce(_ stream: String, fromVersion version: UInt64) async throws -> [LogRecord] {
        let plan = try state.withLock { state throws(EventLogError) -> [(FrameLocation, SegmentInfo, Set<UInt64>)] in
            if state.released { throw .closed }
            guard let positions = state.index.streams[stream]?.positions else { return [] }
            let wanted = positions.dropFirst(Int(min(max(version, 1) - 1, UInt64(positions.count))))
            var plan: [(FrameLocation, SegmentInfo, Set<UInt64>)] = []
            for position in wanted {
                if let last = plan.last, position < last.0.endPosition {
                    plan[plan.count - 1].2.insert(position)
                    continue
                }
                let frame = state.index.frames[state.index.frameIndex(containing: position)!]
                plan.append((frame, state.index.segments[frame.segmentIndex], [position]))
            }
            return plan
        }
        return try await onIOQueue { () throws(EventLogError) -> [LogRecord] in
            let decoder = FrameDecoder(dictionaries: self.dictionaries)
            var records: [LogRecord] = []
            for (frame, segment, positions) in plan {
                records += try Self.readFrame(frame, in: segment, decoder: decoder).filter {
                    positions.contains($0.position.rawValue)
                }
            }
            return records
        }
    }

    public func streamVersion(_ stream: String) async throws -> UInt64 {
        state.withLock { $0.index.streams[stream]?.version ?? 0 }
    }

    public func durableEnd() async throws -> LogPosition {
        LogPosition(state.withLock { $0.index.durableEnd })
    }

    /// The durable end without suspending, for callers outside async code.
    public var currentDurableEnd: LogPosition { LogPosition(state.withLock { $0.index.durableEnd }) }

    public func waitForDurableEnd(after position: LogPosition) async throws -> LogPosition {
        let id = state.withLock { state in
            state.nextWaiterID += 1
            return state.nextWaiterID
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                let immediate = state.withLock { state -> Result<LogPosition, any Error>? in
                    if Task.isCancelled { return .failure(CancellationError()) }
                    if state.closed { return .failure(EventLogError.closed) }
                    if state.index.durableEnd > position.rawValue { return .success(LogPosition(state.index.durableEnd)) }
                    state.waiters[id] = (position.rawValue, continuation)
                    return nil
                }
                if let immediate { continuation.resume(with: immediate) }
            }
        } onCancel: {
            state.withLock { $0.waiters.removeValue(forKey: id) }?.continuation.resume(throwing: CancellationError())
        }
    }

    /// Reads one frame from disk, verifies it, and decodes its records.
    static func readFrame(_ frame: FrameLocation, in segment: SegmentInfo, decoder: FrameDecoder) throws(EventLogError)
        -> [LogRecord]
    {
        let bytes = try segment.readFile.read(count: frame.length, at: frame.offset)
        let decoded = bytes.withUnsafeBytes { raw -> Result<[LogRecord], FrameDecoder.Failure> in
            guard raw.count == frame.length,
                let header = try? FrameHeader.parse(raw),
                header.firstPosition == frame.firstPosition,
                header.verifies(payload: UnsafeRawBufferPointer(rebasing: raw[FrameHeader.size...]))
            else { return .failure(.undecodable("frame does not verify")) }
            return Result { () throws(FrameDecoder.Failure) in
                try decoder.records(header: header, payload: UnsafeRawBufferPointer(rebasing: raw[FrameHeader.size...]))
            }
        }
        switch decoded {
        case .success(let records): return records
        case .failure(.missingDictionary(let id)):
            throw .missingDictionary(id: id, file: decoder.dictionaries.path(id: id))
        case .failure(.undecodable(let reason)):
            throw .corruption(file: segment.path, offset: frame.offset, reason: reason)
        }
    }

    /// Runs blocking file work on the I/O queue, off Swift's cooperative threads.
    func onIOQueue<T: Sendable>(_ work: @escaping @Sendable () throws(EventLogError) -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            ioQueue.async {
                continuation.resume(with: Result { () throws(EventLogError) -> T in try work() })
            }
        }
    }
}
