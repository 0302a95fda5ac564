import Foundation
import Projections
import Sessions
import Testing

@Suite struct SessionListTests {
    /// Six sessions of namespace `n`, created s1…s6, and one of another namespace.
    static func seed(_ harness: ProjectionHarness) async throws {
        func create(
            _ id: SessionID, user: String?, config: AgentConfigInput = AgentConfigInput(), memory: JSONObject? = nil,
            metadata: JSONObject? = nil, namespace: String = "n"
        ) async throws {
            _ = try await harness.writer.execute(
                .createAgentSession(
                    CreateAgentSession(
                        sessionID: id, namespace: namespace, agentConfig: config, userID: user, userMemory: memory,
                        metadata: metadata)))
        }
        try await create(
            "s1", user: "alice", config: AgentConfigInput(model: "gpt-4o"),
            memory: ["score": .number(3), "vip": .bool(true), "tags": .array([.string("a"), .string("b")])],
            metadata: ["team": .string("Red")])
        try await create(
            "s2", user: "bob", config: AgentConfigInput(availableTools: ["search", "browse"]),
            memory: ["score": .number(10), "vip": .bool(false)])
        try await create("s3", user: nil, config: AgentConfigInput(model: "claude-opus"), metadata: ["team": .string("blue")])
        try await create("s4", user: "Alice", memory: ["score": .string("high")])
        try await create("s5", user: "carol", config: AgentConfigInput(systemPrompt: "Be brief"))
        try await create("s6", user: "bob", memory: ["score": .number(10)])
        try await create("o1", user: "alice", namespace: "other")
    }

    static func ids(_ page: SessionListPage) -> [String] { page.sessions.map(\.id.rawValue) }

    /// Every page of `query`, following cursors from the first.
    static func pageThrough(_ store: ProjectionStore, _ query: SessionListQuery) async throws -> [String] {
        var query = query
        var seen: [String] = []
        while true {
            let page = try await store.sessionList(query)
            seen += ids(page)
            guard let next = page.next else { return seen }
            query.start = .after(next)
        }
    }

    @Test func filtersMatchAsTheirOperatorsSay() async throws {
        typealias F = SessionFilter
        let cases: [(F, [String])] = [
            (.condition(.userID, .eq, .text("alice"), caseSensitive: true), ["s1"]),
            (.condition(.userID, .eq, .text("alice"), caseSensitive: false), ["s4", "s1"]),
            (.condition(.userID, .ne, .text("alice"), caseSensitive: true), ["s6", "s5", "s4", "s3", "s2"]),
            (.condition(.userID, .in, .list([.text("bob"), .text("carol")]), caseSensitive: true), ["s6", "s5", "s2"]),
            (.condition(.userID, .nin, .list([.text("bob"), .text("carol")]), caseSensitive: true), ["s4", "s3", "s1"]),
            (.condition(.userID, .in, .list([.null, .text("carol")]), caseSensitive: true), ["s5", "s3"]),
            (.condition(.userID, .exists, .bool(false), caseSensitive: true), ["s3"]),
            (.condition(.userID, .isNull, .bool(false), caseSensitive: true), ["s6", "s5", "s4", "s2", "s1"]),
            (.condition(.userMemory(path: ["score"]), .gt, .number(5), caseSensitive: true), ["s6", "s2"]),
            (.condition(.userMemory(path: ["score"]), .gte, .text("a"), caseSensitive: true), ["s4"]),
            (.condition(.userMemory(path: ["score"]), .eq, .number(3), caseSensitive: true), ["s1"]),
            (.condition(.userMemory(path: ["vip"]), .eq, .bool(true), caseSensitive: true), ["s1"]),
            (.condition(.userMemory(path: ["vip"]), .eq, .bool(false), caseSensitive: true), ["s2"]),
            (.condition(.userMemory(path: ["vip"]), .ne, .bool(true), caseSensitive: true), ["s6", "s5", "s4", "s3", "s2"]),
            (.condition(.userMemory(path: ["tags"]), .contains, .text("b"), caseSensitive: true), ["s1"]),
            (.condition(.availableTools, .contains, .text("BROWSE"), caseSensitive: false), ["s2"]),
            (.condition(.model, .startsWith, .text("claude"), caseSensitive: true), ["s6", "s5", "s4", "s3", "s2"]),
            (.condition(.model, .endsWith, .text("4O"), caseSensitive: false), ["s1"]),
            (.condition(.model, .contains, .text("opus"), caseSensitive: true), ["s3"]),
            (.condition(.systemPrompt, .eq, .text("Be brief"), caseSensitive: true), ["s5"]),
            (.condition(.metadata(path: ["team"]), .eq, .text("red"), caseSensitive: false), ["s1"]),
            (.condition(.metadata(path: ["team"]), .eq, .text("red"), caseSensitive: true), []),
            (.condition(.title, .isNull, .bool(true), caseSensitive: true), ["s6", "s5", "s4", "s3", "s2", "s1"]),
            (.condition(.messageCount, .gte, .number(1), caseSensitive: true), []),
            (.condition(.status, .eq, .text("active"), caseSensitive: true), ["s6", "s5", "s4", "s3", "s2", "s1"]),
            (
                .any([
                    .condition(.userID, .eq, .text("bob"), caseSensitive: true),
                    .condition(.metadata(path: ["team"]), .eq, .text("blue"), caseSensitive: true),
                ]), ["s6", "s3", "s2"]
            ),
            (.none([.condition(.userID, .exists, .bool(true), caseSensitive: true)]), ["s3"]),
            (
                .all([
                    .condition(.userID, .eq, .text("bob"), caseSensitive: true),
                    .condition(.availableTools, .isNull, .bool(true), caseSensitive: true),
                ]), ["s6"]
            ),
        ]
        try await ProjectionHarness.with { harness in
            try await Self.seed(harness)
            for (filter, expected) in cases {
                let page = try await harness.store.sessionList(SessionListQuery(namespace: "n", filter: filter))
                #expect(Self.ids(page) == expected, "\(filter)")
            }
        }
    }

