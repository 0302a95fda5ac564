import Foundation
import Synchronization

/// The dictionaries a log has, by id, and the one new frames use.
///
/// Dictionary files hold a 16-byte header (magic "SDDC", u32 id, u32 length, u32 CRC32C
/// of the dictionary) and the zstd dictionary bytes; see docs/log-format.md.
final class DictionaryStore: Sendable {
    private struct State {
        var dictionaries: [UInt32: ZstdDictionary] = [:]
        var active: ZstdDictionary?
        /// Per dictionary, the streams its samples came from; absent when unknown (a file from an
        /// older build), which compaction treats as "any stream".
        var sampledStreams: [UInt32: Set<String>] = [:]
    }

    private let state = Mutex(State())
    let directory: String
    let level: Int32

    init(directory: String, level: Int32) {
        self.directory = directory
        self.level = level
    }

    func dictionary(id: UInt32) -> ZstdDictionary? { state.withLock { $0.dictionaries[id] } }

    /// The dictionary new frames are compressed with, if one has been trained.
    var active: ZstdDictionary? { state.withLock { $0.active } }

    var nextID: UInt32 { state.withLock { ($0.dictionaries.keys.max() ?? 0) + 1 } }

    func path(id: UInt32) -> String { directory + "/" + SegmentName.dictionary(id: id) }

    func streamsPath(id: UInt32) -> String { directory + "/" + SegmentName.dictionaryStreams(id: id) }

    /// Every dictionary id, ascending.
    var ids: [UInt32] { state.withLock { $0.dictionaries.keys.sorted() } }

    /// Whether dictionary `id` may hold bytes of one of `streams`.
    func mayHoldBytes(of streams: Set<String>, id: UInt32) -> Bool {
        state.withLock { state in
            guard let sampled = state.sampledStreams[id] else { return true }
            return !sampled.isDisjoint(with: streams)
        }
    }

    /// Loads every dictionary file of the directory; the highest id becomes active.
    func loadAll(names: [String]) throws(EventLogError) {
        for name in names {
            guard let id = SegmentName.parseDictionary(name) else { continue }
            let bytes: [UInt8]
            do {
                let file = try SystemFile.open(path(id: id), .readOnly)
                defer { file.close() }
                bytes = try file.readAll()
            }
            guard let dictionaryBytes = Self.unwrap(bytes, id: id) else {
                throw .missingDictionary(id: id, file: path(id: id))
            }
            let dictionary = try ZstdDictionary(id: id, bytes: dictionaryBytes, level: level)
            let sampled = Self.readStreams(at: streamsPath(id: id))
            state.withLock {
                $0.dictionaries[id] = dictionary
                $0.sampledStreams[id] = sampled
                if ($0.active?.id ?? 0) < id { $0.active = dictionary }
            }
        }
    }

    /// Writes a new dictionary durably (file, fsync, rename, directory fsync), after the list of
    /// streams its samples came from, then makes it active.
    func install(_ bytes: [UInt8], id: UInt32, sampledStreams: Set<String>) throws(EventLogError) {
        let streams = (try? JSONEncoder().encode(sampledStreams.sorted())).map { Array($0) } ?? []
        try SystemFile.writeDurably(streams, to: streamsPath(id: id), directory: directory)
        try SystemFile.writeDurably(Self.wrap(bytes, id: id), to: path(id: id), directory: directory)
        try register(bytes, id: id, sampledStreams: sampledStreams, activate: true)
    }

    /// Writes a dictionary moved from another log durably under its own id, without a list of sampled streams
    /// (unknown: compaction treats it as holding every stream), and makes it active.
    func installMoved(_ bytes: [UInt8], id: UInt32) throws(EventLogError) {
        try SystemFile.writeDurably(Self.wrap(bytes, id: id), to: path(id: id), directory: directory)
        try register(bytes, id: id, sampledStreams: nil, activate: true)
    }

    /// Makes dictionary `id` known (and, with `activate`, the one new frames use) without writing a file: for a
    /// dictionary some other store keeps durably.
    func register(_ bytes: [UInt8], id: UInt32, sampledStreams: Set<String>?, activate: Bool) throws(EventLogError) {
        let dictionary = try ZstdDictionary(id: id, bytes: bytes, level: level)
        state.withLock {
            $0.dictionaries[id] = dictionary
            $0.sampledStreams[id] = sampledStreams
            if activate { $0.active = dictionary }
        }
    }

    /// Makes installed dictionary `id` the one new frames use (nothing when it is not installed).
    func activate(id: UInt32) {
        state.withLock { state in
            if let dictionary = state.dictionaries[id] { state.active = dictionary }
        }
    }

    /// New frames go without a dictionary (the active one is about to be retired).
    func deactivate() {
        state.withLock { $0.active = nil }
    }

    /// Forgets dictionary `id` (deactivating it if it was active), leaving any file alone.
    func forget(id: UInt32) {
        state.withLock { state in
            state.dictionaries[id] = nil
            state.sampledStreams[id] = nil
            if state.active?.id == id { state.active = nil }
        }
    }

    /// Forgets dictionary `id` and removes its files, once no frame uses it any more. New frames
    /// go without a dictionary until one is installed again.
    func retire(id: UInt32) throws(EventLogError) {
        forget(id: id)
        for file in [path(id: id), streamsPath(id: id)] where unlink(file) != 0 && errno != ENOENT {
            throw .io(operation: "unlink", path: file, errno: errno)
        }
        try SystemFile.syncDirectory(directory)
    }

    private static func readStreams(at path: String) -> Set<String>? {
        guard let data = FileManager.default.contents(atPath: path),
            let streams = try? JSONDecoder().decode([String].self, from: data)
        else { return nil }
        return Set(streams)
    }

    static let magic: [UInt8] = Array("SDDC".utf8)

    static func wrap(_ bytes: [UInt8], id: UInt32) -> [UInt8] {
        var writer = ByteWriter(capacity: 16 + bytes.count)
        writer.write(magic)
        writer.write(id)
        writer.write(UInt32(bytes.count))
        writer.write(CRC32C.checksum(bytes))
        writer.write(bytes)
        return writer.bytes
    }

    static func unwrap(_ file: [UInt8], id: UInt32) -> [UInt8]? {
        file.withUnsafeBytes { raw -> [UInt8]? in
            guard raw.count >= 16, raw.prefix(4).elementsEqual(magic) else { return nil }
            var reader = ByteReader(raw, offset: 4)
            guard let storedID: UInt32 = try? reader.read(), storedID == id,
                let length: UInt32 = try? reader.read(),
                let crc: UInt32 = try? reader.read(),
                let body = try? reader.readBytes(Int(length)),
                reader.remaining == 0,
                CRC32C.checksum(body) == crc
            else { return nil }
            return Array(body)
        }
    }
}
