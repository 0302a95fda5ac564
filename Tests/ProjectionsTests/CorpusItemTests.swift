import Foundation
import Projections
import Sessions
import Testing
import Workload

/// The benchmark workload (`sessiond-bench corpus`, tools/bench): deterministic, well-formed JSON lines, and
/// every item a command that sessiond accepts.
@Suite struct CorpusItemTests {
    static func items(seed: UInt64 = 7) -> [CorpusItem] {
        var corpus = SessionCorpus(seed: seed)
        return corpus.items(sessions: 4, turns: 6, longSessionMessages: 60)
    }

    @Test func theSameSeedGivesTheSameLinesAndAnotherSeedOthers() {
        let lines = Self.items().map(\.jsonLine)
        #expect(lines == Self.items().map(\.jsonLine))
        #expect(lines != Self.items(seed: 8).map(\.jsonLine))
    }

    @Test func everyLineIsJSONNamingItsSessionKindAndBody() throws {
        let items = Self.items()
        // Rewinds are rare (3 % of turns by default); whether this seed has one depends on the generator.
        #expect(Set(items.map(\.kind)).isSuperset(of: [.create, .message, .toolResult]))
        for item in items {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(item.jsonLine)) as? [String: Any])
            #expect(object["session"] as? String == item.session)
            #expect(object["kind"] as? String == item.kind.rawValue)
            let body = try #require(object["body"] as? [String: Any])
            if case .appendMessage(let command) = item.command {
                #expect(body["messageId"] as? String == command.messageID?.rawValue)
                #expect(body["inputTokens"] as? Int == command.inputTokens)
            }
        }
    }

    @Test func theLongSessionHoldsAtLeastTheAskedMessagesAndComesFirst() {
        let items = Self.items()
        #expect(items.first?.session == "long-session" && items.first?.kind == .create)
        let longMessages = items.filter { $0.session == "long-session" && ($0.kind == .message || $0.kind == .toolResult) }
        #expect(longMessages.count >= 60)
        #expect(items.filter { $0.kind == .create }.count == 5)
    }

    @Test func everyItemIsAcceptedByTheWriterIncludingRewinds() async throws {
        var corpus = SessionCorpus(seed: 11, rewindPercent: 50)
        let items = corpus.items(sessions: 3, turns: 8)
        #expect(items.contains { $0.kind == .rewind })
        try await ProjectionHarness.with { harness in
            for item in items { _ = try await harness.writer.execute(item.command) }
            for id in Set(items.map(\.session)) {
                let session = try #require(try await harness.store.session(SessionID(rawValue: id)!))
                let appended = items.filter { $0.session == id && $0.kind != .create && $0.kind != .rewind }.count
                #expect(session.counters.totalMessages <= appended && session.counters.totalMessages > 0)
            }
        }
    }
}
