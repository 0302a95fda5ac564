import Blobs
import EventLog
import Foundation
import Hummingbird
import Projections
import Sessions

extension APIError {
    /// Maps any error to the one ``APIError`` the API reports for it; the only place statuses are chosen.
    ///
    /// Domain errors map case by case (an exhaustive `switch`, so a new case does not compile until someone
    /// decides its status); anything unexpected becomes ``internalError``, and the caller logs it.
    /// - Parameter error: What a handler or middleware threw.
    /// - Returns: The status, code, message and field to render.
    public static func mapping(_ error: any Error) -> APIError {
        switch error {
        case let error as APIError: error
        case let error as SessionError: mapping(error)
        case let error as ProjectionError: mapping(error)
        case let error as EventLogError: mapping(error)
        case let error as BlobStoreError: mapping(error)
        case is DamagedBlob:
            // Retrying does not help; uploading the same bytes again replaces the damaged copy.
            APIError(
                status: .internalServerError, code: "file_damaged",
                message: "the stored file's bytes no longer match their checksum (damaged on disk); upload it again")
        case is BlobStoreUnavailable:
            // Nothing recorded: an upload appends its event only after the bytes are stored.
            APIError(
                status: .serviceUnavailable, code: "storage_unavailable",
                message: "the database holding session files cannot be reached; retry later", retryable: true,
                retryAfterSeconds: 1)
        case let error as RequestBodyError: mapping(error)
        case let error as DecodingError: mapping(error)
        case let error as HTTPError:
            APIError(
                status: error.status, code: error.status.code == 413 ? "payload_too_large" : "http_error",
                message: error.body ?? error.status.reasonPhrase)
        case is CancellationError:
            // The request may have been recorded before it was cancelled: not safe to repeat blindly.
            APIError(
                status: .serviceUnavailable, code: "shutting_down", message: "the server is shutting down",
                retryable: false)
        default: internalError
        }
    }

    static func mapping(_ error: SessionError) -> APIError {
        switch error {
        case .validation(let field, let message):
            APIError(status: .badRequest, code: error.code, message: message, field: field)
        case .sessionNotFound, .messageNotFound, .toolCallNotFound, .fileNotFound:
            APIError(status: .notFound, code: error.code, message: error.message, field: error.field)
        case .conflict(let field, let message):
            APIError(status: .conflict, code: error.code, message: message, field: field)
        case .invalidState(_, let message):
            APIError(status: .badRequest, code: error.code, message: message)
        case .quotaExceeded(let quota, let message) where quota == "rate_limit_messages_per_minute":
            APIError(
                status: .tooManyRequests, code: error.code, message: message, field: error.field, retryable: true,
                retryAfterSeconds: 60)
        case .quotaExceeded(_, let message):
            // A spent session quota never comes back.
            APIError(status: .tooManyRequests, code: error.code, message: message, field: error.field, retryable: false)
        case .unknownEventType, .unsupportedSchemaVersion, .undecodableEvent, .unencodableEvent:
            internalError
        }
    }

    static func mapping(_ error: ProjectionError) -> APIError {
        switch error {
        case .wrongExpectedVersion(_, let expected, let actual):
            APIError(
                status: .conflict, code: "wrong_expected_version",
                message: "expected version \(expected) but the session is at version \(actual)", field: "If-Match")
        case .diskFull:
            // The log may already hold the change; only the read models could not take it.
            APIError(
                status: .insufficientStorage, code: "insufficient_storage",
                message: "the server's disk is full; the change may be recorded but cannot be applied yet, "
                    + "retry (with the same Idempotency-Key) once space is freed")
        case .contended(_, let attempts):
            APIError(
                status: .serviceUnavailable, code: "session_contended",
                message: "the session kept changing under \(attempts) attempts to record this change (other nodes "
                    + "writing to it); nothing was recorded, retry",
                retryable: true, retryAfterSeconds: 1)
        case .replayStopped:
            // The change may be in the log already.
            APIError(
                status: .serviceUnavailable, code: "projections_unavailable", message: "projections are not running",
                retryable: false)
        case .checkpointAheadOfLog, .checkpointConflict, .newerSchema, .undecodableRecord, .database, .io:
            internalError
        }
    }

