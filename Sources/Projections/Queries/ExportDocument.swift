import Foundation

/// The export document assembled from its parts (decision 0127).
enum ExportDocument {
    /// `head`, the rendered pieces of the `messages` array separated by commas (empty ones skipped), and
    /// `tail`, written into one array of the exact size. Copying the pieces into place runs on as many threads
    /// as there are pieces when the document is large, so that faulting in the fresh array is shared too; the
    /// pieces' buffers go back to ``RenderBuffers``.
    static func joined(head: [UInt8], pieces: [[UInt8]], tail: [UInt8]) -> [UInt8] {
        defer { for piece in pieces { RenderBuffers.give(piece) } }
        // Where each piece starts, and whether a comma goes before it (between two non-empty pieces).
        var offsets: [Int] = []
        var commaBefore: [Bool] = []
        var size = head.count
        for piece in pieces {
            let comma = !piece.isEmpty && size > head.count
            if comma { size += 1 }
            commaBefore.append(comma)
            offsets.append(size)
            size += piece.count
        }
        let messagesEnd = size
        size += tail.count
        return [UInt8](unsafeUninitializedCapacity: size) { out, count in
            let document = Destination(bytes: UnsafeMutableRawBufferPointer(out))
            document.bytes.copyBytes(from: head)
            let copy: @Sendable (Int) -> Void = { [pieces, offsets, commaBefore] index in
                if commaBefore[index] { document.bytes[offsets[index] - 1] = UInt8(ascii: ",") }
                pieces[index].withUnsafeBytes {
                    UnsafeMutableRawBufferPointer(rebasing: document.bytes[offsets[index]...]).copyMemory(from: $0)
                }
            }
            if size >= concurrentCopyBytes, pieces.count > 1 {
                DispatchQueue.concurrentPerform(iterations: pieces.count, execute: copy)
            } else {
                pieces.indices.forEach(copy)
            }
            tail.withUnsafeBytes {
                UnsafeMutableRawBufferPointer(rebasing: document.bytes[messagesEnd...]).copyMemory(from: $0)
            }
            count = size
        }
    }

    /// Below this, one thread copies the pieces: handing a copy to another thread costs more than it saves.
    static let concurrentCopyBytes = 1 << 20

    /// The document being written; each piece's copy writes its own range of it only.
    private struct Destination: @unchecked Sendable {
        let bytes: UnsafeMutableRawBufferPointer
    }
}
