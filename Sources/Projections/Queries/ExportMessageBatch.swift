import Foundation
import Sessions

/// A segment of an export's live messages as read, before rendering: their stored members gathered in one
/// buffer. A long export's segments render on other threads while the scan reads the next ones
/// (``ExportPipeline``, decision 0128). Rendering joins each message to what later events added (its calls'
/// results, the results and callback results it carries) and decompresses the results: the lookups and the
/// decompression run on the rendering thread, the read itself only copies bytes.
struct ExportMessageBatch: Sendable {
    /// What the messages are joined to, read before them.
    struct Joins: Sendable {
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

    /// The bytes copied so far (for sizing the next segment's buffer).
    var storedBytes: Int { storage.count }

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

    /// The messages rendered as members of the export's `messages` array, into a buffer taken from
    /// ``RenderBuffers`` (whoever writes it into the document gives it back).
    func rendered() -> [UInt8] {
        var w = JSONWriter(reusing: RenderBuffers.take(), capacity: storage.count * 2 + 4096)
        storage.withUnsafeBytes { storage in
            for message in messages {
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
