/// Walks the frames of one segment, verifying each: magic, checksum, chain, positions.
///
/// It stops at the first frame that does not verify and says where and why; the caller
/// decides whether that is a torn tail (newest segment: truncate) or corruption (sealed
/// segment: refuse to open). A frame that verifies but cannot be decoded is always an error.
struct SegmentScanner {
    struct ScannedFrame {
        let offset: UInt64
        let header: FrameHeader
        let records: [LogRecord]
    }

    struct Outcome {
        /// The end of the last good frame: where the segment should end.
        var validEnd: UInt64
        /// Why scanning stopped before the end of the bytes, if it did; `newerFormat` when the frame there is whole
        /// but of a format version this build does not read (never a torn write's remnant: it must not be cut).
        var stop: (offset: UInt64, reason: String, newerFormat: Bool)?
        /// The checksum of the last good frame (or of the header): the next frame chains to it.
        var chain: UInt32
        /// The position after the last good record.
        var nextPosition: UInt64
    }

    let decoder: FrameDecoder

    /// Scans `bytes` (a whole segment file whose header already verified).
    func scan(
        _ bytes: [UInt8], path: String, header: SegmentHeader, onFrame: (ScannedFrame) throws(EventLogError) -> Void
    ) throws(EventLogError) -> Outcome {
        var outcome = Outcome(
            validEnd: UInt64(SegmentHeader.size), stop: nil, chain: header.checksum, nextPosition: header.firstPosition)
        var offset = SegmentHeader.size
        while offset < bytes.count {
            let step = bytes.withUnsafeBytes { raw -> Result<(FrameHeader, Range<Int>), ScanStop> in
                Self.verifyFrame(in: raw, at: offset, chain: outcome.chain, position: outcome.nextPosition)
            }
            let frameHeader: FrameHeader
            let payloadRange: Range<Int>
            switch step {
            case .failure(let stop):
                outcome.stop = (UInt64(offset), stop.reason, stop.newerFormat)
                return outcome
            case .success(let verified):
                (frameHeader, payloadRange) = verified
            }
            let decoded = bytes.withUnsafeBytes { raw in
                Result { () throws(FrameDecoder.Failure) in
                    try decoder.records(header: frameHeader, payload: UnsafeRawBufferPointer(rebasing: raw[payloadRange]))
                }
            }
            let records: [LogRecord]
            switch decoded {
            case .success(let decodedRecords): records = decodedRecords
            case .failure(.missingDictionary(let id)):
                throw .missingDictionary(id: id, file: decoder.dictionaries.path(id: id))
            case .failure(.undecodable(let reason)):
                throw .corruption(file: path, offset: UInt64(offset), reason: "frame verifies but " + reason)
            }
            try onFrame(ScannedFrame(offset: UInt64(offset), header: frameHeader, records: records))
            outcome.chain = frameHeader.checksum
            outcome.nextPosition += UInt64(frameHeader.recordCount)
            offset = payloadRange.upperBound
            outcome.validEnd = UInt64(offset)
        }
        return outcome
    }

    struct ScanStop: Error {
        let reason: String
        var newerFormat = false
    }

    /// The first frame after `offset` that starts a write and verifies on its own (magic, whole payload, checksum;
    /// its chain cannot be checked past a damaged frame), holding positions past `position`: proof that a write
    /// began after the one holding the damaged frame at `offset` was durable. Positions past `position` rule out
    /// an older segment's frame left in blocks the file reuses.
    static func laterWrite(in bytes: [UInt8], after offset: UInt64, position: UInt64)
        -> (offset: UInt64, firstPosition: UInt64)?
    {
        bytes.withUnsafeBytes { raw -> (offset: UInt64, firstPosition: UInt64)? in
            var candidate = Int(offset) + 1
            while candidate + FrameHeader.size <= raw.count {
                guard raw[candidate] == FrameHeader.magic[0] else {
                    candidate += 1
                    continue
                }
                if let header = try? FrameHeader.parse(UnsafeRawBufferPointer(rebasing: raw[candidate...])),
                    header.startsWrite, header.firstPosition > position
                {
                    let payloadStart = candidate + FrameHeader.size
                    let payloadEnd = payloadStart + Int(header.storedLength)
                    if payloadEnd <= raw.count,
                        header.verifies(payload: UnsafeRawBufferPointer(rebasing: raw[payloadStart..<payloadEnd]))
                    {
                        return (UInt64(candidate), header.firstPosition)
                    }
                }
                candidate += 1
            }
            return nil
        }
    }

    /// Checks one frame's header, length, checksum, chain and first position.
    static func verifyFrame(
        in raw: UnsafeRawBufferPointer, at offset: Int, chain: UInt32, position: UInt64
    ) -> Result<(FrameHeader, Range<Int>), ScanStop> {
        let header: FrameHeader
        do throws(FrameHeader.ParseFailure) {
            header = try FrameHeader.parse(UnsafeRawBufferPointer(rebasing: raw[offset...]))
        } catch {
            switch error {
            case .short: return .failure(ScanStop(reason: "incomplete frame header (\(raw.count - offset) bytes)"))
            case .badMagic: return .failure(ScanStop(reason: "no frame magic"))
            case .unsupportedVersion(let version) where version > FrameHeader.formatVersion:
                return .failure(
                    ScanStop(
                        reason: "frame format version \(version), newer than this sessiond reads (\(FrameHeader.formatVersion))",
                        newerFormat: true))
            case .unsupportedVersion(let version):
                return .failure(ScanStop(reason: "unsupported frame format version \(version)"))
            }
        }
        let payloadStart = offset + FrameHeader.size
        let payloadEnd = payloadStart + Int(header.storedLength)
        guard payloadEnd <= raw.count else {
            return .failure(
                ScanStop(reason: "incomplete frame: payload of \(header.storedLength) bytes, \(raw.count - payloadStart) present"))
        }
        guard header.verifies(payload: UnsafeRawBufferPointer(rebasing: raw[payloadStart..<payloadEnd])) else {
            return .failure(ScanStop(reason: "frame checksum mismatch"))
        }
        guard header.previousChecksum == chain else {
            return .failure(
                ScanStop(reason: "frame chain broken: previous checksum \(header.previousChecksum), expected \(chain)"))
        }
        guard header.firstPosition == position, header.recordCount > 0 else {
            return .failure(ScanStop(reason: "frame starts at position \(header.firstPosition), expected \(position)"))
        }
        return .success((header, payloadStart..<payloadEnd))
    }
}
