import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Projections
import Sessions

extension SessionBackend {
    /// The answer ``latestAnswer(for:face:headers:render:)`` kept for the latest state of `id`, when ``responses``
    /// holds it (and `accepts` that state): no await, no copy of the snapshot. `nil` sends the reader the long way.
    /// - Parameter headers: Headers besides the content type, from the session's version.
    /// - Throws: `SessionError.sessionNotFound` when the session is another namespace's.
    func cachedLatestAnswer(
        _ id: SessionID, namespace: String?, face: SessionResponseCache.Face,
        accepts: (SessionSnapshot) -> Bool = { _ in true },
        headers: (UInt64) -> HTTPFields = { _ in [:] }
    ) throws -> Response? {
        guard let answer = responses.answer(id, face: face, status: store.status(of:), accepts: accepts) else {
            return nil
        }
        guard namespace.map({ $0 == answer.namespace }) ?? true else { throw SessionError.sessionNotFound(id) }
        return Self.jsonResponse(answer.body, headers: headers(answer.version))
    }

    /// A JSON answer about the latest state of `session` as `face` renders it at its status now: the body
    /// ``responses`` holds for this version and status, else `render`'s, which it then keeps.
    ///
    /// Only for answers that depend on nothing but the snapshot and its status (not on another session's
    /// state, nor on an as-of point).
    /// - Parameters:
    ///   - session: The latest state, as ``session(_:namespace:at:)`` returned it.
    ///   - face: The API face rendering it.
    ///   - headers: Headers besides the content type.
    ///   - render: Encodes the answer for a status.
    func latestAnswer(
        for session: SessionSnapshot,
        face: SessionResponseCache.Face,
        headers: HTTPFields = [:],
        render: (SessionStatus) throws -> Data
    ) throws -> Response {
        let status = store.status(of: session)
        var body = responses.body(of: session, face: face, status: status)
        if body == nil {
            var buffer = ByteBuffer(bytes: try render(status))
            buffer.writeString("\n")
            responses.store(body: buffer, of: session, face: face, status: status)
            body = buffer
        }
        return Self.jsonResponse(body!, headers: headers)
    }

    private static func jsonResponse(_ body: ByteBuffer, headers: HTTPFields) -> Response {
        var headers = headers
        headers[.contentType] = "application/json"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: body))
    }
}
