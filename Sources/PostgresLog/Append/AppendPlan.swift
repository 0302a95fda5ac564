import EventLog

/// The decisions of one append transaction, made while it holds the log head: which appends of the batch are
/// written (with positions, stream versions and times), which are retries answered with their original positions,
/// and which fail — the same outcomes, for the same inputs, as the file store's.
///
/// Pure: it sees the head, the current versions of the batch's streams and the batch's event ids already in the
/// log, as read under the head's lock; the appends are decided in queue order, each seeing what the ones before it
/// claimed.
struct AppendPlan {
    /// One append waiting in the node's queue.
    struct Request: Sendable {
        var records: [ProposedRecord]
        var stream: String
        var expectedVersion: ExpectedVersion
    }

    /// An event id the log already holds.
    struct KnownEvent: Sendable, Equatable {
        var position: UInt64
        var stream: String
        var streamVersion: UInt64
    }

    /// The log head as the transaction read it.
    struct Head: Sendable, Equatable {
        var end: UInt64
        var lastChecksum: UInt32
        var lastRecordedAt: Int64
    }

    /// The records to write, dense from `head.end + 1`.
    private(set) var records: [LogRecord] = []
    /// Per request, in order: its answer once the transaction commits.
    private(set) var outcomes: [Result<AppendResult, EventLogError>] = []
    /// The head after the records.
    private(set) var head: Head

    init(
        _ requests: [Request], head: Head, versions: [String: UInt64], known: [EventID: KnownEvent], now: Int64
    ) {
        self.head = head
        var versions = versions
        var known = known
        for request in requests {
            let outcome = decide(request, versions: &versions, known: &known, now: now)
            outcomes.append(outcome)
        }
    }

    private mutating func decide(
        _ request: Request, versions: inout [String: UInt64], known: inout [EventID: KnownEvent], now: Int64
    ) -> Result<AppendResult, EventLogError> {
        let found = request.records.compactMap { known[$0.eventID] }
        if !found.isEmpty {
            guard found.count == request.records.count else {
                let id = request.records.first { known[$0.eventID] != nil }!.eventID
                return .failure(.idempotencyConflict(eventID: id, reason: "only some of the append's ids are in the log"))
            }
            if let other = zip(request.records, found).first(where: { $0.1.stream != request.stream }) {
                return .failure(
                    .idempotencyConflict(eventID: other.0.eventID, reason: "the id belongs to stream \(other.1.stream)"))
            }
            return .success(
                AppendResult(
                    positions: found.map { LogPosition($0.position) }, streamVersion: found.last!.streamVersion,
                    deduplicated: true))
        }
        let current = versions[request.stream] ?? 0
        guard request.expectedVersion.admits(current) else {
            return .failure(
                .wrongExpectedVersion(stream: request.stream, expected: request.expectedVersion, actual: current))
        }
        // Strictly increasing along the log, so a time maps to one position.
        let recordedAt = max(now, head.lastRecordedAt + 1)
        var written: [LogRecord] = []
        written.reserveCapacity(request.records.count)
        for (i, proposed) in request.records.enumerated() {
            let record = LogRecord(
                position: LogPosition(head.end + 1 + UInt64(i)), stream: request.stream,
                streamVersion: current + 1 + UInt64(i), recordedAtMicros: recordedAt + Int64(i), type: proposed.type,
                schemaVersion: proposed.schemaVersion, eventID: proposed.eventID, metadata: proposed.metadata,
                body: proposed.body)
            known[proposed.eventID] = KnownEvent(
                position: record.position.rawValue, stream: request.stream, streamVersion: record.streamVersion)
            written.append(record)
        }
        records += written
        let count = UInt64(request.records.count)
        versions[request.stream] = current + count
        head.end += count
        head.lastRecordedAt = recordedAt + Int64(count - 1)
        // The stored records go back with the answer, so the writer need not read back what it appended.
        return .success(
            AppendResult(
                positions: written.map(\.position), streamVersion: current + count, deduplicated: false,
                records: written))
    }

    /// Records the last written frame's checksum as the chain value the next frame starts from.
    mutating func setChecksum(_ checksum: UInt32) { head.lastChecksum = checksum }
}
