"""sessiond's own OpenAPI document (the one /openapi.json serves) against real responses of every face.

The `http` fixture checks every response against the document (contract.own): its status must be declared and a
JSON body must validate against the declared schema. These tests drive each route — successes and the errors a
client meets — and then require that every documented JSON operation was checked at least once.
"""

import json
import uuid

import httpx
import pytest

import contract

BROWSER = "local-browser-service"


@pytest.fixture()
def mixpeek_headers():
    return {"Authorization": "Bearer sk_test", "X-Namespace": "ns_" + uuid.uuid4().hex[:8]}


def test_the_served_document_is_the_checked_one(http):
    assert http.get("/openapi.json").json() == contract.own.spec


def test_mix_routes(http):
    session = http.post("/api/sessions", json={"title": "openapi", "browserMode": BROWSER}).json()["id"]
    http.post("/api/sessions", json={"title": "", "browserMode": BROWSER})
    http.get("/api/sessions", params={"includeSubagents": "true"})
    http.get(f"/api/sessions/{session}")
    http.patch(f"/api/sessions/{session}/callbacks", json={"callbacks": []})
    http.post(f"/api/sessions/{session}/messages", json={"text": "hello"})
    http.get(f"/api/sessions/{session}/messages")
    http.get("/api/messages/history", params={"limit": 5})
    http.get(f"/api/sessions/{session}/export")
    http.post(f"/api/sessions/{session}/cancel")
    http.post(f"/api/sessions/{session}/rewind", json={"messageId": "nope"})
    http.get("/api/sessions/missing")
    uploaded = http.post(f"/api/sessions/{session}/files/upload", files={"file": ("notes.txt", b"hello")})
    assert uploaded.status_code == 201, uploaded.text
    http.get(f"/api/sessions/{session}/files")
    http.get(f"/api/sessions/{session}/files/notes.txt")
    http.delete(f"/api/sessions/{session}/files/notes.txt")
    assert http.post("/api/sessions", content=b"x" * (5 << 20)).status_code == 413
    http.delete(f"/api/sessions/{session}")
    http.get("/health")


def test_mixpeek_routes(http, mixpeek_headers):
    created = http.post("/v1/agents/sessions", headers=mixpeek_headers,
                        json={"agent_config": {"model": "m"}, "user_id": "u", "user_memory": {"a": 1}})
    session = created.json()["session_id"]
    listed = http.post("/v1/agents/sessions/list", headers=mixpeek_headers, params={"include_total": "true", "limit": 1},
                       json={"status": "active", "filters": {"user_id": "u"}, "sort": {"field": "created_at"}})
    assert listed.json()["total"] == 1
    http.post("/v1/agents/sessions/list", headers=mixpeek_headers, json={"filters": {"nope": 1}})
    http.post("/v1/agents/sessions/list", headers=mixpeek_headers, json={"bogus": 1})
    http.get(f"/v1/agents/sessions/{session}", headers=mixpeek_headers)
    http.patch(f"/v1/agents/sessions/{session}", headers=mixpeek_headers, json={"user_memory": {"b": 2}})
    http.get(f"/v1/agents/sessions/{session}/history", headers=mixpeek_headers, params={"limit": 10})
    http.delete(f"/v1/agents/sessions/{session}", headers=mixpeek_headers)
    http.get("/v1/agents/sessions/ses_missing", headers=mixpeek_headers)
    http.post("/v1/agents/sessions/list")


