import Foundation
import Sessions
import Testing

/// What compaction writes in place of a deleted session's records, and how the fold treats it.
struct EventErasureTests {
    @Test(arguments: EventSamples.all.filter { $0.eventType != .sessionDeleted && $0.eventType != .eventErased })
    func everyRecordButTheTombstoneIsReplacedByItsTypeAlone(_ event: SessionEvent) throws {
        let original = try event.encoded()
        let erased = try #require(EventErased.replacing(type: original.type, schemaVersion: original.schemaVersion))
        #expect(erased.type == "event.erased" && erased.schemaVersion == 1)
        #expect(
            String(decoding: erased.body, as: UTF8.self)
                == #"{"erasedSchemaVersion":1,"erasedType":"\#(original.type)"}"#)
        let decoded = try SessionEvent.decode(type: erased.type, schemaVersion: erased.schemaVersion, body: erased.body)
        #expect(decoded == .erased(EventErased(erasedType: original.type, erasedSchemaVersion: 1)))
    }

    @Test func theTombstoneAndErasedRecordsStay() {
        #expect(EventErased.replacing(type: "session.deleted", schemaVersion: 1) == nil)
        #expect(EventErased.replacing(type: "event.erased", schemaVersion: 1) == nil)
    }

    @Test func foldingAnErasedSessionGivesTheSameDeletedSessionAsFoldingTheOriginal() {
        let history: [SessionEvent] = [
            mixCreated,
            .messageAppended(MessageAppended(messageID: "m1", role: .user, text: "a secret")),
            .titleChanged(SessionTitleChanged(title: "secret title")),
            .deleted(SessionDeleted(sessionID: sid, namespace: "default")),
        ]
        let original = Given(history).state
        let erased = Given(
            history.map { event in
                guard case .deleted = event else {
                    return .erased(EventErased(erasedType: event.type, erasedSchemaVersion: event.schemaVersion))
                }
                return event
            }
        ).state
        #expect(erased.isDeleted && !erased.exists)
        #expect(erased.id == original.id && erased.namespace == original.namespace)
        #expect(erased.version == original.version && erased.deletedAt == original.deletedAt)
        #expect(erased.transcript.isEmpty && erased.title == nil)
    }

    @Test func anErasedRecordChangesOnlyTheVersion() {
        var state = Given([mixCreated]).state
        let before = state
        state.apply(.erased(EventErased(erasedType: "message.appended", erasedSchemaVersion: 1)), version: 2, recordedAt: at(5))
        #expect(state.version == 2)
        #expect(state.transcript == before.transcript && state.title == before.title && state.counters == before.counters)
    }
}
