import EventLog
import Sessions

extension SessionWriter {
    /// Runs many sessions' appends together: each is decided and answered on its own, exactly as
    /// ``execute(batch:on:options:)`` would answer it (one failing append fails only itself), but the common case —
    /// a cached state, no retry to answer, an `If-Match` that holds — costs the whole call one decision off the
    /// actor, one log call (``EventLog/LogStore/append(batch:)``: one reservation, one frame) and one wait for the
    /// projections. An append to a session listed earlier in the call runs after it, in order. Anything uncommon (a
    /// stale state, a refused command to confirm, a conflict) goes through the one-session path.
    /// - Returns: One result per append, in order.
    public func execute(appends: [SessionAppend]) async -> [Result<WriteResult, any Error>] {
        var results = [Result<WriteResult, any Error>?](repeating: nil, count: appends.count)
        // Rounds of distinct sessions: the k-th append of each session in round k.
        var rounds: [[Int]] = []
        var seen: [SessionID: Int] = [:]
        for (index, append) in appends.enumerated() {
            let round = seen[append.session, default: 0]
            seen[append.session] = round + 1
            if round == rounds.count { rounds.append([]) }
            rounds[round].append(index)
        }
        for round in rounds {
            let answered = await execute(round: round.map { appends[$0] })
            for (index, result) in zip(round, answered) { results[index] = result }
        }
        return results.map { $0! }
    }

    /// A round of appends to distinct sessions, owning all of them meanwhile.
    private func execute(round appends: [SessionAppend]) async -> [Result<WriteResult, any Error>] {
        // Acquired in one order by every round, so two rounds never wait for each other.
        let sessions = appends.map(\.session).sorted { $0.rawValue < $1.rawValue }
        for session in sessions { await acquire(session) }
        defer { for session in sessions { release(session) } }

        var results = [Result<WriteResult, any Error>?](repeating: nil, count: appends.count)
        var decided: [Int: Decided] = [:]
        var slow: [Int] = []
        for (index, append) in appends.enumerated() {
            switch await prepare(append) {
            case .answered(let result): results[index] = result
            case .decide(let entry): decided[index] = Decided(entry: entry, context: configuration.makeContext())
            case .slow: slow.append(index)
            }
        }
        let order = decided.keys.sorted()
        let proposals: [Result<(events: [SessionEvent], records: [ProposedRecord]), any Error>]
        do {
            // Scoped, so that the states lent to the decisions are the entries' only other copies no longer when
            // folding into them (which would copy every transcript).
            let work = order.map { (appends[$0], decided[$0]!) }
            proposals = await Self.proposeAll(work)
        }
        var appending: [Int] = []
        for (index, proposal) in zip(order, proposals) {
            switch proposal {
            case .success(let proposed) where !proposed.events.isEmpty:
                decided[index]!.proposed = proposed
                appending.append(index)
            case .success, .failure:
                // A refusal or a no-op is only answered on a state confirmed current: the one-session path does that.
                remember(decided.removeValue(forKey: index)!.entry, for: appends[index].session)
                slow.append(index)
            }
        }
        let stored = await log.append(
            batch: appending.map { index in
                StreamAppend(
                    decided[index]!.proposed!.records, to: appends[index].session.rawValue,
                    expectedVersion: .exact(decided[index]!.entry.state.version))
            })
        for (index, outcome) in zip(appending, stored) {
            let id = appends[index].session
            // Out of `decided`, so that folding into the entry copies no transcript.
            var taken = decided.removeValue(forKey: index)!
            let proposed = taken.proposed!
            switch outcome {
            case .success(let appended) where !appended.deduplicated && appended.records.count == proposed.records.count:
                taken.entry.apply(proposed.events, storedAs: appended.records)
                remember(taken.entry, for: id)
                results[index] = .success(
                    WriteResult(
                        sessionID: id, events: proposed.events, positions: appended.positions, state: taken.entry.state,
                        deduplicated: false))
            case .success(let appended) where !appended.deduplicated:
                // Appended, by a store that does not return the stored records: read back only as many as were
                // appended (another node may have appended right after), as the one-session path does. Sending it
                // to the one-session path would decide, and append, it again.
                do {
                    let stored = try await log.readStream(id.rawValue, fromVersion: taken.entry.state.version + 1)
                    taken.entry = try await Self.folding(Array(stored.prefix(proposed.records.count)), into: taken.entry)
                    remember(taken.entry, for: id)
                    results[index] = .success(
                        WriteResult(
                            sessionID: id, events: proposed.events, positions: appended.positions,
                            state: taken.entry.state, deduplicated: false))
                } catch {
                    results[index] = .failure(error)
                }
            case .success, .failure(EventLogError.wrongExpectedVersion), .failure(EventLogError.idempotencyConflict):
                // Another writer came first, or a retry: decided again on the refreshed state.
                remember(taken.entry, for: id)
                slow.append(index)
            case .failure(let error):
                results[index] = .failure(error)
            }
        }
        for index in slow {
            let append = appends[index]
            let context = configuration.makeContext()
            do {
                results[index] = .success(
                    try await execute(on: append.session, options: append.options) { state throws(SessionError) in
                        try Session.decide(batch: append.commands, state: state, context: context)
                    })
            } catch {
                if !(error is SessionError) { cache.remove(append.session) }
                results[index] = .failure(error)
            }
        }
        var answered: [Result<WriteResult, any Error>] = []
        for result in results {
            guard case .success(let written) = result! else {
                answered.append(result!)
                continue
            }
            do {
                answered.append(.success(try await withRemovedItems(written)))
            } catch {
                answered.append(.failure(error))
            }
        }
        return await waitUntilApplied(answered, of: appends)
    }

