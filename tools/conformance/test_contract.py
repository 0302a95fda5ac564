"""The contract check itself: it runs on every response of the Mix routes, and it does catch a mismatch."""

import httpx
import pytest

import contract

BROWSER = "local-browser-service"


def test_every_session_and_message_operation_is_checked(http):
    created = http.post("/api/sessions", json={"title": "contract", "browserMode": BROWSER})
    session = created.json()["id"]
    http.get("/api/sessions")
    http.get(f"/api/sessions/{session}")
    http.patch(f"/api/sessions/{session}/callbacks", json={"callbacks": []})
    http.post(f"/api/sessions/{session}/messages", json={"text": "hello", "plan_mode": False})
    http.get(f"/api/sessions/{session}/messages")
    http.get("/api/messages/history")
    http.get(f"/api/sessions/{session}/export")
    http.post(f"/api/sessions/{session}/cancel")
    http.post(f"/api/sessions/{session}/rewind", json={"cleanupMedia": True})
    http.delete(f"/api/sessions/{session}")
    http.get(f"/api/sessions/{session}")
    seen = {(method, template) for method, template, _ in contract.validated}
    for operation in [
        ("POST", "/api/sessions"), ("GET", "/api/sessions"), ("GET", "/api/sessions/{id}"),
        ("PATCH", "/api/sessions/{id}/callbacks"), ("POST", "/api/sessions/{id}/messages"),
        ("GET", "/api/sessions/{id}/messages"), ("GET", "/api/messages/history"),
        ("GET", "/api/sessions/{id}/export"), ("POST", "/api/sessions/{id}/cancel"),
        ("POST", "/api/sessions/{id}/rewind"), ("DELETE", "/api/sessions/{id}"),
    ]:
        assert operation in seen, f"{operation} was not checked against the spec"


def test_a_response_that_breaks_the_spec_is_caught():
    request = httpx.Request("GET", "http://127.0.0.1/api/sessions/abc")
    wrong = httpx.Response(200, json={"id": 5}, request=request)
    with pytest.raises(AssertionError, match="does not match the spec"):
        contract.check(wrong)
    undeclared = httpx.Response(418, json={}, request=request)
    with pytest.raises(AssertionError, match="does not declare"):
        contract.check(undeclared)
