/// An event as the log stores it: wire type, schema version and a JSON body.
///
/// The body is compact JSON with sorted camelCase keys, so the same event always encodes to the same bytes.
public struct EncodedEvent: Sendable, Equatable {
    /// The wire type, e.g. `message.appended`.
    public var type: String
    /// The body's schema version for ``type``.
    public var schemaVersion: UInt16
    /// The JSON body, UTF-8.
    public var body: [UInt8]

    /// Creates an encoded event.
    public init(type: String, schemaVersion: UInt16, body: [UInt8]) {
        self.type = type
        self.schemaVersion = schemaVersion
        self.body = body
    }
}
