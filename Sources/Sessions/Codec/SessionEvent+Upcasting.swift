import Foundation

/// Rewrites a body of one schema version into the next one's shape, on the raw JSON.
///
/// An upcaster takes the body as a JSON object of version `n` and returns it as version `n + 1`; it must be
/// total and pure (no clock, no lookups), since replaying the log must always yield the same events.
public typealias EventUpcaster = @Sendable (JSONObject) throws(SessionError) -> JSONObject

extension SessionEvent {
    /// The upcasters of this build, by wire type and the version they read (`n` → `n + 1`).
    ///
    /// Every schema version is 1 today, so the table is empty. When a body changes shape, bump the type's
    /// ``EventType/currentSchemaVersion`` and add the step here, e.g. for a `message.appended` v2 that renamed
    /// `latencyMs` to `latencyMillis`:
    ///
    /// ```swift
    /// [.messageAppended: [1: { body in
    ///     var body = body
    ///     body["latencyMillis"] = body.removeValue(forKey: "latencyMs")
    ///     return body
    /// }]]
    /// ```
    ///
    /// Old records are never rewritten in the log; they are upcast each time they are read.
    public static let upcasters: [EventType: [UInt16: EventUpcaster]] = [:]

    /// Runs the chain of upcasters from `version` up to the type's current version.
    ///
    /// - Parameters:
    ///   - eventType: The record's type.
    ///   - body: The record's JSON body at `version`.
    ///   - version: The body's schema version, lower than the current one.
    ///   - upcasters: The table to use (``upcasters`` in production; tests pass their own).
    ///   - newest: The version to reach; the type's current version by default.
    /// - Returns: The body in the newest version's shape.
    /// - Throws: ``SessionError/undecodableEvent(type:schemaVersion:reason:)`` when the body is not a JSON
    ///   object, a step is missing, or a step fails.
    public static func upcast(
        _ eventType: EventType,
        body: Data,
        from version: UInt16,
        using upcasters: [EventType: [UInt16: EventUpcaster]],
        to newest: UInt16? = nil
    ) throws(SessionError) -> Data {
        let target = newest ?? eventType.currentSchemaVersion
        let object: JSONObject
        do {
            object = try [UInt8](body).withUnsafeBufferPointer { bytes throws(JSONReadError) in
                try JSONReader.read(bytes, as: JSONObject.self)
            }
        } catch {
            throw .undecodableEvent(
                type: eventType.rawValue,
                schemaVersion: version,
                reason: "body is not a JSON object"
            )
        }
        var current = object
        var step = version
        while step < target {
            guard let upcaster = upcasters[eventType]?[step] else {
                throw .undecodableEvent(
                    type: eventType.rawValue,
                    schemaVersion: version,
                    reason: "no upcaster from schema version \(step) to \(step + 1)"
                )
            }
            current = try upcaster(current)
            step += 1
        }
        do {
            return try EventJSON.encoder.encode(current)
        } catch {
            throw .undecodableEvent(type: eventType.rawValue, schemaVersion: version, reason: "upcast body is not JSON")
        }
    }
}
