"""A tiny client of sessiond's HTTP API for the browser tests: they set sessions up and read the answers the
page must agree with (standard library only)."""

import json
import urllib.error
import urllib.request


class API:
    def __init__(self, url: str, key: str | None = None):
        self.url = url
        self.key = key

    def call(self, method: str, path: str, body=None, headers=None, raw: bool = False):
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.url + path, data=data, method=method)
        if data is not None:
            request.add_header("Content-Type", "application/json")
        if self.key:
            request.add_header("Authorization", f"Bearer {self.key}")
        for name, value in (headers or {}).items():
            request.add_header(name, value)
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                payload = response.read()
        except urllib.error.HTTPError as error:
            raise AssertionError(f"{method} {path} answered {error.code}: {error.read()[:500]!r}") from None
        return payload if raw else (json.loads(payload) if payload.strip() else None)

    def get(self, path, **kwargs):
        return self.call("GET", path, **kwargs)

    def post(self, path, body=None, **kwargs):
        return self.call("POST", path, body, **kwargs)

    # What an agent runtime and its user do, through the Mix and native faces.

    def create(self, title: str) -> str:
        return self.post("/api/sessions", {"title": title, "browserMode": "local-browser-service"})["id"]

    def user(self, session: str, text: str) -> dict:
        return self.post(f"/api/sessions/{session}/messages", {"text": text})

    def activity(self, session: str, **body) -> dict:
        return self.post(f"/v1/sessions/{session}/events", body)

    def assistant(self, session: str, message_id: str, text: str, calls=(), finish="end_turn", **usage) -> dict:
        body = {"type": "message", "role": "assistant", "messageId": message_id, "text": text, "model": "claude-test",
                "inputTokens": 120, "outputTokens": 40, "cost": 0.0021, "latencyMs": 850, **usage}
        if calls:
            body["toolCalls"] = [{"id": call_id, "name": name, "input": json.dumps(arguments)}
                                 for call_id, name, arguments in calls]
            body["finishReason"] = "tool_use"
        elif finish:
            body["finishReason"] = finish
        return self.activity(session, **body)

    def tool_result(self, session: str, call_id: str, message_id: str, result: str, is_error: bool = False) -> dict:
        return self.activity(session, type="tool_result", toolCallId=call_id, messageId=message_id, result=result,
                             isError=is_error)

    def upload(self, session: str, name: str, data: bytes, content_type: str) -> dict:
        """A session file through the Mix upload (multipart form field `file`)."""
        boundary = "console-test-boundary"
        body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n"
                f"Content-Type: {content_type}\r\n\r\n").encode() + data + f"\r\n--{boundary}--\r\n".encode()
        request = urllib.request.Request(f"{self.url}/api/sessions/{session}/files/upload", data=body, method="POST")
        request.add_header("Content-Type", f"multipart/form-data; boundary={boundary}")
        if self.key:
            request.add_header("Authorization", f"Bearer {self.key}")
        with urllib.request.urlopen(request, timeout=60) as response:
            return json.loads(response.read())

    def events(self, session: str) -> list[dict]:
        return self.get(f"/v1/sessions/{session}/events")

    def export(self, session: str, position: int, format: str = "json") -> bytes:
        return self.get(f"/v1/sessions/{session}/export?position={position}&format={format}", raw=True)
