import Hummingbird
import NIOCore

extension Request {
    /// Collects the body, refusing more than `limit` bytes or a body that has not wholly arrived `timeout` after the
    /// read began. Every request body the API reads comes through here: one trickled in a byte at a time never looks
    /// idle to the connection's idle timeout, and would otherwise hold its handler for as long as it trickles.
    ///
    /// Giving up cancels the read, which ends the connection's stream of request parts: nothing more is read from
    /// it, the answer is sent and the connection half-closed, then closed once idle.
    /// - Throws: ``RequestBodyError/tooLarge(limit:)``, ``RequestBodyError/tooSlow(timeout:)``.
    func collectBody(limit: Int, timeout: Duration) async throws -> ByteBuffer {
        try await withThrowingTaskGroup(of: ByteBuffer?.self) { group in
            group.addTask {
                do {
                    return try await self.body.collect(upTo: limit)
                } catch is NIOTooManyBytesError {
                    throw RequestBodyError.tooLarge(limit: limit)
                }
            }
            group.addTask {
                try await Task.sleep(for: timeout)
                return nil
            }
            defer { group.cancelAll() }
            guard let body = try await group.next() ?? nil else { throw RequestBodyError.tooSlow(timeout: timeout) }
            return body
        }
    }
}