    @Test func timesCompareAsTimes() async throws {
        try await ProjectionHarness.with { harness in
            try await Self.seed(harness)
            let all = try await harness.store.sessionList(SessionListQuery(namespace: "n", sort: SessionSort(descending: false)))
            let first = try #require(all.sessions.first)
            let atOrAfter = try await harness.store.sessionList(
                SessionListQuery(namespace: "n", filter: .condition(.createdAt, .gte, .time(first.createdAt), caseSensitive: true)))
            #expect(atOrAfter.sessions.count == 6)
            let before = try await harness.store.sessionList(
                SessionListQuery(namespace: "n", filter: .condition(.createdAt, .lt, .time(first.createdAt), caseSensitive: true)))
            #expect(before.sessions.isEmpty)
            // Mixpeek sessions expire seven days after the decision's time (the harness clock).
            let decided = harness.context.now
            let expiring = try await harness.store.sessionList(
                SessionListQuery(
                    namespace: "n",
                    filter: .all([
                        .condition(.expiresAt, .gt, .time(decided.addingTimeInterval(6 * 86_400)), caseSensitive: true),
                        .condition(.expiresAt, .lte, .time(decided.addingTimeInterval(7 * 86_400)), caseSensitive: true),
                    ])))
            #expect(expiring.sessions.count == 6)
        }
    }

    @Test(arguments: [
        SessionSort(), SessionSort(descending: false), SessionSort(field: .userID, descending: false),
        SessionSort(field: .userID), SessionSort(field: .userMemory(path: ["score"]), descending: false),
        SessionSort(field: .userMemory(path: ["score"])), SessionSort(field: .model),
    ])
    func cursorPagesEqualOneLongPage(sort: SessionSort) async throws {
        try await ProjectionHarness.with { harness in
            try await Self.seed(harness)
            let whole = try await harness.store.sessionList(SessionListQuery(namespace: "n", sort: sort, limit: 100))
            #expect(whole.sessions.count == 6 && whole.next == nil)
            let paged = try await Self.pageThrough(harness.store, SessionListQuery(namespace: "n", sort: sort, limit: 2))
            #expect(paged == Self.ids(whole))
        }
    }

