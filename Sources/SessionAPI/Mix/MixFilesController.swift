import Blobs
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import NIOPosix
import Projections
import Sessions

/// Mix session files (`/api/sessions/{id}/files…`): the bytes go to the content-addressed blob store, the
/// attachment is a `file.added` / `file.removed` event, and a file is found by its name among the session's
/// live files in the projection.
struct MixFilesController {
    let backend: SessionBackend
    /// Uploads read at once (``APIConfiguration/maximumConcurrentUploads``); the others wait before reading.
    let uploads: ConcurrencyLimit

    init(backend: SessionBackend) {
        self.backend = backend
        uploads = ConcurrencyLimit(
            backend.configuration.maximumConcurrentUploads, queue: 4 * backend.configuration.maximumConcurrentUploads)
    }

    func addRoutes(to group: RouterGroup<SessionRequestContext>) {
        group.get("sessions/:id/files", use: list)
        group.post("sessions/:id/files/upload", use: upload)
        group.get("sessions/:id/files/:filename", use: get)
        group.delete("sessions/:id/files/:filename", use: delete)
    }

    @Sendable func list(_ request: Request, context: SessionRequestContext) async throws -> Response {
        let id = try context.sessionID()
        let files = try await backend.session(id, namespace: context.namespace).files.sorted { $0.added.name < $1.added.name }
        return try .json(files.map { MixFileInfo($0, sessionID: id) })
    }

    /// The form field `file` (its part's file name and content type name the file); 201 with its `FileInfo`.
    /// A file of the same name is replaced; a file over the upload limit is 413.
    @Sendable func upload(_ request: Request, context: SessionRequestContext) async throws -> Response {
        let id = try context.sessionID()
        _ = try await backend.session(id, namespace: context.namespace)
        let limit = backend.configuration.maximumUploadBytes
        let contentType = request.headers[.contentType]
        let part = try await storeUpload(request, limit: limit, contentType: contentType)
        let command = AddFile(
            sessionID: id, name: part.name, mediaType: part.mediaType, byteCount: part.byteCount, sha256: part.digest.hex)
        let result = try await backend.execute(
            .addFile(command), namespace: context.namespace, options: context.writeOptions(request))
        var added: Set<FileID> = []
        for case .fileAdded(let event) in result.events { added.insert(event.fileID) }
        // A retried request (same Idempotency-Key) appends nothing: answer with the file of that name.
        let session = try await backend.session(id, namespace: context.namespace)
        guard
            let file = session.files.first(where: { added.contains($0.id) })
                ?? session.files.first(where: { $0.added.name == part.name })
        else { throw APIError.internalError }
        return try .json(MixFileInfo(file, sessionID: id), status: .created)
    }

    /// Reads the upload's `file` part, checks its name and media type, and stores its bytes: with at most
    /// ``APIConfiguration/maximumConcurrentUploads`` others at once (each holds its body several times over), a few
    /// more waiting, and any beyond those answered 503 at once rather than left waiting until their connection is
    /// closed as idle.
    private func storeUpload(_ request: Request, limit: Int, contentType: String?) async throws
        -> (name: String?, mediaType: String?, byteCount: Int, digest: BlobDigest)
    {
        do {
            return try await uploads.run {
                let body: ByteBuffer
                do {
                    // Room for the part headers and boundaries around a file of the largest allowed size.
                    body = try await request.collectBody(
                        limit: limit + 64 * 1024, timeout: backend.configuration.bodyReadTimeout,
                        timingTheFirstPart: true)
                } catch RequestBodyError.tooSlow(let timeout) {
                    throw APIError(
                        status: .requestTimeout, code: "upload_too_slow",
                        message: "the upload's body did not arrive within \(timeout.formattedSeconds) s")
                }
                // Copying up to 32 MiB and scanning it for the boundaries happen off the loop.
                let part = try await NIOThreadPool.singleton.runIfActive {
                    let form = try MultipartForm(contentType: contentType, body: Array(buffer: body))
                    guard let part = form.part(named: "file") else {
                        throw APIError(
                            status: .badRequest, code: "validation_error", message: "file is required", field: "file")
                    }
                    guard part.bytes.count <= limit else {
                        throw APIError(
                            status: .contentTooLarge, code: "payload_too_large",
                            message: "File too large (max \(limit >> 20)MB)", field: "file")
                    }
                    return (name: part.filename, mediaType: part.mediaType, bytes: Array(part.bytes))
                }
                // Before the bytes are stored: a refused name leaves no blob behind.
                _ = try Session.validateFile(name: part.name, mediaType: part.mediaType)
                let digest = try await backend.blobs.write(part.bytes)
                return (name: part.name, mediaType: part.mediaType, byteCount: part.bytes.count, digest: digest)
            }
        } catch is ConcurrencyLimit.Full {
            throw APIError(
                status: .serviceUnavailable, code: "too_many_uploads",
                message: "too many uploads at once; retry shortly", retryable: true, retryAfterSeconds: 1)
        }
    }

