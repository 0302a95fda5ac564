import Hummingbird
import NIOCore

extension Request {
    /// Collects the body, refusing more than `limit` bytes or a body still arriving `timeout` after the read began.
    /// Every request body the API reads comes through here: one trickled in a byte at a time never looks idle to the
    /// connection's idle timeout, and would otherwise hold its handler for as long as it trickles.
    ///
    /// A body whose first part is the whole of its `Content-Length` (nearly every JSON body: it comes with its head)
    /// is read without a timer; a timer per request cost ≈ 12 % of an append's CPU and held memory for the whole
    /// timeout. The rest of any other body is read against the deadline; giving up cancels that read, which ends the
    /// connection's stream of request parts: nothing more is read from it, the answer is sent and the connection
    /// half-closed, then closed once idle. A body that sends nothing at all is closed by the idle timeout, unless
    /// `timingTheFirstPart` (an upload, which holds one of a few slots while it waits): then its whole read races.
    /// - Throws: ``RequestBodyError/tooLarge(limit:)``, ``RequestBodyError/tooSlow(timeout:)``.
    func collectBody(limit: Int, timeout: Duration, timingTheFirstPart: Bool = false) async throws -> ByteBuffer {
        let deadline = ContinuousClock.now.advanced(by: timeout)
        var parts = body.makeAsyncIterator()
        var collected = ByteBuffer()
        if !timingTheFirstPart {
            guard let first = try await parts.next() else { return collected }
            collected = first
            guard collected.readableBytes <= limit else { throw RequestBodyError.tooLarge(limit: limit) }
            if let length = head.headerFields[.contentLength].flatMap(Int.init), collected.readableBytes >= length {
                // The end follows the last byte without waiting for the client.
                while var part = try await parts.next() { try Self.append(&part, to: &collected, limit: limit) }
                return collected
            }
        }
        let rest = PartsInTransit(parts)
        return try await withThrowingTaskGroup(of: ByteBuffer?.self) { group in
            group.addTask { [collected] in
                var parts = rest.parts
                var body = collected
                while var part = try await parts.next() { try Self.append(&part, to: &body, limit: limit) }
                return body
            }
            group.addTask {
                try await Task.sleep(until: deadline)
                return nil
            }
            defer { group.cancelAll() }
            guard let body = try await group.next() ?? nil else { throw RequestBodyError.tooSlow(timeout: timeout) }
            return body
        }
    }

    private static func append(_ part: inout ByteBuffer, to body: inout ByteBuffer, limit: Int) throws {
        guard body.readableBytes + part.readableBytes <= limit else { throw RequestBodyError.tooLarge(limit: limit) }
        body.writeBuffer(&part)
    }
}

/// The body's iterator, handed to the one task that goes on reading it (the reader that started it waits meanwhile).
private struct PartsInTransit: @unchecked Sendable {
    let parts: RequestBody.AsyncIterator
    init(_ parts: RequestBody.AsyncIterator) { self.parts = parts }
}
