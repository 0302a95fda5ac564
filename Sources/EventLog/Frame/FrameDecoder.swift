/// Turns a verified frame's stored payload back into records.
struct FrameDecoder {
    let dictionaries: DictionaryStore
    let decompressor = ZstdDecompressor()

    enum Failure: Error {
        case missingDictionary(UInt32)
        case undecodable(String)
    }

    /// Decompresses and decodes; checks that the records are the ones the header announces.
    func records(header: FrameHeader, payload: UnsafeRawBufferPointer) throws(Failure) -> [LogRecord] {
        let decoded: [LogRecord]
        do {
            if header.isCompressed {
                var dictionary: ZstdDictionary?
                if header.dictionaryID != 0 {
                    guard let found = dictionaries.dictionary(id: header.dictionaryID) else {
                        throw Failure.missingDictionary(header.dictionaryID)
                    }
                    dictionary = found
                }
                let raw = try decompressor.decompress(payload, rawLength: Int(header.rawLength), dictionary: dictionary)
                    .get()
                decoded = try raw.withUnsafeBytes { try RecordCodec.decodeAll($0) }
            } else {
                decoded = try RecordCodec.decodeAll(payload)
            }
        } catch let failure as Failure {
            throw failure
        } catch {
            throw .undecodable("\(error)")
        }
        guard decoded.count == Int(header.recordCount) else {
            throw .undecodable("frame holds \(decoded.count) records, header says \(header.recordCount)")
        }
        for (i, record) in decoded.enumerated() where record.position.rawValue != header.firstPosition + UInt64(i) {
            throw .undecodable("record \(i) has position \(record.position), expected \(header.firstPosition + UInt64(i))")
        }
        return decoded
    }
}
