import Foundation
import HTTPTypes
import Hummingbird

/// The one authentication of every API face: checks `Authorization: Bearer <key>` against the
/// ``APIKeyring`` and puts the namespace the request may see in the context.
///
/// - With keys: a missing key is 401 `missing_api_key`, an unknown or revoked one 401 `invalid_api_key`;
///   the context's namespace is the key's, so another namespace's session answers 404. An `X-Namespace`
///   header naming another namespace is 401 `namespace_not_allowed` (the key does not open it).
/// - Without keys (loopback only): Mix and native requests pass with no namespace (they see every
///   session); Mixpeek requests still need a non-empty bearer token and take their namespace from
///   `X-Namespace`, as the Mixpeek contract requires both headers. A browser page of another site is refused
///   (``OpenDaemonOrigin``).
///
/// Placed inside each face's error middleware, so a 401 comes in that face's envelope. The key file is
/// re-read when it changed (``APIKeyring/refreshIfChanged()``), so new and revoked keys count at once.
struct APIKeyMiddleware: RouterMiddleware {
    typealias Context = SessionRequestContext
    let keyring: APIKeyring
    /// Whether the face requires `X-Namespace` (Mixpeek).
    var requiresNamespaceHeader = false

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        var context = context
        let trimmed = request.headers[Self.namespaceHeader]?.trimmingCharacters(in: .whitespaces)
        let header = trimmed?.isEmpty == false ? trimmed : nil
        let secret = Self.bearerToken(request.headers[.authorization])
        do {
            try keyring.refreshIfChanged()
        } catch {
            context.logger.error("API key file unreadable; keeping the keys loaded", metadata: ["error": "\(error)"])
        }
        if keyring.isOpen {
            try OpenDaemonOrigin.check(request)
            guard !requiresNamespaceHeader else {
                guard secret != nil else { throw Self.missingKey }
                guard let header else { throw Self.missingNamespace }
                context.namespace = header
                return try await next(request, context)
            }
            return try await next(request, context)
        }
        guard let secret else { throw Self.missingKey }
        guard let key = keyring.key(forSecret: secret) else {
            throw APIError(status: .unauthorized, code: "invalid_api_key", message: "Invalid API key", field: "Authorization")
        }
        if requiresNamespaceHeader && header == nil { throw Self.missingNamespace }
        if let header, header != key.namespace {
            throw APIError(
                status: .unauthorized, code: "namespace_not_allowed",
                message: "The API key does not open namespace '\(header)'", field: "X-Namespace")
        }
        context.namespace = key.namespace
        context.apiKeyID = key.id
        context.keyStillActive = { [keyring, id = key.id] in keyring.isActive(keyID: id) }
        return try await next(request, context)
    }

    /// The token of `Authorization: Bearer <token>` (scheme case-insensitive), `nil` when absent or empty.
    static func bearerToken(_ authorization: String?) -> String? {
        // Byte by byte: Foundation's lowercasing and trimming were 1.5 % of an append's CPU.
        guard let authorization else { return nil }
        let scheme = "bearer ".utf8
        let bytes = authorization.utf8
        guard bytes.count > scheme.count,
            zip(bytes, scheme).allSatisfy({ byte, expected in
                (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) ? byte + 32 == expected : byte == expected
            })
        else { return nil }
        let isSpace = { (byte: UInt8) in byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }
        let rest = bytes.dropFirst(scheme.count)
        guard let first = rest.firstIndex(where: { !isSpace($0) }), let last = rest.lastIndex(where: { !isSpace($0) })
        else { return nil }
        return String(Substring(authorization.utf8[first...last]))
    }

    static let namespaceHeader = HTTPField.Name("X-Namespace")!

    private static let missingKey = APIError(
        status: .unauthorized, code: "missing_api_key", message: "Missing API key: send Authorization: Bearer <key>",
        field: "Authorization")

    private static let missingNamespace = APIError(
        status: .unauthorized, code: "missing_namespace", message: "Missing X-Namespace header", field: "X-Namespace")
}
