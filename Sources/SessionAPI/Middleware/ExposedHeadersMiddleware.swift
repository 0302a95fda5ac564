import HTTPTypes
import Hummingbird

/// Lets a page on another origin read the headers it acts on: `Access-Control-Expose-Headers` on every answer to a
/// cross-origin request. Hummingbird's `CORSMiddleware` sends it only with the preflight, where browsers ignore it.
struct ExposedHeadersMiddleware: RouterMiddleware {
    typealias Context = SessionRequestContext

    /// The headers a page reads: the version to send back as `If-Match`, the position for read-your-writes on any
    /// node, and how long to wait before a retry.
    static let exposed =
        [HTTPField.Name.eTag, PositionMiddleware.header, .retryAfter].map(\.canonicalName).joined(separator: ", ")

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        var response = try await next(request, context)
        if request.headers.contains(.origin) { response.headers[.accessControlExposeHeaders] = Self.exposed }
        return response
    }
}
