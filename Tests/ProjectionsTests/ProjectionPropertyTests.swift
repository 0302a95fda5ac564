import EventLog
import Foundation
@testable import Projections
import Sessions
import Testing
import Workload

/// Random command sequences over many sessions: the live projection equals a rebuild and a fold of the log,
/// and the as-of export at every position equals what a live export said when the log ended there.
@Suite struct ProjectionPropertyTests {
    /// Picks a random command for a random session, valid most of the time, from the sessions' folded states.
    struct CommandGenerator {
        var random: SplitMix64
        var counter = 0
        let sessions: [SessionID]

        mutating func pick<T>(_ values: [T]) -> T { values[random.int(in: 0...(values.count - 1))] }
        mutating func chance(_ percent: Int) -> Bool { random.int(in: 1...100) <= percent }
        mutating func fresh(_ prefix: String) -> String {
            counter += 1
            return "\(prefix)\(counter)"
        }

        mutating func next(states: [SessionID: SessionState]) -> SessionCommand {
            let id = pick(sessions)
            let state = states[id] ?? .initial
            // A deleted session's id is created again, in the namespace that deleted it (decision 0177).
            guard state.exists else {
                if chance(50) {
                    let namespace = state.isDeleted ? state.namespace : pick(["default", "team"])
                    return .create(CreateSession(
                        sessionID: id, namespace: namespace, title: "Session \(id)",
                        browserMode: "local-browser-service",
                        callbacks: chance(30) ? [CallbackInput(toolName: "Bash", type: "bash_script", bashCommand: "echo")] : []))
                }
                return .createAgentSession(CreateAgentSession(
                    sessionID: id, namespace: state.isDeleted ? state.namespace : "mixpeek",
                    agentConfig: AgentConfigInput(model: "claude"), userMemory: ["visits": .number(1)]))
            }
            let live = state.liveMessages
            let openCalls = live.flatMap(\.toolCalls).filter { !$0.isFinished }.map(\.call.id)
            switch random.int(in: 0...19) {
            case 0...3:
                return .sendUserMessage(SendUserMessage(
                    sessionID: id, messageID: MessageID(rawValue: fresh("u")), text: chance(5) ? "" : "Question \(counter)\nwith lines"))
            case 4...7:
                let calls = (0..<random.int(in: 0...2)).map { _ in
                    ToolCall(id: ToolCallID(rawValue: fresh("call"))!, name: pick(["Bash", "Read"]), input: #"{"n":\#(counter)}"#)
                }
                return .appendMessage(AppendMessage(
                    sessionID: id, messageID: MessageID(rawValue: fresh("a")), role: .assistant, text: "Answer \(counter)",
                    reasoning: chance(30) ? "thinking" : nil, model: "claude",
                    finishReason: calls.isEmpty ? pick([.endTurn, .maxTokens]) : .toolUse,
                    inputTokens: random.int(in: 0...5000), outputTokens: random.int(in: 0...500),
                    cacheCreationTokens: chance(50) ? random.int(in: 0...300) : nil, cacheReadTokens: random.int(in: 0...100),
                    cost: Double(random.int(in: 0...1000)) / 7919, latencyMs: chance(80) ? Double(random.int(in: 1...9000)) / 3 : nil,
                    toolCalls: calls, metadata: chance(10) ? ["k": .string("v")] : nil,
                    item: chance(40) ? .object(["n": .number(Double(counter))]) : nil))
            case 8...10:
                guard let call = openCalls.first ?? live.flatMap(\.toolCalls).last?.call.id else { return .finishProcessing(FinishProcessing(sessionID: id)) }
                let toolMessage = live.last { $0.role == .tool }?.id
                return .recordToolResult(RecordToolResult(
                    sessionID: id, toolCallID: call, messageID: chance(40) ? toolMessage : nil, result: "out \(counter)\nline 2",
                    metadata: chance(20) ? #"{"exitCode":1}"# : nil, isError: chance(20),
                    screenshotURLs: chance(10) ? ["https://files.example/\(counter).png"] : [], finished: !chance(20)))
            case 11:
                guard let call = live.flatMap(\.toolCalls).last?.call.id else { return .cancelProcessing(CancelProcessing(sessionID: id)) }
                return .recordCallbackResult(RecordCallbackResult(
                    sessionID: id, toolCallID: call, toolName: "Bash", callbackName: "Notify",
                    callbackType: pick([.bashScript, .subAgent]), stdout: "ok", success: chance(80),
                    subagentCost: chance(50) ? Double(random.int(in: 1...100)) / 977 : nil))
            case 12:
                guard !live.isEmpty else { return .cancelProcessing(CancelProcessing(sessionID: id)) }
                return .rewind(RewindSession(sessionID: id, messageID: pick(live).id, cleanupMedia: chance(50)))
            case 13:
                // A framework's pop (the last message with an item) or clear (every live message).
                guard chance(60) else { return .cancelProcessing(CancelProcessing(sessionID: id)) }
                return .removeMessages(RemoveMessages(sessionID: id, removal: chance(75) ? .pop : .clear))
            case 14:
                if state.origin == .mixpeek {
                    return .updateUserMemory(UpdateUserMemory(sessionID: id, userMemory: ["visits": .number(Double(counter))]))
                }
                return .replaceCallbacks(ReplaceCallbacks(
                    sessionID: id,
                    callbacks: chance(50) ? [] : [CallbackInput(toolName: "*", type: "send_message", messageContent: "m\(counter)")]))
            case 15: return .rename(RenameSession(sessionID: id, title: "Renamed \(counter)"))
            case 16:
                if let file = state.files.first, chance(40) { return .removeFile(RemoveFile(sessionID: id, fileID: file.id)) }
                return .addFile(AddFile(sessionID: id, fileID: FileID(rawValue: fresh("f")), name: "f.png", byteCount: counter))
            case 17: return chance(8) ? .archive(ArchiveSession(sessionID: id)) : .finishProcessing(FinishProcessing(sessionID: id))
            case 18: return chance(8) ? .terminate(TerminateSession(sessionID: id)) : .cancelProcessing(CancelProcessing(sessionID: id))
            default: return chance(10) ? .delete(DeleteSession(sessionID: id)) : .rename(RenameSession(sessionID: id, title: nil))
            }
        }
    }

