import Foundation
import Sessions
import Testing

/// `Session.decide(batch:)`: several commands decided in order as one unit.
struct BatchDecisionTests {
    @Test func laterCommandsSeeTheEventsOfEarlierOnes() throws {
        let given = Given([mixCreated])
        let events = try Session.decide(
            batch: [
                .addFile(AddFile(sessionID: sid, fileID: "f1", name: "a.txt")),
                .addFile(AddFile(sessionID: sid, fileID: "f2", name: "a.txt")),
                .removeFile(RemoveFile(sessionID: sid, fileID: "f2")),
            ],
            state: given.state, context: IDSequence().context(now: at(1)))
        #expect(
            events == [
                .fileAdded(FileAdded(fileID: "f1", name: "a.txt")),
                .fileRemoved(FileRemoved(fileID: "f1", reason: .replaced)),
                .fileAdded(FileAdded(fileID: "f2", name: "a.txt")),
                .fileRemoved(FileRemoved(fileID: "f2", reason: .requested)),
            ])
    }

    @Test func aFailingItemFailsTheBatchAndIsNamed() {
        let given = Given([mixCreated])
        #expect(throws: invalid("items[1].name", "name is required")) {
            try Session.decide(
                batch: [
                    .addFile(AddFile(sessionID: sid, fileID: "f1", name: "a.txt")),
                    .addFile(AddFile(sessionID: sid, fileID: "f2", name: "")),
                ],
                state: given.state, context: IDSequence().context())
        }
        #expect(throws: SessionError.fileNotFound("f9")) {
            try Session.decide(
                batch: [.removeFile(RemoveFile(sessionID: sid, fileID: "f9"))], state: given.state,
                context: IDSequence().context())
        }
    }

    @Test func emptyAndMixedBatchesAreRefused() {
        let given = Given([mixCreated])
        #expect(throws: invalid("items", "items must hold at least one activity")) {
            try Session.decide(batch: [], state: given.state, context: IDSequence().context())
        }
        #expect(throws: invalid("items[1]", "every item must be for the same session")) {
            try Session.decide(
                batch: [
                    .addFile(AddFile(sessionID: sid, fileID: "f1", name: "a.txt")),
                    .addFile(AddFile(sessionID: "s-other", fileID: "f2", name: "b.txt")),
                ],
                state: given.state, context: IDSequence().context())
        }
    }
}
