import Hummingbird
import Logging

/// The request context of every sessiond route: Hummingbird's core storage plus what authentication found.
public struct SessionRequestContext: RequestContext {
    /// Hummingbird's per-request storage (parameters, endpoint path, logger).
    public var coreContext: CoreRequestContextStorage
    /// The namespace the request may see, set by ``APIKeyMiddleware``: the API key's, or on an open (keyless)
    /// daemon the Mixpeek `X-Namespace` header's; `nil` on an open daemon's Mix and native routes, which see
    /// every namespace.
    public var namespace: String?
    /// The id of the API key that authenticated the request, recorded as the actor of what it appends.
    public var apiKeyID: String?
    /// Whether that key is still active (re-reading the key file if it changed), for answers that outlive the
    /// check at their start: an event stream ends once its key is revoked. `nil` without a key.
    public var keyStillActive: (@Sendable () -> Bool)?

    /// Creates the context for one request.
    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        namespace = nil
        apiKeyID = nil
        keyStillActive = nil
    }

    /// Request bodies are collected by `collectBody(limit:timeout:)` with the configured limit and deadline instead.
    public var maxUploadSize: Int { 64 << 20 }
}
