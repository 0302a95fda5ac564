import Hummingbird
import Logging

/// Renders every error under `/api`, `/stream` and `/health` in the Mix envelope:
/// `{"error":{"code":<status>,"message","type","field"}}` (mix-api.md decision (g)).
struct MixErrorMiddleware: RouterMiddleware {
    typealias Context = SessionRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        do {
            return try await next(request, context)
        } catch {
            let apiError = APIError.logged(error, context: context)
            return try apiError.response(MixErrorEnvelope(apiError))
        }
    }
}

/// `{"error":{"code","message","type","field"}}`.
struct MixErrorEnvelope: Encodable {
    struct Body: Encodable {
        var code: Int
        var message: String
        var type: String
        var field: String?
    }
    var error: Body

    init(_ error: APIError) {
        self.error = Body(code: error.status.code, message: error.message, type: error.mixType, field: error.field)
    }
}

extension APIError {
    /// Maps `error` and logs it: unexpected errors at `error` with the request id, client errors at `debug`.
    static func logged(_ error: any Error, context: SessionRequestContext) -> APIError {
        let apiError = mapping(error)
        if apiError.status.code >= 500 {
            context.logger.error(
                "request failed", metadata: ["error.type": "\(String(reflecting: type(of: error)))", "error": "\(error)"])
        } else {
            context.logger.debug("request rejected", metadata: ["error.code": "\(apiError.code)"])
        }
        return apiError
    }
}
