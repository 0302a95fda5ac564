import NIOCore

/// One server-sent event: `id: <n>\nevent: <name>\ndata: <one-line JSON>\nretry: <ms>\n\n`.
///
/// The id is a global log position, so a client's `Last-Event-ID` names exactly where to resume.
struct SSEEvent: Sendable, Equatable {
    var id: UInt64
    var event: String
    var data: String
    var retry: Int?

    /// About how many bytes the frame takes (its data and name, and the field names, id and retry).
    var byteCount: Int { data.utf8.count + event.utf8.count + 48 }

    /// The frame's bytes.
    var frame: ByteBuffer {
        var text = "id: \(id)\nevent: \(event)\n"
        for line in data.split(separator: "\n", omittingEmptySubsequences: false) { text += "data: \(line)\n" }
        if let retry { text += "retry: \(retry)\n" }
        text += "\n"
        return ByteBuffer(string: text)
    }
}
