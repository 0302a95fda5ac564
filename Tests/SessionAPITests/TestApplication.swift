import Foundation
import Hummingbird
import HummingbirdTesting
import SessionAPI
import TestSupport

/// Builds the application on a fresh temporary data directory and runs `body` against it; `configure` may
/// change the configuration and prepare the data directory (create API keys) first.
func withTestApplication<T>(
    _ testing: TestingSetup = .router,
    configure: (inout APIConfiguration) throws -> Void = { _ in },
    _ body: @Sendable (any TestClientProtocol) async throws -> T
) async throws -> T {
    try await withTemporaryDirectory { directory in
        var configuration = testConfiguration(dataDirectory: directory)
        try configure(&configuration)
        let app = try await buildApplication(configuration: configuration)
        return try await app.test(testing, body)
    }
}

/// A daemon's configuration for tests: data in `dataDirectory`, no fsync, any free port.
func testConfiguration(dataDirectory: String) -> APIConfiguration {
    var configuration = APIConfiguration()
    configuration.dataDirectory = dataDirectory
    configuration.durability = .none
    configuration.port = 0
    return configuration
}

extension TestResponse {
    /// The body decoded as a JSON object.
    var json: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(buffer: body))) as? [String: Any] ?? [:]
    }

    /// The body decoded as a JSON array.
    var jsonArray: [[String: Any]] {
        (try? JSONSerialization.jsonObject(with: Data(buffer: body))) as? [[String: Any]] ?? []
    }
}

/// A JSON request body.
func jsonBody(_ text: String) -> ByteBuffer { ByteBuffer(string: text) }
