/// Decoding bytes that may be damaged or hostile, with every failure a thrown ``EventLogError`` — never a trap,
/// an allocation sized by an unchecked length field, or a loop that does not end.
///
/// These are the entry points the frame fuzz target (tools/fuzz/frames) drives and the regression tests keep
/// what it found with; they run the same code recovery and reads run, on bytes held in memory.
package enum UntrustedBytes {
    /// The file name errors carry: the bytes come from no file.
    package static let sourceName = "<input>"

    /// Decodes a frame's raw (uncompressed) payload: records back to back, each behind its length prefix.
    package static func decodeRecords(_ payload: UnsafeRawBufferPointer) throws(EventLogError) -> [LogRecord] {
        do {
            return try RecordCodec.decodeAll(payload)
        } catch {
            throw .corruption(file: sourceName, offset: 0, reason: "records end before their lengths say")
        }
    }

    /// Decodes one frame — its 40-byte header, then the stored payload — as if its checksum had verified, so a
    /// hostile header and payload reach the decompressor and the record decoder.
    package static func decodeFrame(_ bytes: UnsafeRawBufferPointer) throws(EventLogError) -> [LogRecord] {
        let header: FrameHeader
        do {
            header = try FrameHeader.parse(bytes)
        } catch {
            throw .corruption(file: sourceName, offset: 0, reason: "frame header does not parse: \(error)")
        }
        let payloadEnd = FrameHeader.size + Int(header.storedLength)
        guard payloadEnd <= bytes.count else {
            throw .corruption(file: sourceName, offset: 0, reason: "payload of \(header.storedLength) bytes is cut short")
        }
        let decoder = FrameDecoder(dictionaries: DictionaryStore(directory: sourceName, level: 3))
        do {
            return try decoder.records(
                header: header, payload: UnsafeRawBufferPointer(rebasing: bytes[FrameHeader.size..<payloadEnd]))
        } catch {
            switch error {
            case .missingDictionary(let id): throw .missingDictionary(id: id, file: sourceName)
            case .undecodable(let reason): throw .corruption(file: sourceName, offset: 0, reason: reason)
            }
        }
    }

    /// Scans a whole segment file's bytes as recovery does (header, then every frame's checksum, chain,
    /// positions and records).
    /// - Returns: The records of the frames that verify, and why scanning stopped early (a torn tail in the
    ///   newest segment, corruption in a sealed one), if it did.
    /// - Throws: ``EventLogError/corruption(file:offset:reason:)`` for a bad segment header or a frame that
    ///   verifies but does not decode; ``EventLogError/missingDictionary(id:file:)`` for a frame naming a
    ///   dictionary (none is loaded here).
    package static func scanSegment(_ bytes: [UInt8]) throws(EventLogError) -> (records: [LogRecord], stop: String?) {
        guard let header = bytes.withUnsafeBytes({ SegmentHeader.parse($0) }) else {
            throw .corruption(file: sourceName, offset: 0, reason: "bad segment header")
        }
        let scanner = SegmentScanner(decoder: FrameDecoder(dictionaries: DictionaryStore(directory: sourceName, level: 3)))
        var records: [LogRecord] = []
        let outcome = try scanner.scan(bytes, path: sourceName, header: header) { frame throws(EventLogError) in
            records.append(contentsOf: frame.records)
        }
        return (records, outcome.stop.map { "at byte \($0.offset): \($0.reason)" })
    }
}
