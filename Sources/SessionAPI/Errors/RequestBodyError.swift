/// Why a request body or parameter could not be read; mapped to a 4xx in `APIError+mapping.swift`.
enum RequestBodyError: Error, Sendable, Equatable {
    /// The route needs a body and none was sent.
    case missing
    /// The body is larger than the configured limit.
    case tooLarge(limit: Int)
    /// The body was still arriving `timeout` after its read began (``APIConfiguration/bodyReadTimeout``).
    case tooSlow(timeout: Duration)
    /// The body is not JSON, or not the JSON shape the route takes; `reason` says where.
    case malformed(reason: String)
    /// The body has a key the route does not accept (Mix create, rewind, send: Go's `DisallowUnknownFields`).
    case unknownField(String)
    /// The body has a key the Mixpeek route does not declare: refused since 2026-11-02 with 422
    /// `extra_forbidden` naming the accepted keys (mixpeek-api.md §1, "Unknown keys in request bodies").
    case extraForbidden(String, accepted: [String])
    /// A query parameter or header has a value the route cannot use.
    case invalidParameter(name: String, reason: String)
}
