import Hummingbird

/// Renders every error under `/v1/agents` in the Mixpeek envelope:
/// `{"success":false,"status":N,"error":{"message","type","code","details":{"field"}}}` (mixpeek-api.md §1).
struct MixpeekErrorMiddleware: RouterMiddleware {
    typealias Context = SessionRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        do {
            return try await next(request, context)
        } catch {
            let apiError = APIError.logged(error, context: context)
            return try apiError.response(MixpeekErrorEnvelope(apiError))
        }
    }
}

/// The Mixpeek `ErrorResponse`.
struct MixpeekErrorEnvelope: Encodable {
    struct Detail: Encodable {
        var message: String
        var type: String
        var code: String
        var details: Details?
    }

    /// `error.details`: the field, and for a 429 or 503 the retry advice the Mixpeek client reads
    /// (`retryable: false` stops its retries, `retry_after_seconds` paces them).
    struct Details: Encodable {
        var field: String?
        var retryable: Bool?
        var retry_after_seconds: Int?
    }
    var success = false
    var status: Int
    var error: Detail

    init(_ error: APIError) {
        status = error.status.code
        self.error = Detail(
            message: error.message, type: error.mixpeekType, code: error.code,
            details: error.field == nil && error.retryable == nil
                ? nil
                : Details(field: error.field, retryable: error.retryable, retry_after_seconds: error.retryAfterSeconds))
    }
}
