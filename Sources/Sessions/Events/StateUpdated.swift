/// Keys of a session's key-value state were set: an ADK `state_delta`, at create or with an event.
///
/// Keys prefixed `app:` belong to every session of the session's app, keys prefixed `user:` to every session
/// of its app and user; the projections share them across those sessions, as ADK's own services do. Other
/// keys are the session's own. `temp:` keys never reach an event (``Session/decide(_:state:context:)``
/// drops them). Values replace; a delta never deletes a key. Wire type `state.updated`, schema version 1.
public struct StateUpdated: Sendable, Equatable, Codable {
    /// The keys set and their new values (never empty).
    public var delta: JSONObject

    /// Creates the event.
    public init(delta: JSONObject) {
        self.delta = delta
    }
}
