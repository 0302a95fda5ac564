import EventLog
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Projections
import Sessions
import Testing

@testable import SessionAPI

/// Each face's error body for the statuses a client handles specially (408, 413, 429, 503, 507), against its
/// reference: Mix `ErrorResponse`/`RESTError`, Mixpeek `ErrorResponse` and its retry advice, native.
struct ErrorEnvelopeTests {
    static let storageErrors: [(name: String, error: any Error & Sendable, status: Int)] = [
        ("bodyTooLarge", RequestBodyError.tooLarge(limit: 10), 413),
        ("bodyTooSlow", RequestBodyError.tooSlow(timeout: .milliseconds(500)), 408),
        ("rateLimited", SessionError.quotaExceeded(quota: "rate_limit_messages_per_minute", message: "m"), 429),
        ("quotaSpent", SessionError.quotaExceeded(quota: "max_messages", message: "m"), 429),
        ("logIOError", EventLogError.io(operation: "fdatasync", path: "p", errno: EIO), 503),
        ("logFailed", EventLogError.failed(reason: "r"), 503),
        ("logDiskFull", EventLogError.io(operation: "pwrite", path: "p", errno: ENOSPC), 507),
        ("projectionDiskFull", ProjectionError.diskFull(operation: "apply"), 507),
    ]

    static func body(_ envelope: some Encodable) throws -> [String: Any] {
        let data = try APIJSON.encoder.encode(envelope)
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    @Test(arguments: storageErrors.indices)
    func everyFaceRendersTheStatusInItsEnvelope(_ index: Int) throws {
        let (name, error, status) = Self.storageErrors[index]
        let apiError = APIError.mapping(error)
        #expect(apiError.status.code == status, "\(name)")

        let mix = try #require(try Self.body(MixErrorEnvelope(apiError))["error"] as? [String: Any])
        #expect(mix["code"] as? Int == status && mix["message"] is String, "\(name)")
        // Only the five RESTError types the SDK accepts; the status is in `code`.
        #expect(mix["type"] as? String == (status < 500 ? "bad_request" : "internal_error"), "\(name)")

        let mixpeek = try Self.body(MixpeekErrorEnvelope(apiError))
        #expect(mixpeek["success"] as? Bool == false && mixpeek["status"] as? Int == status, "\(name)")
        let detail = try #require(mixpeek["error"] as? [String: Any])
        #expect(detail["message"] is String && detail["code"] as? String == apiError.code, "\(name)")
        #expect(
            detail["type"] as? String
                == [
                    408: "BadRequestError", 413: "BadRequestError", 429: "TooManyRequestsError",
                    503: "InferenceServiceUnavailableError",
                    507: "InsufficientStorageError",
                ][status], "\(name)")

        let native = try #require(try Self.body(NativeErrorEnvelope(apiError))["error"] as? [String: Any])
        #expect(native["status"] as? Int == status && native["code"] as? String == apiError.code, "\(name)")
        // A 408 gave up on a body still arriving: its connection is not reused.
        let connection = try apiError.response(NativeErrorEnvelope(apiError)).headers[.connection]
        #expect(connection == (status == 408 ? "close" : nil), "\(name)")
    }

