/// Records set aside to train a dictionary, and the streams they came from.
///
/// A zstd dictionary keeps pieces of its samples verbatim, so it must be retired when compaction
/// erases one of these streams (see ``EventLog/compact(rewriting:)``).
struct DictionarySamples: Sendable {
    var samples: [[UInt8]]
    var streams: Set<String>
}
