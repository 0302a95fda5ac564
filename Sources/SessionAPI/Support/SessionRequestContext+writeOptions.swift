import Foundation
import HTTPTypes
import Hummingbird
import Projections

extension SessionRequestContext {
    /// The write options every command carries: the request id for the audit trail, and the native API's
    /// `If-Match` (expected version) and `Idempotency-Key` headers.
    /// - Throws: ``RequestBodyError/invalidParameter(name:reason:)`` for an `If-Match` that is not a version.
    func writeOptions(_ request: Request) throws -> WriteOptions {
        // Not `id`: it force-unwraps the logger metadata, which the router test framework does not set.
        var options = WriteOptions(
            actor: apiKeyID.map { "key:\($0)" } ?? namespace.map { "namespace:\($0)" }, requestID: logger[metadataKey: "hb.request.id"]?.description)
        if let ifMatch = request.headers[.ifMatch] {
            let text = ifMatch.trimmingCharacters(in: CharacterSet(charactersIn: "\" W/"))
            guard let version = UInt64(text) else {
                throw RequestBodyError.invalidParameter(
                    name: "If-Match", reason: "If-Match must be a session version, e.g. \"3\"")
            }
            options.expectedVersion = version
        }
        if let key = request.headers[SessionRequestContext.idempotencyKey], !key.isEmpty {
            options.idempotencyKey = key
        }
        return options
    }

    static let idempotencyKey = HTTPField.Name("Idempotency-Key")!
}
