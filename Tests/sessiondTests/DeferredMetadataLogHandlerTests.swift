import Logging
import Synchronization
import Testing

@testable import sessiond

/// `serve`'s log handler renders metadata only for a line it writes, and writes what `StreamLogHandler` would.
struct DeferredMetadataLogHandlerTests {
    /// Counts how often it is rendered, as Hummingbird's request id would be.
    final class Counted: CustomStringConvertible, Sendable {
        let renders = Mutex(0)
        var description: String {
            renders.withLock { $0 += 1 }
            return "req-1"
        }
    }

    final class Lines: TextOutputStream, @unchecked Sendable {
        var text = ""
        func write(_ string: String) { text += string }
    }

    @Test func metadataIsRenderedOnlyWhenALineIsWritten() {
        let lines = Lines()
        let id = Counted()
        var logger = Logger(label: "sessiond") { label in
            DeferredMetadataLogHandler(label: label, metadataProvider: nil) {
                StreamLogHandler(label: $0, stream: lines, metadataProvider: nil)
            }
        }
        logger.logLevel = .info
        logger[metadataKey: "hb.request.id"] = .stringConvertible(id)
        logger.debug("below the level")
        #expect(id.renders.withLock { $0 } == 0, "nothing rendered for a request that logs nothing")
        #expect(lines.text.isEmpty)

        logger.info("answered", metadata: ["http.status": "200"])
        #expect(id.renders.withLock { $0 } == 1)
        #expect(lines.text.hasSuffix(" info sessiond: hb.request.id=req-1 http.status=200 [sessiondTests] answered\n"))
    }
}
