import ArgumentParser
import Workload

/// The workload options shared by `corpus`, `http` and `library`: the same values give the same items.
struct CorpusOptions: ParsableArguments {
    @Option(help: "Seed of the corpus generator.")
    var seed: UInt64 = 2026

    @Option(help: "Sessions besides the long one.")
    var sessions = 200

    @Option(help: "Turns per session (a turn: user message, 0-3 tool calls with results, the reply; 3% end in a rewind).")
    var turns = 10

    @Option(help: "Messages of the long session whose transcript loads are timed (0: none).")
    var longSessionMessages = 1_000

    static let longSessionID = "long-session"

    func items() -> [CorpusItem] {
        var generator = SessionCorpus(seed: seed)
        return generator.items(sessions: sessions, turns: turns, longSessionMessages: longSessionMessages)
    }

    /// The corpus in its two append phases: every session but the long one, loaded concurrently (the throughput
    /// figure: an agent platform writes many sessions at once), then the long session alone, one item after the
    /// other (the latency of one agent's appends). Every store in `tools/bench` loads the same phases.
    static func phases(_ items: [CorpusItem]) -> (concurrent: [CorpusItem], sequential: [CorpusItem]) {
        (items.filter { $0.session != longSessionID }, items.filter { $0.session == longSessionID })
    }

    /// The corpus sessions in the order they were created.
    static func sessionOrder(_ items: [CorpusItem]) -> [String] {
        items.filter { $0.kind == .create }.map(\.session)
    }

    func summary(_ items: [CorpusItem]) -> [String: Any] {
        var kinds: [String: Int] = [:]
        for item in items { kinds[item.kind.rawValue, default: 0] += 1 }
        return [
            "seed": Int(seed), "sessions": sessions, "turns": turns, "long_session_messages": longSessionMessages,
            "items": items.count, "body_bytes": items.reduce(0) { $0 + $1.body.count }, "kinds": kinds,
        ]
    }
}
