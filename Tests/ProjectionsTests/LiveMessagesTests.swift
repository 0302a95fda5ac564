@testable import Projections
import Sessions
import Testing

/// What a rebuild's rewinds read instead of `transcriptMessageBySession` (decision 0131).
@Suite struct LiveMessagesTests {
    /// Ids as the projector passes them: UTF-8 bytes.
    static func ids(_ ids: String...) -> Set<[UInt8]> { Set(ids.map { Array($0.utf8) }) }

    @Test func removesOnlyConfirmedMatchesOfTheSessionAndTracksTheFirstUserMessage() {
        let live = LiveMessages()
        live.append("u1", role: .user, at: 1, to: "s")
        live.append("a1", role: .assistant, at: 2, to: "s")
        live.append("u2", role: .user, at: 3, to: "s")
        live.append("u1", role: .user, at: 4, to: "other")
        #expect(live.firstUserMessage(of: "s") == 1)
        #expect(live.count == 4)

        // A hash match the row does not confirm (two ids sharing a hash) stays.
        #expect(live.remove(Self.ids("u1"), of: "s") { _ in false }.isEmpty)
        #expect(live.firstUserMessage(of: "s") == 1)

        let rowIDs: [Int64: String] = [1: "u1", 2: "a1", 3: "u2"]
        let removed = live.remove(Self.ids("u1", "a1", "unknown"), of: "s") { rowIDs[$0] == "u1" || rowIDs[$0] == "a1" }
        #expect(removed.map(\.position) == [1, 2])
        #expect(removed.map(\.role) == [.user, .assistant])
        #expect(live.firstUserMessage(of: "s") == 3)
        #expect(live.count == 2)
        #expect(live.remove(Self.ids("u1"), of: "s") { _ in true }.isEmpty, "already removed")
        #expect(live.firstUserMessage(of: "other") == 4, "another session's message of the same id stays")

        live.removeSession("s")
        #expect(live.count == 1)
        #expect(live.firstUserMessage(of: "s") == nil)
        #expect(live.remove(Self.ids("u2"), of: "s") { _ in true }.isEmpty)
    }

    /// Removals in place keep the others in log order; a pop asks the row of the last message only.
    @Test func removalsKeepTheRestInOrderAndAPopLooksFromTheEnd() {
        let live = LiveMessages()
        for n in 1...6 { live.append(MessageID(rawValue: "m\(n)")!, role: n == 4 ? .user : .assistant, at: Int64(n), to: "s") }
        var asked: [Int64] = []
        #expect(live.remove(Self.ids("m6"), of: "s") { asked.append($0); return true }.map(\.position) == [6])
        #expect(asked == [6], "the pop confirmed the last message only")
        #expect(live.remove(Self.ids("m1", "m3"), of: "s") { _ in true }.map(\.position) == [1, 3])
        // What is left, in order: the rows a clear confirms one by one.
        asked = []
        #expect(live.remove(Self.ids("m2", "m4", "m5"), of: "s") { asked.append($0); return true }.map(\.position) == [2, 4, 5])
        #expect(asked == [2, 4, 5])
        #expect(live.count == 0)
        #expect(live.firstUserMessage(of: "s") == nil)
    }

    /// Ids compare as bytes, as SQLite compares them: a canonically equivalent id is another id.
    @Test func canonicallyEquivalentIdsAreDifferentIds() {
        let live = LiveMessages()
        live.append("caf\u{E9}", role: .user, at: 1, to: "s")
        live.append("cafe\u{301}", role: .user, at: 2, to: "s")
        #expect(live.remove(Self.ids("cafe\u{301}"), of: "s") { _ in true }.map(\.position) == [2])
        #expect(live.firstUserMessage(of: "s") == 1)
    }
}
