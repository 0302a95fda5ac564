import Foundation
import Sessions
import Synchronization

/// The live messages of an export as read, before rendering: their stored members gathered in one buffer, so
/// that a long export renders on several threads in contiguous chunks, each decompressing its own results,
/// concatenated in order (decision 0124).
struct ExportMessageBatch {
    /// One message's parts: ranges of ``storage`` and what later events added.
    private struct Message {
        var head: Range<Int>
        var tail: Range<Int>
        /// The framework item as stored (its text, or a zstd frame); `nil` for none.
        var item: Range<Int>?
        var calls: [ExportMessageJSON.Call]
        var carried: [String]
        var callbackResults: [CallbackResultRecorded]
        /// The bytes the message renders to, about: its parts' lengths, results decompressed.
        var size: Int
    }

    private var storage: [UInt8] = []
    private var messages: [Message] = []

    var count: Int { messages.count }

    init(capacity: Int = 1 << 16) { storage.reserveCapacity(capacity) }

    /// Adds a message from its stored parts, copying them.
    mutating func append(
        head: UnsafeRawBufferPointer, calls: [ExportMessageJSON.Call], carried: [String],
        callbackResults: [CallbackResultRecorded], tail: UnsafeRawBufferPointer, item: UnsafeRawBufferPointer?
    ) {
        let start = storage.count
        let head = keep(head)
        let tail = keep(tail)
        let item = item.map { keep($0) }
        var size = storage.count - start + 64 + carried.count * 32 + callbackResults.count * 256
        for call in calls {
            size += call.head.utf8.count + 96 + (call.result.map { StoredText.length($0.literal) } ?? 0)
        }
        messages.append(Message(
            head: head, tail: tail, item: item, calls: calls, carried: carried, callbackResults: callbackResults,
            size: size))
    }

    private mutating func keep(_ bytes: UnsafeRawBufferPointer) -> Range<Int> {
        let start = storage.count
        storage.append(contentsOf: bytes)
        return start..<storage.count
    }

    /// The messages rendered as the members of the export's `messages` array, in at most `chunks` pieces of
    /// about equal size to be written one after the other (``JSONWriter/members(_:)`` separates them); the
    /// pieces render concurrently.
    func rendered(chunks: Int) -> [[UInt8]] {
        let ranges = split(into: max(1, min(chunks, messages.count)))
        guard ranges.count > 1 else { return [render(messages.indices)] }
        let pieces = Mutex([[UInt8]](repeating: [], count: ranges.count))
        DispatchQueue.concurrentPerform(iterations: ranges.count) { chunk in
            let piece = render(ranges[chunk])
            pieces.withLock { $0[chunk] = piece }
        }
        return pieces.withLock { $0 }
    }

    /// Contiguous ranges of the messages, `count` of them or fewer, each about the same rendered size.
    private func split(into count: Int) -> [Range<Int>] {
        let total = messages.reduce(0) { $0 + $1.size }
        var ranges: [Range<Int>] = []
        var start = 0
        var size = 0
        for (index, message) in messages.enumerated() {
            size += message.size
            if ranges.count < count - 1, size * count >= total * (ranges.count + 1) {
                ranges.append(start..<(index + 1))
                start = index + 1
            }
        }
        if start < messages.count || ranges.isEmpty { ranges.append(start..<messages.count) }
        return ranges
    }

    private func render(_ range: Range<Int>) -> [UInt8] {
        var w = JSONWriter(capacity: messages[range].reduce(0) { $0 + $1.size })
        storage.withUnsafeBytes { storage in
            for message in messages[range] {
                ExportMessageJSON.write(
                    head: UnsafeRawBufferPointer(rebasing: storage[message.head]), calls: message.calls,
                    carried: message.carried, callbackResults: message.callbackResults,
                    tail: UnsafeRawBufferPointer(rebasing: storage[message.tail]),
                    item: message.item.flatMap { StoredText.text(UnsafeRawBufferPointer(rebasing: storage[$0])) },
                    to: &w)
            }
        }
        return w.bytes
    }
}
