import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// `GET /ui/` and `GET /ui/{file}`: the audit console's static files (the `Console/` resources), read once
/// at start-up and served with `Content-Security-Policy: default-src 'self'; img-src 'self' blob:;
/// frame-ancestors 'none'`, so the page can load nothing from another origin, runs no inline script and cannot be
/// framed by another site (clickjacking); `blob:` images are the screenshots the page fetched with the tab's key
/// (decision 0070). The files hold no session data, so they need no key; the
/// page asks the API for everything with the key the user gives it.
struct ConsoleController {
    struct File {
        var bytes: ByteBuffer
        var contentType: String
    }

    let files: [String: File]

    /// A controller serving `files` (tests build one without the resources).
    init(files: [String: File]) {
        self.files = files
    }

    /// Reads every file of the module's `Console` resource folder.
    /// - Throws: `CocoaError` when the folder is missing from the build.
    init() throws {
        guard let folder = Bundle.module.url(forResource: "Console", withExtension: nil) else {
            throw CocoaError(.fileNoSuchFile)
        }
        var files: [String: File] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path) {
            guard let type = Self.contentTypes[(name as NSString).pathExtension] else { continue }
            let data = try Data(contentsOf: folder.appendingPathComponent(name))
            files[name] = File(bytes: ByteBuffer(bytes: data), contentType: type)
        }
        self.init(files: files)
    }

    static let contentTypes = [
        "html": "text/html; charset=utf-8", "css": "text/css; charset=utf-8",
        "js": "text/javascript; charset=utf-8", "svg": "image/svg+xml",
    ]

    static let contentSecurityPolicy = HTTPField.Name("Content-Security-Policy")!
    static let policy = "default-src 'self'; img-src 'self' blob:; frame-ancestors 'none'"

    func addRoutes(to group: RouterGroup<SessionRequestContext>) {
        group.get("ui", use: index)
        group.get("ui/:file", use: file)
    }

    @Sendable func index(_ request: Request, context: SessionRequestContext) async throws -> Response {
        try serve("index.html")
    }

    @Sendable func file(_ request: Request, context: SessionRequestContext) async throws -> Response {
        try serve(context.parameters.get("file") ?? "")
    }

    private func serve(_ name: String) throws -> Response {
        guard let file = files[name] else {
            throw HTTPError(.notFound, message: "No such console file")
        }
        var headers = HTTPFields()
        headers[.contentType] = file.contentType
        headers[Self.contentSecurityPolicy] = Self.policy
        headers[.cacheControl] = "no-cache"
        headers[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: file.bytes))
    }
}
