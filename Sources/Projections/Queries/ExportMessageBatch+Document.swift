import Foundation

extension ExportMessageBatch {
    /// The export document: `head`, the messages rendered in at most `chunks` pieces, and `tail`, written into
    /// one array of the exact size. The pieces render into kept buffers (``RenderBuffers``); copying them into
    /// place runs on as many threads as there are pieces when the document is large, so that faulting in the
    /// fresh array is shared too (decision 0127).
    func document(head: [UInt8], chunks: Int, tail: [UInt8]) -> [UInt8] {
        var pieces = rendered(chunks: chunks)
        defer { while let piece = pieces.popLast() { RenderBuffers.give(piece) } }
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
            if size >= Self.concurrentCopyBytes, pieces.count > 1 {
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

    /// The document being written; each piece's copy writes its own range of it only.
    private struct Destination: @unchecked Sendable {
        let bytes: UnsafeMutableRawBufferPointer
    }

    /// Below this, one thread copies the pieces: handing a copy to another thread costs more than it saves.
    static let concurrentCopyBytes = 1 << 20
}