    /// A body of the wrong JSON type is described in JSON's words, never a Swift type name.
    @Test func wrongTypesAreNamedAsJSONTypes() async throws {
        try await withTestApplication { client in
            for (uri, body, expected) in [
                ("/v1/sessions", "[1]", "body: expected an object"),
                ("/api/sessions/s/callbacks", "[]", "body: expected an object"),
                ("/api/sessions", #"{"title":5,"browserMode":"local-browser-service"}"#, "title: expected a string"),
            ] {
                let method: HTTPRequest.Method = uri.hasSuffix("callbacks") ? .patch : .post
                let answer = try await client.execute(uri: uri, method: method, body: jsonBody(body))
                #expect(answer.status == .badRequest, "\(uri) \(body)")
                let text = String(buffer: answer.body)
                #expect(text.contains(expected), "\(uri): \(text)")
                #expect(!text.contains("Dictionary") && !text.contains("Swift"), "\(text)")
            }
        }
    }

    /// A body that is not JSON is called that on every face, not "must be a JSON object".
    @Test func aBodyThatIsNotJSONIsNamedSoOnEveryFace() async throws {
        try await withTestApplication { client in
            for uri in ["/api/sessions", "/v1/sessions", "/v1/agents/sessions"] {
                let answer = try await client.execute(
                    uri: uri, method: .post, headers: [.authorization: "Bearer k", HTTPField.Name("X-Namespace")!: "n"],
                    body: jsonBody("{oops"))
                #expect(answer.status == .badRequest || answer.status == .unprocessableContent, "\(uri)")
                #expect(String(buffer: answer.body).contains("not valid JSON"), "\(uri): \(String(buffer: answer.body))")
            }
        }
    }

    @Test func mixTypesOfDeclaredStatusesAreTheSpecsEnum() {
        // RESTError.type in mix-openapi.yaml; the SDK validates it for 400, 401, 404 and 500.
        let specTypes: Set = ["bad_request", "not_found", "internal_error", "unauthorized", "validation_error"]
        for code in [400, 401, 404, 500] {
            for errorCode in ["validation_error", "bad_request", "x"] {
                let error = APIError(status: HTTPResponse.Status(code: code), code: errorCode, message: "m")
                #expect(specTypes.contains(error.mixType), "\(code) \(errorCode)")
            }
        }
    }

    @Test func retryAdviceTellsTheMixpeekClientWhetherToRetry() throws {
        let rate = APIError.mapping(SessionError.quotaExceeded(quota: "rate_limit_messages_per_minute", message: "m"))
        let rateDetails = try #require((try Self.body(MixpeekErrorEnvelope(rate))["error"] as? [String: Any])?["details"] as? [String: Any])
        #expect(rateDetails["retryable"] as? Bool == true && rateDetails["retry_after_seconds"] as? Int == 60)
        #expect(try rate.response(MixpeekErrorEnvelope(rate)).headers[.retryAfter] == "60")

        let spent = APIError.mapping(SessionError.quotaExceeded(quota: "max_messages", message: "m"))
        let spentDetails = try #require((try Self.body(MixpeekErrorEnvelope(spent))["error"] as? [String: Any])?["details"] as? [String: Any])
        #expect(spentDetails["retryable"] as? Bool == false && spentDetails["field"] as? String == "quotas.max_messages")
        #expect(try spent.response(MixpeekErrorEnvelope(spent)).headers[.retryAfter] == nil)

        // A write refused by the disk recorded nothing, so it may be repeated; one whose projection stopped may not.
        #expect(APIError.mapping(EventLogError.io(operation: "fdatasync", path: "p", errno: EIO)).retryable == true)
        #expect(APIError.mapping(ProjectionError.replayStopped(reason: "r")).retryable == false)
    }

    /// A path no route serves is a 404, a method its path does not take a 405 with `Allow`, each in the envelope of
    /// the API the path belongs to and naming the method and path; a route that exists still answers as before.
    @Test func anUnknownRouteOrMethodIsAnsweredInItsAPIsEnvelope() async throws {
        try await withTestApplication { client in
            let mix = try await client.execute(uri: "/api/nope", method: .get)
            #expect(mix.status == .notFound)
            let mixError = try #require(
                try JSONSerialization.jsonObject(with: Data(buffer: mix.body)) as? [String: Any])["error"] as? [String: Any]
            #expect(mixError?["code"] as? Int == 404 && mixError?["type"] as? String == "not_found")
            #expect(mixError?["message"] as? String == "No route for GET /api/nope")

            let wrongMethod = try await client.execute(uri: "/api/sessions/s-1", method: .put)
            #expect(wrongMethod.status == .methodNotAllowed && wrongMethod.headers[.allow] == "DELETE, GET")
            let wrongMethodError = try #require(
                try JSONSerialization.jsonObject(with: Data(buffer: wrongMethod.body)) as? [String: Any])["error"]
                as? [String: Any]
            #expect(wrongMethodError?["code"] as? Int == 405 && wrongMethodError?["type"] as? String == "bad_request")
            #expect(wrongMethodError?["message"] as? String == "PUT is not allowed on /api/sessions/s-1; allowed: DELETE, GET")

            let native = try await client.execute(uri: "/v1/nope?x=1", method: .post)
            let nativeError = try #require(
                try JSONSerialization.jsonObject(with: Data(buffer: native.body)) as? [String: Any])["error"] as? [String: Any]
            #expect(native.status == .notFound)
            #expect(nativeError?["status"] as? Int == 404 && nativeError?["code"] as? String == "route_not_found")
            #expect(nativeError?["message"] as? String == "No route for POST /v1/nope")

            let nativeMethod = try await client.execute(uri: "/v1/events/batch", method: .get)
            #expect(nativeMethod.status == .methodNotAllowed && nativeMethod.headers[.allow] == "POST")
            // The router takes a literal segment before a capture and keeps to it: `list` is POST's alone, even though
            // `GET /v1/agents/sessions/{id}` exists; the same for a Mix file named `upload`.
            for (uri, method) in [
                ("/v1/agents/sessions/list", HTTPRequest.Method.get), ("/api/sessions/s-1/files/upload", .delete),
            ] {
                let literal = try await client.execute(uri: uri, method: method)
                #expect(literal.status == .methodNotAllowed && literal.headers[.allow] == "POST", "\(uri)")
            }

            let mixpeek = try await client.execute(uri: "/v1/agents/nope", method: .get)
            let mixpeekBody = try #require(
                try JSONSerialization.jsonObject(with: Data(buffer: mixpeek.body)) as? [String: Any])
            #expect(mixpeek.status == .notFound && mixpeekBody["success"] as? Bool == false)
            #expect((mixpeekBody["error"] as? [String: Any])?["type"] as? String == "NotFoundError")

            let health = try await client.execute(uri: "/health", method: .get)
            #expect(health.status == .ok)
        }
    }
}