    @Test(arguments: [1 as UInt64, 2, 3])
    func liveEqualsRebuildEqualsFoldAndAsOfEqualsLive(seed: UInt64) async throws {
        try await ProjectionHarness.with { harness in
            let sessions = (0..<10).map { SessionID(rawValue: "s\(seed)-\($0)")! }
            var generator = CommandGenerator(random: SplitMix64(seed: seed), sessions: sessions)
            var states: [SessionID: SessionState] = [:]
            var liveExports: [(position: LogPosition, session: SessionID, export: SessionExport?)] = []
            var rejected = 0
            for _ in 0..<300 {
                let command = generator.next(states: states)
                let before = try await harness.log.durableEnd()
                do {
                    let result = try await harness.writer.execute(command)
                    // The writer's state keeps no message contents (decision 0156): the commands are generated from,
                    // and the projection compared with, the fold of the stream, which the writer's state must match.
                    let state = try await foldStream(of: result.sessionID, in: harness.log)
                    #expect(result.state.version == state.version && result.state.counters == state.counters)
                    #expect(result.state.messageFacts == state.messageFacts && result.state.files == state.files)
                    states[result.sessionID] = state
                    if let last = result.lastPosition {
                        liveExports.append((last, result.sessionID, try await harness.store.export(result.sessionID)))
                        // Read-your-writes: the projection already has the new state.
                        #expect(try await harness.store.session(result.sessionID) == SessionSnapshot(state))
                    }
                } catch is SessionError {
                    rejected += 1
                    #expect(try await harness.log.durableEnd() == before, "a rejected command appended nothing")
                }
            }
            #expect(rejected < 100)
            let types = Set(try await readAll(harness.log).map(\.type))
            #expect(types.isSuperset(of: [
                "message.appended", "tool_result.recorded", "session.rewound", "processing.cancelled", "messages.removed",
            ]))
            let end = try await harness.log.durableEnd()
            try await harness.replay.waitUntilApplied(end)

            // Live projection == fold of the log, for every session.
            let folded = try await foldLog(harness.log)
            for id in sessions {
                let state = folded[id] ?? .initial
                #expect(try await harness.store.session(id) == SessionSnapshot(state), "session \(id)")
                let transcript = try await harness.store.transcript(id, includeRemoved: true)
                #expect(transcript == (state.exists ? state.transcript : nil), "transcript \(id)")
                #expect(try await harness.store.export(id) == SessionExport(state), "export \(id)")
            }

