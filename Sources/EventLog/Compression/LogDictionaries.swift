/// The compression dictionaries of a log whose store keeps them somewhere other than files beside segments (the
/// PostgreSQL store keeps them in a table): that store installs each one here by id, and one of them is active
/// for new frames.
///
/// A frame names its dictionary by id; decoding it needs that id installed first (``SealedFrame/records(dictionaries:source:)``
/// reports ``EventLogError/missingDictionary(id:file:)`` otherwise, so the store can fetch it and try again).
/// Safe to share between readers and the writer.
public final class LogDictionaries: Sendable {
    let store: DictionaryStore

    /// Creates an empty set; dictionaries compress at `compressionLevel`.
    public init(compressionLevel: Int32 = 3) {
        store = DictionaryStore(directory: "", level: compressionLevel)
    }

    /// Makes dictionary `id` usable for decoding and, with `activate`, for the frames encoded from now on.
    /// - Throws: ``EventLogError/compression(reason:)`` when zstd cannot load the bytes.
    public func install(id: UInt32, bytes: [UInt8], activate: Bool) throws(EventLogError) {
        try store.register(bytes, id: id, sampledStreams: nil, activate: activate)
    }

    /// Whether dictionary `id` is installed.
    public func contains(id: UInt32) -> Bool { store.dictionary(id: id) != nil }

    /// Every installed dictionary id, ascending.
    public var ids: [UInt32] { store.ids }

    /// Forgets dictionary `id` (a retired one no frame uses any more); if it was active, new frames go without one.
    public func forget(id: UInt32) { store.forget(id: id) }

    /// Makes dictionary `id` (already installed) the one new frames use; `nil`: none.
    public func activate(id: UInt32?) {
        guard let id else { return store.deactivate() }
        store.activate(id: id)
    }

    /// The id of the dictionary new frames use, if any.
    public var activeID: UInt32? { store.active?.id }

    /// Trains a dictionary of at most `capacity` bytes from encoded records (see ``FrameEncoder``'s samples).
    /// - Throws: ``EventLogError/compression(reason:)`` when zstd cannot train on them.
    public static func train(samples: [[UInt8]], capacity: Int) throws(EventLogError) -> [UInt8] {
        try ZstdDictionary.train(samples: samples, capacity: capacity)
    }
}
