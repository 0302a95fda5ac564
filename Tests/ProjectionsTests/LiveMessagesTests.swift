@testable import Projections
import Sessions
import Testing

/// What a rebuild's rewinds read instead of `transcriptMessageBySession` (decision 0131).
@Suite struct LiveMessagesTests {
    @Test func removesOnlyConfirmedMatchesOfTheSessionAndTracksTheFirstUserMessage() {
        let live = LiveMessages()
        live.append("u1", role: .user, at: 1, to: "s")
        live.append("a1", role: .assistant, at: 2, to: "s")
        live.append("u2", role: .user, at: 3, to: "s")
        live.append("u1", role: .user, at: 4, to: "other")
        #expect(live.firstUserMessage(of: "s") == 1)

        // A hash match the row does not confirm (two ids sharing a hash) stays.
        #expect(live.remove(["u1"], of: "s") { _ in false }.isEmpty)
        #expect(live.firstUserMessage(of: "s") == 1)

        let rowIDs: [Int64: String] = [1: "u1", 2: "a1", 3: "u2"]
        let removed = live.remove(["u1", "a1", "unknown"], of: "s") { rowIDs[$0] == "u1" || rowIDs[$0] == "a1" }
        #expect(removed.map(\.position) == [1, 2])
        #expect(removed.map(\.role) == [.user, .assistant])
        #expect(live.firstUserMessage(of: "s") == 3)
        #expect(live.remove(["u1"], of: "s") { _ in true }.isEmpty, "already removed")
        #expect(live.firstUserMessage(of: "other") == 4, "another session's message of the same id stays")

        live.removeSession("s")
        #expect(live.firstUserMessage(of: "s") == nil)
        #expect(live.remove(["u2"], of: "s") { _ in true }.isEmpty)
    }
}
