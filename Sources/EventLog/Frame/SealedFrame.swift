/// One frame as stored: its 40-byte header and payload, exactly the bytes of a segment frame
/// (docs/log-format.md), with the header's fields a store indexes.
///
/// Built by ``FrameEncoder``, or from stored bytes by ``init(verifying:source:)``, which checks the checksum
/// before anything else trusts the header.
public struct SealedFrame: Sendable, Equatable {
    let header: FrameHeader
    /// Header plus payload.
    public let bytes: [UInt8]

    init(header: FrameHeader, bytes: [UInt8]) {
        self.header = header
        self.bytes = bytes
    }

    /// Parses stored bytes and verifies the checksum over header and payload.
    /// - Parameter source: where the bytes come from, for error messages (e.g. `postgres frame 1041`).
    /// - Throws: ``EventLogError/corruption(file:offset:reason:)`` when the bytes are not one whole frame or do not
    ///   verify.
    public init(verifying bytes: [UInt8], source: String) throws(EventLogError) {
        let parsed = bytes.withUnsafeBytes { raw -> Result<FrameHeader, EventLogError> in
            guard let header = try? FrameHeader.parse(raw) else {
                return .failure(.corruption(file: source, offset: 0, reason: "frame header does not parse"))
            }
            guard raw.count == FrameHeader.size + Int(header.storedLength) else {
                return .failure(
                    .corruption(
                        file: source, offset: 0,
                        reason: "frame is \(raw.count) bytes, its header says \(FrameHeader.size + Int(header.storedLength))"))
            }
            guard header.verifies(payload: UnsafeRawBufferPointer(rebasing: raw[FrameHeader.size...])) else {
                return .failure(.corruption(file: source, offset: 0, reason: "frame checksum does not verify"))
            }
            return .success(header)
        }
        self.init(header: try parsed.get(), bytes: bytes)
    }

    /// The position of the frame's first record.
    public var firstPosition: LogPosition { LogPosition(header.firstPosition) }
    /// The position of its last record.
    public var lastPosition: LogPosition { LogPosition(header.firstPosition + UInt64(header.recordCount) - 1) }
    /// How many records it holds.
    public var recordCount: Int { Int(header.recordCount) }
    /// The dictionary its payload is compressed with (0: none).
    public var dictionaryID: UInt32 { header.dictionaryID }
    /// Its checksum: the value the next frame chains to.
    public var checksum: UInt32 { header.checksum }
    /// The checksum of the frame before it (the chain).
    public var previousChecksum: UInt32 { header.previousChecksum }

    /// Decompresses and decodes the records, checking they are the ones the header announces.
    /// - Throws: ``EventLogError/missingDictionary(id:file:)`` when its dictionary is not installed in
    ///   `dictionaries`, ``EventLogError/corruption(file:offset:reason:)`` when the payload does not decode.
    public func records(dictionaries: LogDictionaries, source: String) throws(EventLogError) -> [LogRecord] {
        let decoder = FrameDecoder(dictionaries: dictionaries.store)
        let decoded = bytes.withUnsafeBytes { raw in
            Result { () throws(FrameDecoder.Failure) in
                try decoder.records(header: header, payload: UnsafeRawBufferPointer(rebasing: raw[FrameHeader.size...]))
            }
        }
        switch decoded {
        case .success(let records): return records
        case .failure(.missingDictionary(let id)): throw .missingDictionary(id: id, file: source)
        case .failure(.undecodable(let reason)): throw .corruption(file: source, offset: 0, reason: reason)
        }
    }
}
