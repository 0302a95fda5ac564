import Foundation
import Hummingbird
import NIOCore

/// `GET /openapi.json`: the OpenAPI 3.1 document of every route, shipped as the resource
/// `OpenAPI/openapi.json` (the one source; `OpenAPIDocumentTests` keeps it and the router in step).
struct OpenAPIController {
    let document: ByteBuffer

    /// Reads the document from the module's resources.
    /// - Throws: `CocoaError` when the resource is missing from the build.
    init() throws {
        document = ByteBuffer(bytes: try Self.documentBytes())
    }

    func addRoutes(to group: RouterGroup<SessionRequestContext>) {
        group.get("openapi.json", use: serve)
    }

    @Sendable func serve(_ request: Request, context: SessionRequestContext) async throws -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: document))
    }

    /// The document's bytes.
    static func documentBytes() throws -> Data {
        guard let url = Bundle.module.url(forResource: "openapi", withExtension: "json") else {
            throw CocoaError(.fileNoSuchFile)
        }
        return try Data(contentsOf: url)
    }
}
