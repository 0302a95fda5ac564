/// One entry of a batch append (``LogStore/append(batch:)``): records for one stream, with the version the caller
/// expects it to have.
public struct StreamAppend: Sendable, Equatable {
    public var records: [ProposedRecord]
    public var stream: String
    public var expectedVersion: ExpectedVersion

    public init(_ records: [ProposedRecord], to stream: String, expectedVersion: ExpectedVersion = .any) {
        self.records = records
        self.stream = stream
        self.expectedVersion = expectedVersion
    }
}
