import Hummingbird

/// A failure as the HTTP API reports it: status, stable machine code, message and the offending field.
///
/// Every error a handler throws becomes one of these exactly once, in `APIError+mapping.swift`; each API face
/// then renders it in its own envelope (``MixErrorMiddleware``, ``MixpeekErrorMiddleware``,
/// ``NativeErrorMiddleware``). Handlers never pick status codes for domain failures.
public struct APIError: Error, Sendable, Equatable {
    /// The HTTP status.
    public var status: HTTPResponse.Status
    /// A stable machine-readable code, e.g. `validation_error`, `session_not_found`, `missing_api_key`.
    public var code: String
    /// The human-readable message; for validation errors the exact text of the wire contract.
    public var message: String
    /// The request field the error is about, when there is one.
    public var field: String?
    /// For a 429 or 503: whether the same request may succeed later (`false`: it will not, or it may already
    /// have been recorded); `nil` for other errors.
    public var retryable: Bool?
    /// For a retryable error: how long to wait first, sent as `Retry-After`.
    public var retryAfterSeconds: Int?

    /// Creates an error.
    public init(
        status: HTTPResponse.Status, code: String, message: String, field: String? = nil, retryable: Bool? = nil,
        retryAfterSeconds: Int? = nil
    ) {
        self.status = status
        self.code = code
        self.message = message
        self.field = field
        self.retryable = retryable
        self.retryAfterSeconds = retryAfterSeconds
    }

    /// The Mix envelope's `type`: one of the five the Mix server has and its SDK's `ErrorResponse` model accepts
    /// (`validation_error`, `bad_request`, `not_found`, `unauthorized`, `internal_error`), so a client parses
    /// every error we send; the exact status is in `code`.
    public var mixType: String {
        switch status.code {
        case 400: code == "bad_request" ? "bad_request" : "validation_error"
        case 401: "unauthorized"
        case 404: "not_found"
        case 402..<500: "bad_request"
        default: "internal_error"
        }
    }

    /// The Mixpeek envelope's `error.type` (mixpeek-api.md §1); 507, which Mixpeek does not document, is
    /// `InsufficientStorageError` (decision 0051).
    public var mixpeekType: String {
        switch status.code {
        case 400, 405, 408, 413: "BadRequestError"
        case 401: "AuthenticationError"
        case 403: "UnauthorizedError"
        case 404: "NotFoundError"
        case 409, 412: "AlreadyExistsError"
        case 422: "ValidationError"
        case 429: "TooManyRequestsError"
        case 503: "InferenceServiceUnavailableError"
        case 507: "InsufficientStorageError"
        default: "InternalServerError"
        }
    }

    /// The error rendered as `envelope`, with its status and, when advised, `Retry-After`.
    func response(_ envelope: some Encodable) throws -> Response {
        var headers: HTTPFields = [:]
        if let retryAfterSeconds { headers[.retryAfter] = String(retryAfterSeconds) }
        // A 408 gave up on a body still arriving, and nothing more is read from its connection (`collectBody`): the
        // client must not send another request on it (RFC 9110 §15.5.9).
        if status == .requestTimeout { headers[.connection] = "close" }
        return try Response.json(envelope, status: status, headers: headers)
    }

    /// The generic error for anything unexpected; its message never carries the cause.
    public static let internalError = APIError(
        status: .internalServerError, code: "internal_error", message: "Internal error")
}