    /// A session's entry taken out of the cache for a decision, with the context to decide in and what was proposed.
    private struct Decided: Sendable {
        var entry: Entry
        var context: DecisionContext
        var proposed: (events: [SessionEvent], records: [ProposedRecord])?
    }

    private enum Prepared {
        case answered(Result<WriteResult, any Error>)
        case decide(Entry)
        case slow
    }

    /// The session's entry when the append can be decided on it in the batch; otherwise the answer (an earlier
    /// request's, a failure) or the one-session path.
    private func prepare(_ append: SessionAppend) async -> Prepared {
        do {
            let (entry, _) = try await load(append.session)
            if let earlier = try await earlierAnswer(to: append.options, on: append.session, entry: entry) {
                return .answered(.success(earlier))
            }
            if let expected = append.options.expectedVersion, expected != entry.state.version { return .slow }
            cache.remove(append.session)
            return .decide(entry)
        } catch {
            if !(error is SessionError) { cache.remove(append.session) }
            return .answered(.failure(error))
        }
    }

    /// Decides and encodes every append off the actor, in one hop.
    @concurrent private static func proposeAll(_ work: [(SessionAppend, Decided)]) async
        -> [Result<(events: [SessionEvent], records: [ProposedRecord]), any Error>]
    {
        work.map { append, decided in
            Result {
                try proposal(on: append.session, state: decided.entry.state, options: append.options) {
                    state throws(SessionError) in
                    try Session.decide(batch: append.commands, state: state, context: decided.context)
                }
            }
        }
    }

    /// Waits once for the projections to apply the last position any result names; if that fails, every result
    /// naming a position fails with it (as ``execute(batch:on:options:)`` would) and its session's state is dropped.
    private func waitUntilApplied(_ results: [Result<WriteResult, any Error>], of appends: [SessionAppend]) async
        -> [Result<WriteResult, any Error>]
    {
        let last = results.compactMap { try? $0.get().lastPosition }.max()
        guard let replay, let last else { return results }
        do {
            try await replay.waitUntilApplied(last)
            return results
        } catch {
            return zip(results, appends).map { result, append in
                guard (try? result.get().lastPosition) != nil else { return result }
                cache.remove(append.session)
                return .failure(error)
            }
        }
    }
}
