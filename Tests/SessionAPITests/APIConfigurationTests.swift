import Testing

@testable import SessionAPI

struct APIConfigurationTests {
    @Test(arguments: ["127.0.0.1", "localhost", "::1", "127.0.0.2"])
    func loopbackNeedsNoKeys(host: String) throws {
        var configuration = APIConfiguration()
        configuration.host = host
        try configuration.validate(hasKeys: false)
    }

    @Test func nonLoopbackWithKeysIsServed() throws {
        var configuration = APIConfiguration()
        configuration.host = "0.0.0.0"
        try configuration.validate(hasKeys: true)
    }

    @Test func nonLoopbackWithoutKeysIsRefused() {
        var configuration = APIConfiguration()
        configuration.host = "0.0.0.0"
        #expect(throws: APIConfigurationError.nonLoopbackWithoutKeys(host: "0.0.0.0")) { try configuration.validate(hasKeys: false) }
    }
}