    @Test func nullsSortFirstAscendingAndTiesKeepCreationOrder() async throws {
        try await ProjectionHarness.with { harness in
            try await Self.seed(harness)
            let ascending = try await harness.store.sessionList(
                SessionListQuery(namespace: "n", sort: SessionSort(field: .userID, descending: false)))
            #expect(Self.ids(ascending) == ["s3", "s4", "s1", "s2", "s6", "s5"])
            let descending = try await harness.store.sessionList(
                SessionListQuery(namespace: "n", sort: SessionSort(field: .userID)))
            #expect(Self.ids(descending) == ["s5", "s6", "s2", "s1", "s4", "s3"])
        }
    }

    @Test func aCursorNeitherSkipsNorRepeatsWhenSessionsAreCreatedBetweenPages() async throws {
        try await ProjectionHarness.with { harness in
            try await Self.seed(harness)
            let first = try await harness.store.sessionList(SessionListQuery(namespace: "n", limit: 2, includeTotal: true))
            #expect(Self.ids(first) == ["s6", "s5"] && first.total == 6 && first.offset == 0)
            _ = try await harness.writer.execute(
                .createAgentSession(CreateAgentSession(sessionID: "s7", namespace: "n", agentConfig: AgentConfigInput())))
            let next = try #require(first.next)
            let second = try await harness.store.sessionList(
                SessionListQuery(namespace: "n", limit: 2, start: .after(next), includeTotal: true))
            #expect(Self.ids(second) == ["s4", "s3"] && second.total == 7 && second.offset == 2)
            let offsetPage = try await harness.store.sessionList(SessionListQuery(namespace: "n", limit: 2, start: .offset(2)))
            #expect(Self.ids(offsetPage) == ["s5", "s4"])
        }
    }

    @Test func statusIsDerivedAtTheStoreClock() async throws {
        try await ProjectionHarness.with { harness in
            try await Self.seed(harness)
            _ = try await harness.writer.execute(
                .create(CreateSession(sessionID: "m1", namespace: "n", title: "mix", browserMode: "local-browser-service")))
            _ = try await harness.writer.execute(.terminate(TerminateSession(sessionID: "s2")))
            let terminated = try await harness.store.sessionList(SessionListQuery(namespace: "n", status: .terminated))
            #expect(Self.ids(terminated) == ["s2"])
            let active = try await harness.store.sessionList(SessionListQuery(namespace: "n", status: .active))
            #expect(Self.ids(active) == ["m1", "s6", "s5", "s4", "s3", "s1"])
            // The log stamps records with the real clock, decisions (and so Mixpeek expiries, 7 days on) with the
            // harness's: moving the store's clock past the log's by the idle timeout leaves the Mix session idle
            // and the Mixpeek ones past their expiry.
            harness.context.advance(Date().timeIntervalSince(harness.context.now) + harness.store.configuration.idleTimeout + 1)
            let idle = try await harness.store.sessionList(SessionListQuery(namespace: "n", status: .idle, includeTotal: true))
            #expect(Self.ids(idle) == ["m1"] && idle.total == 1)
            let archived = try await harness.store.sessionList(SessionListQuery(namespace: "n", status: .archived))
            #expect(Self.ids(archived) == ["s6", "s5", "s4", "s3", "s1"])
        }
    }

    @Test func aPageAfterACursorIsAnIndexSeek() async throws {
        try await ProjectionHarness.with { harness in
            try await Self.seed(harness)
            let first = try await harness.store.sessionList(SessionListQuery(namespace: "n", limit: 2))
            let plan = try await harness.store.sessionListQueryPlan(
                SessionListQuery(namespace: "n", status: .active, limit: 2, start: .after(try #require(first.next))))
            #expect(plan.contains { $0.contains("USING INDEX sessionByNamespace (namespace=? AND createdPosition<?)") }, "\(plan)")
            #expect(!plan.contains { $0.contains("TEMP B-TREE") }, "\(plan)")
        }
    }
}
