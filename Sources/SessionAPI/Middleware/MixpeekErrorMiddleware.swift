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
            return try Response.json(MixpeekErrorEnvelope(apiError), status: apiError.status)
        }
    }
}

/// The Mixpeek `ErrorResponse`.
struct MixpeekErrorEnvelope: Encodable {
    struct Detail: Encodable {
        var message: String
        var type: String
        var code: String
        var details: [String: String]?
    }
    var success = false
    var status: Int
    var error: Detail

    init(_ error: APIError) {
        status = error.status.code
        self.error = Detail(
            message: error.message, type: error.mixpeekType, code: error.code,
            details: error.field.map { ["field": $0] })
    }
}