    /// The file's bytes with the media type it was uploaded with. `thumb` and `time` are validated but no
    /// thumbnail is made: the original is served.
    @Sendable func get(_ request: Request, context: SessionRequestContext) async throws -> Response {
        try validateThumbnailParameters(request)
        let file = try await liveFile(context)
        guard let digest = file.added.sha256.flatMap(BlobDigest.init(hex:)) else {
            throw APIError(
                status: .notFound, code: "file_not_found",
                message: "File '\(file.added.name)' has no stored content", field: "filename")
        }
        guard let bytes = try await backend.blobs.read(digest) else {
            // The event names bytes the store does not have: a damaged blob store, not a client error.
            throw APIError.internalError
        }
        // The copy into a buffer (up to the upload limit) happens off the loop.
        let buffer = try await NIOThreadPool.singleton.runIfActive { ByteBuffer(bytes: bytes) }
        var headers = HTTPFields()
        headers[.contentType] = file.added.mediaType ?? "application/octet-stream"
        // The uploader chose the media type: a browser opening the file on this origin (the console's) must not
        // run it as a page or guess another type. Sandboxed, an HTML or SVG file shows inert.
        headers[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
        headers[ConsoleController.contentSecurityPolicy] = "sandbox; default-src 'none'"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: buffer))
    }

    /// Detaches the file (`file.removed`); its bytes stay for other references and as-of reads.
    @Sendable func delete(_ request: Request, context: SessionRequestContext) async throws -> Response {
        let file = try await liveFile(context)
        let command = RemoveFile(sessionID: try context.sessionID(), fileID: file.id)
        _ = try await backend.execute(
            .removeFile(command), namespace: context.namespace, options: context.writeOptions(request))
        return Response(status: .noContent)
    }

    /// The session's live file named by the `filename` path parameter; 404 for an unknown session or name.
    private func liveFile(_ context: SessionRequestContext) async throws -> SessionFile {
        let id = try context.sessionID()
        let name = context.pathParameter("filename") ?? ""
        guard let file = try await backend.session(id, namespace: context.namespace).files.first(where: { $0.added.name == name })
        else {
            throw APIError(
                status: .notFound, code: "file_not_found", message: "File '\(name)' not found", field: "filename")
        }
        return file
    }

    private func validateThumbnailParameters(_ request: Request) throws {
        if let thumb = request.uri.queryParameters.get("thumb"),
            thumb.wholeMatch(of: #/(\d+|w\d+|h\d+)/#) == nil
        {
            throw RequestBodyError.invalidParameter(
                name: "thumb", reason: "thumb must be a size: '100' (box), 'w100' (width) or 'h100' (height)")
        }
        if let time = request.uri.queryParameters.get("time"), Double(time).map({ (0...86_400).contains($0) }) != true {
            throw RequestBodyError.invalidParameter(name: "time", reason: "time must be a number between 0 and 86400")
        }
    }
}
