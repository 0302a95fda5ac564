import Foundation
import Sessions

/// Generates realistic session histories as real ``Sessions/SessionEvent``s: a Mix session's creation, then
/// turns of a user message starting a run, tool-using assistant steps with token usage, cost and latency,
/// tool messages with multi-line results, a final reply ending the run, and occasional rewinds.
///
/// Deterministic for a seed; the text comes from ``AgentCorpus``'s vocabularies (Zipf-distributed words,
/// shell output, code), so `sessiond-bench log` and `sessiond-bench projections` replay the same kind of
/// bytes. Events are valid by construction (every id unique within its session, results after their calls),
/// so they can be appended without deciding commands.
public struct SessionCorpus: Sendable {
    private var corpus: AgentCorpus
    /// Percent of turns that end with a rewind to the turn's user message.
    public var rewindPercent: Int

    /// Creates a generator.
    /// - Parameters:
    ///   - seed: The seed; the same seed gives the same events.
    ///   - rewindPercent: Percent of turns that end with a rewind.
    public init(seed: UInt64, rewindPercent: Int = 3) {
        corpus = AgentCorpus(seed: seed)
        self.rewindPercent = rewindPercent
    }

    /// The `session.created` event of a Mix session (titled after its number).
    public static func creation(session: String, number: Int) -> SessionEvent {
        .created(SessionCreated(
            sessionID: SessionID(rawValue: session)!, namespace: "default", origin: .mix,
            title: "Agent session \(number)", browserMode: .localBrowserService))
    }

    /// The events of turn `turn` of a session (message ids are unique per turn number).
    public mutating func turn(session: String, turn: Int) -> [SessionEvent] {
        corpus.sessionTurn(session: session, turn: turn, rewindPercent: rewindPercent)
    }

    /// A session id of the usual UUID shape, derived from `number`.
    public static func sessionID(_ number: Int) -> String { AgentCorpus.sessionID(number) }
}
