import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import SessionAPI

/// The native routes the framework adapters use: create with app, user and state; items stored whole and
/// read back (latest N, since, as of); pop and clear kept in history; state scopes shared across sessions.
struct NativeFrameworkRoutesTests {
    func create(_ client: any TestClientProtocol, id: String, user: String = "u-1", state: String = "{}") async throws
        -> TestResponse
    {
        try await client.execute(
            uri: "/v1/sessions", method: .post,
            body: jsonBody(#"{"sessionId":"\#(id)","appName":"weather","userId":"\#(user)","state":\#(state)}"#))
    }

    func append(_ client: any TestClientProtocol, _ id: String, _ body: String) async throws -> TestResponse {
        try await client.execute(uri: "/v1/sessions/\(id)/events", method: .post, body: jsonBody(body))
    }

    static let item1 = #"{"role":"user","content":"Weather in Paris?","n":1,"nested":{"big":12345678901,"f":0.25,"list":[true,null,"é/\"x\""]}}"#
    static let item2 = #"{"type":"function_call","call_id":"call_1","name":"weather","arguments":"{\"city\":\"Paris\"}"}"#

    func items(_ response: TestResponse) -> [[String: Any]] { response.json["items"] as? [[String: Any]] ?? [] }

    @Test func itemsAreStoredWholeAndReadBackEqual() async throws {
        try await withTestApplication { client in
            #expect(try await create(client, id: "s1").status == .created)
            let first = try await append(client, "s1", #"{"type":"message","role":"user","item":\#(Self.item1)}"#)
            #expect(first.status == .created)
            _ = try await append(
                client, "s1",
                #"{"type":"message","role":"assistant","inputTokens":7,"outputTokens":3,"toolCalls":[{"id":"x.0","name":"weather","input":"{}"}],"item":\#(Self.item2)}"#)
            let page = try await client.execute(uri: "/v1/sessions/s1/items", method: .get)
            let stored = items(page).map { $0["item"] as? NSDictionary }
            let expected = try [Self.item1, Self.item2].map {
                try JSONSerialization.jsonObject(with: Data($0.utf8)) as? NSDictionary
            }
            #expect(stored == expected)
            #expect(page.headers[.eTag] == "\"3\"")
            let bodies = try await client.execute(uri: "/v1/sessions/s1/items?bodiesOnly=true", method: .get)
            #expect((bodies.json["items"] as? [NSDictionary]) == expected.compactMap { $0 })
            #expect(bodies.json["version"] as? Int == 3)
            let latestBody = try await client.execute(uri: "/v1/sessions/s1/items?bodiesOnly=true&limit=1", method: .get)
            #expect((latestBody.json["items"] as? [NSDictionary]) == [expected[1]].compactMap { $0 })
            let unmarked = try await client.execute(
                uri: "/v1/sessions/s1/items?bodiesOnly=true&includeRemoved=true", method: .get)
            #expect(unmarked.status == .badRequest)
            let latest = try await client.execute(uri: "/v1/sessions/s1/items?limit=1", method: .get)
            #expect(items(latest).map { $0["role"] as? String } == ["assistant"])
            let asOf = try await client.execute(uri: "/v1/sessions/s1/items?version=2", method: .get)
            #expect(items(asOf).count == 1)
            let future = try await client.execute(uri: "/v1/sessions/s1/items?since=4102444800", method: .get)
            #expect(items(future).isEmpty)
            let session = try await client.execute(uri: "/v1/sessions/s1", method: .get)
            #expect(session.json["totalTokens"] as? Int == 10)
            #expect(session.json["totalToolCalls"] as? Int == 1)
            let export = try await client.execute(uri: "/v1/sessions/s1/export", method: .get)
            let messages = try #require(export.json["messages"] as? [[String: Any]])
            #expect(messages.map { $0["item"] as? NSDictionary } == expected)
        }
    }

    @Test func popAndClearAnswerWithTheRemovedItemsAndKeepHistory() async throws {
        try await withTestApplication { client in
            _ = try await create(client, id: "s1")
            _ = try await append(client, "s1", #"{"type":"message","role":"user","item":\#(Self.item1)}"#)
            _ = try await append(client, "s1", #"{"type":"message","role":"assistant","item":\#(Self.item2)}"#)
            let popped = try await append(client, "s1", #"{"type":"pop"}"#)
            #expect(popped.status == .created)
            #expect((popped.json["removedItems"] as? [[String: Any]])?.first?["call_id"] as? String == "call_1")
            #expect(items(try await client.execute(uri: "/v1/sessions/s1/items", method: .get)).count == 1)
            let cleared = try await append(client, "s1", #"{"type":"clear"}"#)
            #expect((cleared.json["removedItems"] as? [Any])?.count == 1)
            #expect(items(try await client.execute(uri: "/v1/sessions/s1/items", method: .get)).isEmpty)
            let emptyPop = try await append(client, "s1", #"{"type":"pop"}"#)
            #expect(emptyPop.status == .ok)
            #expect(emptyPop.json["removedItems"] == nil)
            // Before the pop (version 4: created, two items, pop), both items were live; the audit history
            // names both removals.
            #expect(items(try await client.execute(uri: "/v1/sessions/s1/items?version=3", method: .get)).count == 2)
            let history = try await client.execute(uri: "/v1/sessions/s1/events", method: .get)
            #expect(history.jsonArray.filter { $0["type"] as? String == "messages.removed" }.count == 2)
        }
    }

    @Test func stateScopesAreSharedAsADKSharesThem() async throws {
        try await withTestApplication { client in
            let first = try await create(
                client, id: "s1", state: #"{"k":1,"app:theme":"dark","user:name":"Ada","temp:t":true}"#)
            #expect(first.json["state"] as? NSDictionary == ["k": 1, "app:theme": "dark", "user:name": "Ada"])
            let other = try await create(client, id: "s2", user: "u-2")
            #expect(other.json["state"] as? NSDictionary == ["app:theme": "dark"])
            _ = try await append(client, "s2", #"{"type":"state","delta":{"app:theme":"light","user:name":"Bob","k":2}}"#)
            let s1 = try await client.execute(uri: "/v1/sessions/s1", method: .get)
            #expect(s1.json["state"] as? NSDictionary == ["k": 1, "app:theme": "light", "user:name": "Ada"])
            let listed = try await client.execute(uri: "/v1/sessions?appName=weather&userId=u-2", method: .get)
            let sessions = try #require(listed.json["sessions"] as? [[String: Any]])
            #expect(sessions.map { $0["id"] as? String } == ["s2"])
            #expect(sessions.first?["state"] as? NSDictionary == ["k": 2, "app:theme": "light", "user:name": "Bob"])
            let bad = try await append(client, "s1", #"{"type":"state","delta":[1]}"#)
            #expect(bad.status == .badRequest)
            let duplicate = try await create(client, id: "s1")
            #expect(duplicate.status == .conflict)
        }
    }

    @Test func itemsAnswerNotModifiedWhileTheVersionTheClientHoldsIsCurrent() async throws {
        try await withTestApplication { client in
            func read(_ query: String, _ tag: String?) async throws -> TestResponse {
                var headers = HTTPFields()
                if let tag { headers[.ifNoneMatch] = tag }
                return try await client.execute(uri: "/v1/sessions/s1/items?\(query)", method: .get, headers: headers)
            }
            _ = try await create(client, id: "s1")
            _ = try await append(client, "s1", #"{"type":"message","role":"user","item":\#(Self.item1)}"#)
            let first = try await read("bodiesOnly=true", nil)
            #expect(first.status == .ok)
            #expect(first.headers[.eTag] == "\"2\"")
            for tag in ["\"2\"", "W/\"2\"", "\"1\", \"2\"", "*"] {
                let unchanged = try await read("bodiesOnly=true", tag)
                #expect(unchanged.status == .notModified, "If-None-Match: \(tag)")
                #expect(unchanged.headers[.eTag] == "\"2\"")
                #expect(unchanged.body.readableBytes == 0)
            }
            // The version names the session's state whatever the view: a limited read revalidates with it too.
            #expect(try await read("bodiesOnly=true&limit=1", "\"2\"").status == .notModified)
            for tag in ["\"1\"", "\"x\"", "2"] { #expect(try await read("bodiesOnly=true", tag).status == .ok) }
            // A pop and a clear move the version, so a client holding the items before them reads them again.
            _ = try await append(client, "s1", #"{"type":"message","role":"assistant","item":\#(Self.item2)}"#)
            _ = try await append(client, "s1", #"{"type":"pop"}"#)
            let popped = try await read("bodiesOnly=true", "\"3\"")
            #expect(popped.status == .ok)
            #expect(popped.headers[.eTag] == "\"4\"")
            #expect((popped.json["items"] as? [Any])?.count == 1)
            _ = try await append(client, "s1", #"{"type":"clear"}"#)
            let cleared = try await read("bodiesOnly=true", "\"4\"")
            #expect(cleared.status == .ok)
            #expect((cleared.json["items"] as? [Any])?.isEmpty == true)
            // As of a version, that version is the tag; an unknown session is still 404.
            #expect(try await read("version=3", "\"3\"").status == .notModified)
            let missing = try await client.execute(
                uri: "/v1/sessions/nope/items", method: .get, headers: [.ifNoneMatch: "*"])
            #expect(missing.status == .notFound)
        }
    }

    @Test func afterVersionAnswersOnlyTheItemsAppendedSinceUnlessOneWasRemoved() async throws {
        try await withTestApplication { client in
            func read(_ query: String) async throws -> TestResponse {
                try await client.execute(uri: "/v1/sessions/s1/items?\(query)", method: .get)
            }
            let expected = try [Self.item1, Self.item2].map {
                try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? NSDictionary)
            }
            _ = try await create(client, id: "s1")
            _ = try await append(client, "s1", #"{"type":"message","role":"user","item":\#(Self.item1)}"#)
            _ = try await append(client, "s1", #"{"type":"message","role":"assistant","item":\#(Self.item2)}"#)
            let since2 = try await read("bodiesOnly=true&afterVersion=2")
            #expect(since2.json["afterVersion"] as? Int == 2)
            #expect(since2.json["version"] as? Int == 3)
            #expect(since2.headers[.eTag] == "\"3\"")
            #expect((since2.json["items"] as? [NSDictionary]) == [expected[1]])
            let since1 = try await read("bodiesOnly=true&afterVersion=1")
            #expect((since1.json["items"] as? [NSDictionary]) == expected)
            let since3 = try await read("bodiesOnly=true&afterVersion=3")
            #expect(since3.json["afterVersion"] as? Int == 3)
            #expect((since3.json["items"] as? [Any])?.isEmpty == true)
            // Ahead of this node: the whole list.
            let ahead = try await read("bodiesOnly=true&afterVersion=9")
            #expect(ahead.json["afterVersion"] == nil)
            #expect((ahead.json["items"] as? [NSDictionary]) == expected)
            // A pop since the reader's version: what it holds is no longer a prefix, so the whole list comes back.
            _ = try await append(client, "s1", #"{"type":"pop"}"#)
            let popped = try await read("bodiesOnly=true&afterVersion=3")
            #expect(popped.json["afterVersion"] == nil)
            #expect((popped.json["items"] as? [NSDictionary]) == [expected[0]])
            _ = try await append(client, "s1", #"{"type":"message","role":"assistant","item":\#(Self.item2)}"#)
            let afterPop = try await read("bodiesOnly=true&afterVersion=4")
            #expect(afterPop.json["afterVersion"] as? Int == 4)
            #expect((afterPop.json["items"] as? [NSDictionary]) == [expected[1]])
            for query in ["afterVersion=1", "bodiesOnly=true&afterVersion=1&limit=1", "bodiesOnly=true&afterVersion=1&version=2",
                          "bodiesOnly=true&afterVersion=-1"] {
                #expect(try await read(query).status == .badRequest, "\(query)")
            }
        }
    }

    /// A reader that loads after every write of another writer: what it gets with `afterVersion` (from the
    /// response cache's items tail while only messages were appended, decision 0139) extends what it held to
    /// exactly the whole list a full read answers, at the version the write acknowledged; a pop in between sends
    /// the whole list.
    @Test func readsRightAfterEachWriteExtendWhatTheReaderHeldToTheWholeList() async throws {
        try await withTestApplication { client in
            func read(_ query: String) async throws -> TestResponse {
                try await client.execute(uri: "/v1/sessions/s1/items?\(query)", method: .get)
            }
            _ = try await create(client, id: "s1")
            var held: [NSDictionary] = []
            var version = 1
            let writes = [
                #"{"type":"message","role":"user","item":\#(Self.item1)}"#,
                #"{"type":"message","role":"assistant","item":\#(Self.item2)}"#,
                #"{"type":"message","role":"assistant","text":"no item"}"#,
                #"{"type":"message","role":"user","item":{"n":3}}"#,
                #"{"type":"pop"}"#,
                #"{"type":"message","role":"user","item":{"n":4}}"#,
                #"{"type":"message","role":"assistant","item":{"n":5}}"#,
            ]
            for write in writes {
                let written = try await append(client, "s1", write)
                #expect(written.status == .created)
                let answer = try await read("bodiesOnly=true&afterVersion=\(version)")
                let got = answer.json["items"] as? [NSDictionary] ?? []
                if answer.json["afterVersion"] != nil { held += got } else { held = got }
                let whole = try await read("bodiesOnly=true")
                #expect(answer.headers[.eTag] == written.headers[.eTag], "\(write)")
                #expect(held == whole.json["items"] as? [NSDictionary], "\(write)")
                #expect((answer.json["afterVersion"] == nil) == write.contains("pop"), "\(write)")
                version = try #require(answer.json["version"] as? Int)
            }
        }
    }
}
