import EventLog
import Foundation
import Logging
import NIOCore
import Projections

/// How `sessiond serve` (and the tests) build the HTTP daemon: where it listens, where its data lives, and the
/// bounds it enforces. API keys are not configured here: they live in the data directory's key file
/// (``APIKeyStore``), managed with `sessiond keys`.
///
/// A `Sendable` struct of `var`s with defaults; ``validate(hasKeys:)`` refuses a configuration that would
/// expose the store without keys.
public struct APIConfiguration: Sendable {
    /// The address to bind; loopback by default.
    public var host = "127.0.0.1"
    /// The TCP port; 0 picks a free one.
    public var port = 8088
    /// The data directory: the log's segments and the projection database live here.
    public var dataDirectory = "./data"
    /// Where the log lives when not in ``dataDirectory``: another directory, or a PostgreSQL database shared by
    /// several nodes (`postgres://…`); `nil` keeps it in the data directory.
    public var logLocation: LogLocation?
    /// Whether an append waits for `fdatasync`.
    public var durability: EventLog.Durability = .fsync
    /// The size at which the log seals a segment and starts the next (tests use small ones).
    public var segmentSize = EventLog.Configuration().segmentSize
    /// Inactivity after which a session reports the Mixpeek status `idle`.
    public var idleTimeout: TimeInterval = 15 * 60
    /// How long a connection may send nothing, with no answer on its way, before it is closed: connections opened
    /// and left silent (or a client gone without closing) would otherwise hold a file descriptor each for good.
    /// Longer than the 60 s idle timeout of common load balancers, which then close first (a balancer reusing a
    /// connection the server is closing answers 502). `nil`: never.
    public var connectionIdleTimeout: Duration? = .seconds(75)
    /// How often an SSE stream sends a `heartbeat` event.
    public var heartbeatInterval: Duration = .seconds(45)
    /// How many SSE events may wait for a slow subscriber before its stream is ended (it resumes with
    /// `Last-Event-ID`).
    public var subscriberBufferSize = 1024
    /// How many bytes of SSE events may wait for a slow subscriber, whatever their number: 1,024 events of a few
    /// MiB each would otherwise be gigabytes per subscriber that stopped reading.
    public var subscriberBufferBytes = 16 << 20
    /// The largest request body accepted; larger ones get 413.
    public var maximumBodyBytes = 4 << 20
    /// Bytes of session states the writer keeps to decide without refolding a session from the log (states without
    /// the messages' contents, about 200 bytes a message; decisions 0036 and 0156). Sessions written at once that
    /// hold more than this are refolded from the log on each write.
    public var stateCacheBytes = SessionWriter.Configuration().cacheByteLimit
    /// Bytes of sessions' latest JSON exports kept, so that loading an unchanged transcript again renders nothing
    /// (decision 0153); 0 keeps none.
    public var exportCacheBytes = ProjectionStore.Configuration().exportCacheBytes
    /// The largest session file accepted by an upload (the Mix contract's 32 MB); larger ones get 413.
    public var maximumUploadBytes = 32 << 20
    /// How many uploads are read and stored at once; the others wait before reading their bodies (each holds its
    /// body, up to ``maximumUploadBytes``, several times over while it is read).
    public var maximumConcurrentUploads = 4
    /// How long a request body may take to arrive once its handler reads it (an upload's: once its turn came);
    /// past it, 408 and nothing recorded. A body trickled in a byte at a time never looks idle to
    /// ``connectionIdleTimeout``, and would otherwise hold its connection and handler (an upload, one of the upload
    /// slots) for as long as it trickles.
    public var bodyReadTimeout: Duration = .seconds(120)
    /// The namespace of sessions created through the Mix API (which has no namespace header).
    public var mixNamespace = "default"
    /// How often the daemon erases permanently deleted sessions from the log, the projection files and the
    /// blob store (decision 0035); `nil` never (run `sessiond compact` instead).
    public var compactionInterval: Duration? = .seconds(3600)
    /// How old an unreferenced blob must be before compaction removes it: an upload writes its blob before the
    /// event naming it is applied.
    public var blobGracePeriod: TimeInterval = 10 * 60
    /// The build version reported by `/health`.
    public var version = "0.1.0"
    /// The environment name reported by `/health`.
    public var environment = "development"
    /// The clock; tests inject a fixed one.
    public var clock: @Sendable () -> Date = { Date() }
    /// Where the daemon logs; a no-op logger by default (tests pass an in-memory one).
    public var logger = Logger(label: "sessiond", factory: { _ in SwiftLogNoOpLogHandler() })
    /// The event loops the server's connections run on; `nil` for SwiftNIO's shared group. Tests that measure the
    /// loops' work give the server loops of its own.
    public var eventLoopGroup: (any EventLoopGroup)?

    /// Creates the default configuration: 127.0.0.1:8088, `./data`, fsync durability.
    public init() {}

    /// Whether ``host`` is a loopback address (`127.0.0.0/8`, `::1`, bracketed or not, or `localhost`). A name
    /// under `localhost` is not: the daemon binds what it resolves to, which `/etc/hosts` or a resolver may make a
    /// network address, and an open daemon must not listen there.
    public var isLoopback: Bool {
        let bare = host.hasPrefix("[") && host.hasSuffix("]") ? host.dropFirst().dropLast() : Substring(host)
        return OpenDaemonOrigin.isLoopback(host: bare, namesUnderLocalhost: false)
    }

    /// Checks that the configuration may be served.
    /// - Parameter hasKeys: Whether the data directory has an active API key.
    /// - Throws: ``APIConfigurationError/nonLoopbackWithoutKeys(host:)`` when ``host`` is not loopback and no
    ///   API key is active.
    public func validate(hasKeys: Bool) throws(APIConfigurationError) {
        if !isLoopback && !hasKeys { throw .nonLoopbackWithoutKeys(host: host) }
    }
}

/// A configuration `sessiond serve` must refuse before it binds.
public enum APIConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Binding a non-loopback address without API keys would serve every session to the network.
    case nonLoopbackWithoutKeys(host: String)

    /// The operator-facing explanation.
    public var description: String {
        switch self {
        case .nonLoopbackWithoutKeys(let host):
            "refusing to listen on \(host) without API keys: bind 127.0.0.1 (the default), or create a key "
                + "first with `sessiond keys create --namespace NAME` on the same --data directory"
        }
    }
}
