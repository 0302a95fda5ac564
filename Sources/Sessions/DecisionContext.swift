import Foundation

/// What ``Session/decide(_:state:context:)`` may know besides the command and the state: the time and a
/// source of new ids, injected so that deciding is pure and deterministic in tests.
public struct DecisionContext: Sendable {
    /// The time of the decision (status checks, expiry, rate limits, the default `expires_at`).
    public var now: Date
    /// Makes a new id for a session, message or file that the command did not name; must not return "".
    public var makeID: @Sendable () -> String
    /// The lifetime of a Mixpeek session when its quotas set none: 7 days, as in Mixpeek's examples.
    public var agentSessionLifetime: TimeInterval

    /// Creates a context.
    /// - Parameters:
    ///   - now: The current time, from the caller's clock.
    ///   - makeID: The id generator; ``randomUUID`` in production, a counter in tests.
    ///   - agentSessionLifetime: The default Mixpeek lifetime, in seconds.
    public init(
        now: Date,
        makeID: @escaping @Sendable () -> String = DecisionContext.randomUUID,
        agentSessionLifetime: TimeInterval = 7 * 24 * 3600
    ) {
        self.now = now
        self.makeID = makeID
        self.agentSessionLifetime = agentSessionLifetime
    }

    /// Lowercase UUIDv4 strings, as the Mix backend makes ids.
    public static let randomUUID: @Sendable () -> String = { UUID().uuidString.lowercased() }
}
