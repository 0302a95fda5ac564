import Foundation
import Sessions
import Testing

/// One row of a validation table: given these events, at this time, this command fails with this error
/// and appends nothing.
struct DecisionRule: Sendable, CustomTestStringConvertible {
    /// What the row checks, shown as the test case's name.
    var name: String
    /// The session's history before the command.
    var given: [SessionEvent]
    /// The command.
    var command: SessionCommand
    /// The exact error.
    var expected: SessionError
    /// The decision's time.
    var now: Date

    init(
        _ name: String,
        given: [SessionEvent] = [mixCreated],
        now: Date = at(3600),
        _ command: SessionCommand,
        _ expected: SessionError
    ) {
        self.name = name
        self.given = given
        self.command = command
        self.expected = expected
        self.now = now
    }

    var testDescription: String { name }

    /// Runs the row: the command must throw `expected`.
    func check(sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        let state = Given(given).state
        do {
            let events = try Session.decide(command, state: state, context: IDSequence().context(now: now))
            Issue.record("expected \(expected), got events \(events)", sourceLocation: sourceLocation)
        } catch {
            #expect(error == expected, sourceLocation: sourceLocation)
        }
    }
}

/// Shorthand for a validation error.
func invalid(_ field: String, _ message: String) -> SessionError { .validation(field: field, message: message) }