def test_native_routes(http):
    session = http.post("/api/sessions", json={"title": "native", "browserMode": BROWSER}).json()["id"]
    http.post(f"/api/sessions/{session}/messages", json={"text": "run ls"})
    appended = http.post(f"/v1/sessions/{session}/events", headers={"Idempotency-Key": "k1"}, json={
        "type": "message", "role": "assistant", "text": "listing", "model": "m", "finishReason": "tool_use",
        "inputTokens": 10, "outputTokens": 5, "cost": 0.01, "latencyMs": 120,
        "toolCalls": [{"id": "call_1", "name": "bash", "input": json.dumps({"command": "ls"})}]})
    assert appended.status_code == 201
    http.post(f"/v1/sessions/{session}/events", headers={"Idempotency-Key": "k1"}, json={
        "type": "message", "role": "assistant", "text": "listing", "model": "m", "finishReason": "tool_use",
        "inputTokens": 10, "outputTokens": 5, "cost": 0.01, "latencyMs": 120,
        "toolCalls": [{"id": "call_1", "name": "bash", "input": json.dumps({"command": "ls"})}]})
    http.post(f"/v1/sessions/{session}/events",
              json={"type": "tool_result", "toolCallId": "call_1", "result": "a\nb", "finished": True})
    http.post(f"/v1/sessions/{session}/events", headers={"If-Match": '"1"'}, json={"type": "finish"})
    http.post(f"/v1/sessions/{session}/events", json={"type": "bogus"})
    http.get(f"/v1/sessions/{session}")
    http.get(f"/v1/sessions/{session}", params={"version": 1})
    http.get(f"/v1/sessions/{session}/export")
    http.get(f"/v1/sessions/{session}/export", params={"format": "markdown"})
    http.get(f"/v1/sessions/{session}/events")
    http.get("/v1/events", params={"after": 0, "limit": 5})
    http.get("/v1/events", params={"after": -1})
    http.get("/v1/sessions/missing")
    http.get(f"/v1/sessions/{session}/transcript")
    http.get(f"/v1/sessions/{session}/items")
    batch = http.post(f"/v1/sessions/{session}/events/batch", json={"items": [
        {"type": "message", "role": "assistant", "text": "done", "finishReason": "end_turn"}]})
    assert batch.status_code in (200, 201), batch.text
    forked = http.post(f"/v1/sessions/{session}/fork", json={"title": "fork"})
    assert forked.status_code == 201, forked.text
    native = http.post("/v1/sessions", json={"title": "framework", "appName": "app", "userId": "u", "state": {"k": 1}})
    assert native.status_code == 201, native.text
    http.get("/v1/sessions", params={"appName": "app", "limit": 5})
    framework = native.json()["id"]
    rewound = http.post(f"/v1/sessions/{framework}/events/batch", json={"items": [
        {"type": "message", "role": "user", "messageId": "m1", "item": {"role": "user", "content": "hi"}},
        {"type": "state", "delta": {"user:name": "Ada"}},
        {"type": "rewind", "beforeMessageId": "m1"}]})
    assert rewound.status_code == 201, rewound.text
    http.get(f"/v1/sessions/{framework}/items", params={"includeRemoved": "true"})
    http.get("/v1/state", params={"appName": "app", "userId": "u"})
    many = http.post("/v1/events/batch", json={"appends": [
        {"sessionId": session, "items": [{"type": "message", "role": "user", "text": "again"}], "idempotencyKey": "m1"},
        {"sessionId": "missing", "items": [{"type": "message", "role": "user", "text": "lost"}]}]})
    assert many.status_code == 200, many.text
    assert [result["status"] for result in many.json()["results"]] == [201, 404], many.text
    http.post("/v1/events/batch", json={"appends": []})


def test_every_documented_json_operation_was_checked(http, mixpeek_headers):
    test_mix_routes(http)
    test_mixpeek_routes(http, mixpeek_headers)
    test_native_routes(http)
    seen = {(method, template) for method, template, _ in contract.own.validated}
    unchecked = []
    for template, item in contract.own.spec["paths"].items():
        for method, operation in item.items():
            if method == "parameters" or (method != "get" and template == "/health"):
                continue
            ok = [r for s, r in operation["responses"].items() if s.startswith("2")]
            if any("application/json" in (r.get("content") or {}) for r in ok) and (method.upper(), template) not in seen:
                unchecked.append(f"{method.upper()} {template}")
    assert unchecked == [], f"documented operations no test checked against openapi.json: {unchecked}"


def test_a_response_that_breaks_the_document_is_caught():
    request = httpx.Request("GET", "http://127.0.0.1/v1/sessions/abc")
    with pytest.raises(AssertionError, match="does not match sessiond's openapi.json"):
        contract.own.check(httpx.Response(200, json={"id": "abc", "version": "one"}, request=request))
    with pytest.raises(AssertionError, match="does not declare"):
        contract.own.check(httpx.Response(418, json={}, request=request))
    request = httpx.Request("POST", "http://127.0.0.1/v1/agents/sessions/list")
    with pytest.raises(AssertionError, match="does not match"):
        contract.own.check(httpx.Response(200, json={"results": [], "total": 0, "pagination": {}}, request=request))
