import Foundation
import Sessions
import Synchronization

/// The live messages of an export as read, before rendering: their stored members gathered in one buffer, so
/// that a long export renders on several threads in contiguous chunks, concatenated in order (decision 0124).
/// Rendering joins each message to what later events added (its calls' results, the results and callback
/// results it carries) and decompresses the results: the lookups and the decompression run on the chunks'
/// threads, the read itself only copies bytes.
struct ExportMessageBatch {
    /// What the messages are joined to, read before them.
    struct Joins {
        /// The tool calls by the position of their message, in order: id and stored head.
        var calls: [Int64: [(id: String, head: String, type: String?)]]
        /// The latest result by call id.
        var results: [String: (messageID: String, result: ExportMessageJSON.Result)]
        /// The calls a tool message carries results for, by message id.
        var carried: [String: [String]]
        var callbackResults: [String: [CallbackResultRecorded]]

        /// Whether any message carries results or callback results (otherwise no message id is looked up).
        var carries: Bool { !carried.isEmpty || !callbackResults.isEmpty }
    }

    /// One message: its position and ranges of ``storage``.
    private struct Message {
        var added: Int64
        var head: Range<Int>
        var tail: Range<Int>
        /// The framework item as stored (its text, or a zstd frame); `nil` for none.
        var item: Range<Int>?
        /// The message id's UTF-8, kept only when ``Joins/carries``.
        var id: Range<Int>
    }

    private let joins: Joins
    private var storage: [UInt8] = []
    private var messages: [Message] = []

    init(joins: Joins, capacity: Int = 1 << 16) {
        self.joins = joins
        storage.reserveCapacity(capacity)
    }

    var count: Int { messages.count }

    /// Adds the message added at `added` from its stored parts, copying them.
    mutating func append(
        added: Int64, id: UnsafeRawBufferPointer, head: UnsafeRawBufferPointer, tail: UnsafeRawBufferPointer,
        item: UnsafeRawBufferPointer?
    ) {
        let id = joins.carries ? keep(id) : 0..<0
        let head = keep(head)
        let tail = keep(tail)
        messages.append(Message(added: added, head: head, tail: tail, item: item.map { keep($0) }, id: id))
    }

    private mutating func keep(_ bytes: UnsafeRawBufferPointer) -> Range<Int> {
        let start = storage.count
        storage.append(contentsOf: bytes)
        return start..<storage.count
    }

    /// The messages rendered as the members of the export's `messages` array, in at most `chunks` pieces to be
    /// written one after the other, a comma between two; the pieces render concurrently, into buffers taken
    /// from ``RenderBuffers`` (``document(head:chunks:tail:)`` gives them back).
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

    /// Contiguous ranges of the messages, `count` of them or fewer, each holding about as many stored bytes
    /// (a message's results are not known before rendering: the stored bytes stand for its size).
    private func split(into count: Int) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        var start = 0
        for index in messages.indices where ranges.count < count - 1 {
            let stored = end(of: messages[index])
            if stored * count >= storage.count * (ranges.count + 1) {
                ranges.append(start..<(index + 1))
                start = index + 1
            }
        }
        if start < messages.count || ranges.isEmpty { ranges.append(start..<messages.count) }
        return ranges
    }

    /// Where a message's stored bytes begin: its id when kept (only when something is carried), else its head.
    private func start(of message: Message) -> Int { joins.carries ? message.id.lowerBound : message.head.lowerBound }

    private func end(of message: Message) -> Int { message.item?.upperBound ?? message.tail.upperBound }

    private func render(_ range: Range<Int>) -> [UInt8] {
        let stored = range.isEmpty ? 0 : end(of: messages[range.last!]) - start(of: messages[range.first!])
        var w = JSONWriter(reusing: RenderBuffers.take(), capacity: stored * 2 + 4096)
        storage.withUnsafeBytes { storage in
            for message in messages[range] {
                let calls = (joins.calls[message.added] ?? []).map { call in
                    ExportMessageJSON.Call(head: call.head, result: joins.results[call.id]?.result)
                }
                let id = joins.carries ? String(decoding: storage[message.id], as: UTF8.self) : ""
                ExportMessageJSON.write(
                    head: UnsafeRawBufferPointer(rebasing: storage[message.head]), calls: calls,
                    carried: joins.carries ? joins.carried[id] ?? [] : [],
                    callbackResults: joins.carries ? joins.callbackResults[id] ?? [] : [],
                    tail: UnsafeRawBufferPointer(rebasing: storage[message.tail]),
                    item: message.item.flatMap { StoredText.text(UnsafeRawBufferPointer(rebasing: storage[$0])) },
                    to: &w)
            }
        }
        return w.bytes
    }
}
