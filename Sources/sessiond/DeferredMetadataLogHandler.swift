import Logging

/// Swift-log's `StreamLogHandler` to standard error, except that the metadata is rendered only when a message is
/// logged. `StreamLogHandler` renders its whole metadata to text whenever the metadata changes, and Hummingbird
/// sets a request id on every request's logger: at the default level, where a request logs nothing, that rendering
/// was ≈ 3.6 % of a cached GET's CPU (docs/benchmarks.md, branch gettail2). Lines look the same as before.
struct DeferredMetadataLogHandler: LogHandler {
    let label: String
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]
    var metadataProvider: Logger.MetadataProvider?
    /// The handler that writes a line, given the label (tests: one writing to a string).
    let makeHandler: @Sendable (_ label: String) -> StreamLogHandler

    init(
        label: String, metadataProvider: Logger.MetadataProvider? = LoggingSystem.metadataProvider,
        makeHandler: @escaping @Sendable (String) -> StreamLogHandler = {
            StreamLogHandler.standardError(label: $0, metadataProvider: nil)
        }
    ) {
        self.label = label
        self.metadataProvider = metadataProvider
        self.makeHandler = makeHandler
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        // Merged here in StreamLogHandler's order (own metadata, then the provider's, then the line's), and handed
        // over as the line's, so the line's metadata is rendered once.
        var event = event
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { $1 } }
        if let explicit = event.metadata { merged.merge(explicit) { $1 } }
        event.metadata = merged
        makeHandler(label).log(event: event)
    }
}
