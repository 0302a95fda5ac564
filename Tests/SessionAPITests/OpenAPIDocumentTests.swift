import Foundation
import Hummingbird
import TestSupport
import Testing

@testable import SessionAPI

/// The OpenAPI document and the router describe the same routes: a route added without documenting it, or
/// documentation of a route that does not exist, fails here.
struct OpenAPIDocumentTests {
    static let methods: Set<String> = ["get", "put", "post", "delete", "options", "head", "patch", "trace"]

    @Test func documentListsExactlyTheRegisteredRoutes() async throws {
        let document = try #require(
            try JSONSerialization.jsonObject(with: OpenAPIController.documentBytes()) as? [String: Any])
        #expect(document["openapi"] as? String == "3.1.0")
        let paths = try #require(document["paths"] as? [String: [String: Any]])
        let documented = Set(
            paths.flatMap { path, item in item.keys.filter(Self.methods.contains).map { "\($0.uppercased()) \(path)" } })
        let registered = try await withTemporaryDirectory { directory in
            var configuration = APIConfiguration()
            configuration.dataDirectory = directory
            configuration.durability = .none
            let backend = try await SessionBackend.open(configuration: configuration)
            let router = makeRouter(
                backend: backend, keyring: try APIKeyring(store: APIKeyStore(directory: directory)),
                openAPI: try OpenAPIController())
            await backend.log.close()
            return Set(router.routes.map { "\($0.method.rawValue) \($0.path)" })
        }
        #expect(registered.count > 20)
        #expect(registered.subtracting(documented).sorted() == [], "routes missing from openapi.json")
        #expect(documented.subtracting(registered).sorted() == [], "documented routes the router does not have")
    }

    /// Every JSON request and response names its shape: no bare `{"type":"object"}` (responses are validated
    /// against these schemas by tools/conformance/test_openapi.py).
    @Test func everyJSONBodyHasARealSchema() throws {
        let document = try #require(
            try JSONSerialization.jsonObject(with: OpenAPIController.documentBytes()) as? [String: Any])
        let paths = try #require(document["paths"] as? [String: [String: Any]])
        var generic: [String] = []
        for (path, item) in paths {
            for (method, value) in item where Self.methods.contains(method) {
                let operation = try #require(value as? [String: Any])
                var bodies: [(String, Any?)] = []
                if let request = operation["requestBody"] as? [String: Any] {
                    bodies.append(("request", (request["content"] as? [String: Any])?["application/json"]))
                }
                for (status, response) in operation["responses"] as? [String: [String: Any]] ?? [:] {
                    bodies.append((status, (response["content"] as? [String: Any])?["application/json"]))
                }
                for (name, media) in bodies {
                    guard let media = media as? [String: Any] else { continue }
                    let schema = media["schema"] as? [String: Any] ?? [:]
                    let items = schema["items"] as? [String: Any]
                    let alternatives = schema["anyOf"] as? [[String: Any]]
                    let isGeneric = schema["$ref"] == nil && schema["properties"] == nil && schema["allOf"] == nil
                        && !(alternatives.map { !$0.isEmpty && $0.allSatisfy { $0["$ref"] != nil } } ?? false)
                        && (items == nil || (items?["$ref"] == nil && items?["properties"] == nil))
                    if isGeneric { generic.append("\(method.uppercased()) \(path) \(name)") }
                }
            }
        }
        #expect(generic.sorted() == [], "bodies without a schema")
    }

    @Test func documentIsServed() async throws {
        try await withTestApplication { client in
            let response = try await client.execute(uri: "/openapi.json", method: .get)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "application/json")
            #expect(response.json["openapi"] as? String == "3.1.0")
        }
    }
}
