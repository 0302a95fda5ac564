import Hummingbird
import Logging

/// The request context of every sessiond route: Hummingbird's core storage plus what authentication found.
public struct SessionRequestContext: RequestContext {
    /// Hummingbird's per-request storage (parameters, endpoint path, logger).
    public var coreContext: CoreRequestContextStorage
    /// The namespace the Mixpeek `X-Namespace` header named, once ``MixpeekAuthMiddleware`` accepted it.
    public var namespace: String?

    /// Creates the context for one request.
    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        namespace = nil
    }

    /// Request bodies are collected by ``Request/collectJSONBody(limit:)`` with the configured limit instead.
    public var maxUploadSize: Int { 64 << 20 }
}