    static func mapping(_ error: EventLogError) -> APIError {
        switch error {
        case .wrongExpectedVersion(_, _, let actual):
            APIError(
                status: .conflict, code: "wrong_expected_version",
                message: "the session changed concurrently (now at version \(actual))", field: "If-Match")
        case .idempotencyConflict:
            APIError(
                status: .conflict, code: "idempotency_conflict",
                message: "the idempotency key was already used for a different request", field: "Idempotency-Key")
        case .invalidAppend(let reason):
            APIError(status: .badRequest, code: "invalid_append", message: reason)
        case .closed:
            APIError(
                status: .serviceUnavailable, code: "shutting_down", message: "the server is shutting down",
                retryable: true, retryAfterSeconds: 1)
        case .io(_, _, let code) where code == ENOSPC || code == EDQUOT:
            APIError(
                status: .insufficientStorage, code: "insufficient_storage",
                message: "the server's disk is full; nothing was recorded, retry once space is freed")
        case .failed:
            APIError(
                status: .serviceUnavailable, code: "storage_failed",
                message: "the event log stopped accepting writes after a disk error; nothing was recorded",
                retryable: false)
        case .io:
            APIError(
                status: .serviceUnavailable, code: "storage_error",
                message: "the server could not write to its disk; nothing was recorded, retry later",
                retryable: true, retryAfterSeconds: 1)
        case .unavailable:
            APIError(
                status: .serviceUnavailable, code: "log_unavailable",
                message: "the event log's database cannot be reached; the change was not acknowledged, retry later "
                    + "(with the same Idempotency-Key)",
                // Not acknowledged is not "not recorded": only a retry with the same key is safe.
                retryable: false)
        case .refused:
            // The database's own message stays in the server's log: it may name tables and values.
            APIError(
                status: .internalServerError, code: "log_refused",
                message: "the event log's database refused the change; nothing was recorded")
        case .unsupported(let operation, _):
            APIError(status: .notImplemented, code: "not_supported", message: "\(operation) is not supported by this log")
        case .directoryLocked, .corruption, .missingDictionary, .compression, .invalidCompaction, .notEmpty, .readOnly:
            internalError
        }
    }

    /// A session file's bytes could not be stored or read (the directory blob store); the upload recorded nothing,
    /// since its event is appended only after the bytes are stored.
    static func mapping(_ error: BlobStoreError) -> APIError {
        if error.errno == ENOSPC || error.errno == EDQUOT {
            return APIError(
                status: .insufficientStorage, code: "insufficient_storage",
                message: "the server's disk is full; the file was not stored, retry once space is freed")
        }
        return APIError(
            status: .serviceUnavailable, code: "storage_error",
            message: "the server could not read or write the file's bytes on its disk; retry later",
            retryable: true, retryAfterSeconds: 1)
    }

    static func mapping(_ error: RequestBodyError) -> APIError {
        switch error {
        case .missing:
            APIError(status: .badRequest, code: "validation_error", message: "request body is required", field: "body")
        case .tooLarge(let limit):
            APIError(
                status: .contentTooLarge, code: "payload_too_large",
                message: "request body exceeds the limit of \(limit) bytes", field: "body")
        case .tooSlow(let timeout):
            // Nothing was decided or appended: the body never wholly arrived.
            APIError(
                status: .requestTimeout, code: "body_too_slow",
                message: "request body did not arrive within \(timeout.formattedSeconds) s", field: "body")
        case .malformed(let reason):
            APIError(status: .badRequest, code: "validation_error", message: "Invalid JSON: \(reason)", field: "body")
        case .unknownField(let name):
            APIError(status: .badRequest, code: "validation_error", message: "json: unknown field \"\(name)\"", field: "body")
        case .extraForbidden(let name, let accepted):
            APIError(
                status: .unprocessableContent, code: "extra_forbidden",
                message: "Extra inputs are not permitted: '\(name)'; accepted keys: \(accepted.joined(separator: ", "))",
                field: name)
        case .invalidParameter(let name, let reason):
            APIError(status: .badRequest, code: "validation_error", message: reason, field: name)
        }
    }

    static func mapping(_ error: DecodingError) -> APIError {
        mapping(RequestBodyError.malformed(reason: DecodingError.describe(error)))
    }
}

extension DecodingError {
    /// A short description naming the JSON path, without echoing the request's values.
    static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            let path = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }
                .joined(separator: ".").replacingOccurrences(of: ".[", with: "[")
            return path.isEmpty ? "body" : path
        }
        switch error {
        case .typeMismatch(let type, let context): return "\(path(context)): expected \(jsonKind(type))"
        case .valueNotFound(let type, let context): return "\(path(context)): expected \(jsonKind(type)), found null"
        case .keyNotFound(let key, let context):
            let parent = path(context)
            return parent == "body" ? "missing field '\(key.stringValue)'" : "\(parent): missing field '\(key.stringValue)'"
        case .dataCorrupted(let context):
            return context.codingPath.isEmpty ? "the body is not valid JSON" : "\(path(context)): invalid value"
        @unknown default: return "the body could not be decoded"
        }
    }

    /// What JSON calls the Swift type `JSONDecoder` expected, so that no Swift type name reaches a client.
    static func jsonKind(_ type: Any.Type) -> String {
        let name = String(describing: type)
        if name.hasPrefix("Dictionary") { return "an object" }
        if name.hasPrefix("Array") { return "an array" }
        switch name {
        case "String": return "a string"
        case "Bool": return "true or false"
        case "Int", "Int8", "Int16", "Int32", "Int64", "UInt", "UInt8", "UInt16", "UInt32", "UInt64", "Double", "Float",
            "Decimal":
            return "a number"
        default: return "another type"
        }
    }
}

extension HTTPResponse.Status {
    /// 507: the server cannot store what the request needs (a full disk).
    static let insufficientStorage = HTTPResponse.Status(code: 507, reasonPhrase: "Insufficient Storage")
}