            // Live projection == rebuild, row by row.
            let rebuilt = try await Rebuild(log: harness.log, path: harness.databasePath).build()
            #expect(rebuilt.position == end)
            let differences = try await harness.store.differences(from: rebuilt.file)
            #expect(differences.isEmpty, "\(differences.prefix(5))")
            // The same in batches of 7 records: session rows carried from one batch to the next and written once
            // at the end; then with at most 2 rows carried, so changed rows are written and forgotten mid-way;
            // then with at most 3 or 40 live messages held, so the transcript's index is built early (at once, or
            // mid-way after some tombstones) and later removals go through SQL.
            for (carried, messages) in [(100_000, Int.max), (2, Int.max), (100_000, 3), (2, 40)] {
                var smallBatches = ProjectionStore.Configuration()
                smallBatches.rebuildBatchSize = 7
                smallBatches.rebuildSessionRows = carried
                smallBatches.rebuildLiveMessages = messages
                let rebuiltInSmallBatches = try await Rebuild(
                    log: harness.log, path: harness.databasePath, configuration: smallBatches
                ).build()
                let smallBatchDifferences = try await harness.store.differences(from: rebuiltInSmallBatches.file)
                #expect(
                    smallBatchDifferences.isEmpty,
                    "\(carried) rows, \(messages) messages held: \(smallBatchDifferences.prefix(5))")
            }

            // As of every position P, the exports equal the fold of the log up to P — for the session of each id that
            // exists now, from its creation on: an earlier one deleted before the id was created again (decision
            // 0177), or one deleted since, reads as no session at all.
            var running: [SessionID: SessionState] = [:]
            let records = try await readAll(harness.log)
            var created: [SessionID: LogPosition] = [:]
            for record in records where record.type == EventType.sessionCreated.rawValue {
                created[SessionID(rawValue: record.stream)!] = record.position
            }
            func current(_ id: SessionID, at position: LogPosition) -> Bool {
                folded[id]?.exists == true && created[id].map { position >= $0 } == true
            }
            for record in records {
                let id = SessionID(rawValue: record.stream)!
                let event = try SessionEvent.decode(type: record.type, schemaVersion: record.schemaVersion, body: record.body)
                running[id, default: .initial].apply(event, version: record.streamVersion, recordedAt: record.recordedAt)
                // The record's own session, and one other in turn (whose as-of must ignore this record).
                let rotating = sessions[Int(record.position.rawValue) % sessions.count]
                for other in Set([id, rotating]) {
                    let asOf = try await harness.store.export(other, at: .position(record.position))
                    let expected = current(other, at: record.position) ? running[other].flatMap(SessionExport.init) : nil
                    #expect(asOf == expected, "session \(other) as of \(record.position)")
                    // The stored-members export renders the old renderer's bytes for the fold, and the fold's
                    // own rendering agrees.
                    let json = try await harness.store.exportJSON(other, at: .position(record.position))
                    #expect(json == expected.map(LegacyExportJSON.render), "JSON of \(other) as of \(record.position)")
                    // Rendered in chunks on several threads (decision 0124), even this short, the same bytes.
                    let chunked = try await harness.store.exportJSON(
                        other, at: .position(record.position),
                        rendering: ExportRendering(threads: 3, messagesPerSegment: 1))
                    #expect(chunked == json, "chunked JSON of \(other) as of \(record.position)")
                    #expect(expected?.json() == expected.map(LegacyExportJSON.render))
                    let snapshot = try await harness.store.session(other, at: .position(record.position))
                    #expect(snapshot == expected?.session, "snapshot \(other) as of \(record.position)")
                }
            }
            // …and equals the export taken live when the log ended at P.
            for (position, id, export) in liveExports {
                let asOf = try await harness.store.export(id, at: .position(position))
                #expect(asOf == (current(id, at: position) ? export : nil), "live export of \(id) at \(position)")
                if let asOf, let export { #expect(asOf.json() == export.json()) }
                if let export, current(id, at: position) {
                    #expect(try await harness.store.exportJSON(id, at: .position(position)) == LegacyExportJSON.render(export))
                }
            }
        }
    }
}
