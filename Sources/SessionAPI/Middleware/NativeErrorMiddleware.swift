import Hummingbird
import Projections

/// Renders every error of the native API (`/v1/sessions`, `/v1/events`) as
/// `{"error":{"status","code","message","field"}}`.
struct NativeErrorMiddleware: RouterMiddleware {
    typealias Context = SessionRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        do {
            return try await next(request, context)
        } catch {
            let apiError = APIError.logged(error, context: context)
            return try apiError.response(NativeErrorEnvelope(apiError))
        }
    }
}

/// The native API's error body.
struct NativeErrorEnvelope: Encodable {
    struct Body: Encodable {
        var status: Int
        var code: String
        var message: String
        var field: String?
        var retryable: Bool?

        /// The body's fields in declaration order, `nil` ones left out (what its `Encodable` conformance writes, in a
        /// fixed order), by hand: a batch answer writes one per refused append (``NativeAppendOutcome``).
        func write(to w: inout JSONWriter) {
            w.beginObject()
            w.field("status", status)
            w.field("code", code)
            w.field("message", message)
            w.field("field", field)
            w.field("retryable", retryable)
            w.endObject()
        }
    }
    var error: Body

    init(_ error: APIError) {
        self.error = Body(
            status: error.status.code, code: error.code, message: error.message, field: error.field,
            retryable: error.retryable)
    }
}
