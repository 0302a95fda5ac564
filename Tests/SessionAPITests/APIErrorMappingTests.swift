import Blobs
import EventLog
import Foundation
import Projections
import Sessions
import Testing

@testable import SessionAPI

/// One case per mapping of `APIError+mapping.swift`: the status and code every error gets.
struct APIErrorMappingTests {
    struct Unexpected: Error {}

    static let cases: [(name: String, error: any Error & Sendable, status: Int, code: String)] = [
        ("validation", SessionError.validation(field: "title", message: "title is required"), 400, "validation_error"),
        ("sessionNotFound", SessionError.sessionNotFound("s"), 404, "session_not_found"),
        ("messageNotFound", SessionError.messageNotFound("m"), 404, "message_not_found"),
        ("toolCallNotFound", SessionError.toolCallNotFound("t"), 404, "tool_call_not_found"),
        ("fileNotFound", SessionError.fileNotFound("f"), 404, "file_not_found"),
        ("conflict", SessionError.conflict(field: "messageId", message: "exists"), 409, "conflict"),
        ("invalidState", SessionError.invalidState(status: .terminated, message: "closed"), 400, "invalid_state_transition"),
        ("quotaExceeded", SessionError.quotaExceeded(quota: "max_messages", message: "quota"), 429, "quota_exceeded"),
        ("unknownEventType", SessionError.unknownEventType("x"), 500, "internal_error"),
        ("unsupportedSchemaVersion", SessionError.unsupportedSchemaVersion(type: "x", schemaVersion: 9, newest: 1), 500, "internal_error"),
        ("undecodableEvent", SessionError.undecodableEvent(type: "x", schemaVersion: 1, reason: "r"), 500, "internal_error"),
        ("unencodableEvent", SessionError.unencodableEvent(type: "x", reason: "r"), 500, "internal_error"),
        ("wrongExpectedVersion", ProjectionError.wrongExpectedVersion(session: "s", expected: 1, actual: 2), 409, "wrong_expected_version"),
        ("replayStopped", ProjectionError.replayStopped(reason: "r"), 503, "projections_unavailable"),
        ("contended", ProjectionError.contended(session: "s", attempts: 16), 503, "session_contended"),
        ("projectionDiskFull", ProjectionError.diskFull(operation: "apply"), 507, "insufficient_storage"),
        ("projectionDatabase", ProjectionError.database(operation: "o", reason: "r"), 500, "internal_error"),
        ("logWrongExpectedVersion", EventLogError.wrongExpectedVersion(stream: "s", expected: .exact(1), actual: 2), 409, "wrong_expected_version"),
        ("logInvalidAppend", EventLogError.invalidAppend(reason: "r"), 400, "invalid_append"),
        ("logClosed", EventLogError.closed, 503, "shutting_down"),
        ("logCorruption", EventLogError.corruption(file: "f", offset: 0, reason: "r"), 500, "internal_error"),
        ("logDiskFull", EventLogError.io(operation: "pwrite", path: "p", errno: ENOSPC), 507, "insufficient_storage"),
        ("logQuotaFull", EventLogError.io(operation: "pwrite", path: "p", errno: EDQUOT), 507, "insufficient_storage"),
        ("logIOError", EventLogError.io(operation: "fdatasync", path: "p", errno: EIO), 503, "storage_error"),
        ("logFailed", EventLogError.failed(reason: "r"), 503, "storage_failed"),
        ("logUnavailable", EventLogError.unavailable(reason: "connection refused"), 503, "log_unavailable"),
        ("logUnsupported", EventLogError.unsupported(operation: "compaction", reason: "r"), 501, "not_supported"),
        // Only the offline commands open a log read-only; a daemon never does.
        ("logReadOnly", EventLogError.readOnly(operation: "append", location: "d"), 500, "internal_error"),
        ("blobDiskFull", BlobStoreError(operation: "write", path: "p", errno: ENOSPC), 507, "insufficient_storage"),
        ("blobQuotaFull", BlobStoreError(operation: "write", path: "p", errno: EDQUOT), 507, "insufficient_storage"),
        ("blobIOError", BlobStoreError(operation: "fsync", path: "p", errno: EIO), 503, "storage_error"),
        ("blobStoreUnavailable", BlobStoreUnavailable(reason: "connection refused"), 503, "storage_unavailable"),
        ("bodyMissing", RequestBodyError.missing, 400, "validation_error"),
        ("bodyTooLarge", RequestBodyError.tooLarge(limit: 10), 413, "payload_too_large"),
        ("bodyTooSlow", RequestBodyError.tooSlow(timeout: .seconds(120)), 408, "body_too_slow"),
        ("bodyMalformed", RequestBodyError.malformed(reason: "r"), 400, "validation_error"),
        ("bodyUnknownField", RequestBodyError.unknownField("foo"), 400, "validation_error"),
        ("bodyExtraForbidden", RequestBodyError.extraForbidden("foo", accepted: ["a"]), 422, "extra_forbidden"),
        ("invalidParameter", RequestBodyError.invalidParameter(name: "limit", reason: "r"), 400, "validation_error"),
        ("cancellation", CancellationError(), 503, "shutting_down"),
        ("unexpected", Unexpected(), 500, "internal_error"),
    ]

    @Test(arguments: cases.indices)
    func mapsEachErrorOnce(_ index: Int) {
        let entry = Self.cases[index]
        let mapped = APIError.mapping(entry.error)
        #expect(mapped.status.code == entry.status, "\(entry.name)")
        #expect(mapped.code == entry.code, "\(entry.name)")
    }

    @Test func validationKeepsTheContractMessageAndField() {
        let mapped = APIError.mapping(SessionError.validation(field: "title", message: "title is required"))
        #expect(mapped.message == "title is required")
        #expect(mapped.field == "title")
        #expect(mapped.mixType == "validation_error")
    }

    @Test func unexpectedErrorsHideTheirCause() {
        struct Secret: Error { let prompt = "do not leak" }
        let mapped = APIError.mapping(Secret())
        #expect(mapped.message == "Internal error")
    }
}
