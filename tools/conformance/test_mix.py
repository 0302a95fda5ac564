"""Mix sessions API driven by mix-python-sdk==0.8.1 (raw httpx only where the SDK refuses to send bad input)."""

import uuid

import pytest
from mix_python_sdk import errors, models

from conftest import next_event

BROWSER = "local-browser-service"


def make_session(mix, title="conformance", **kwargs):
    return mix.sessions.create(title=title, browser_mode=BROWSER, **kwargs)


def envelope(response):
    data = errors.ErrorResponseData.model_validate_json(response.text)
    return data.error


# --- create: the six OpenAPI error examples, plus browserMode/cdpUrl (decision (k)) ------------------------

CREATE_ERRORS = [
    ("missing_title", {"title": "", "browserMode": BROWSER}, "title", "title is required"),
    (
        "invalid_prompt_mode",
        {"title": "t", "browserMode": BROWSER, "promptMode": "bogus"},
        "promptMode",
        "promptMode must be 'default', 'append', or 'replace'",
    ),
    (
        "prompt_size_exceeded_append",
        {"title": "t", "browserMode": BROWSER, "promptMode": "append", "customSystemPrompt": "x" * 51201},
        "customSystemPrompt",
        "Custom prompt size (50KB) exceeds append mode limit of 50KB",
    ),
    (
        "prompt_size_exceeded_replace",
        {"title": "t", "browserMode": BROWSER, "promptMode": "replace", "customSystemPrompt": "x" * 102401},
        "customSystemPrompt",
        "Custom prompt size (100KB) exceeds replace mode limit of 100KB",
    ),
    (
        "invalid_session_type",
        {"title": "t", "browserMode": BROWSER, "sessionType": "subagent"},
        "sessionType",
        "API can only create main sessions. Subagent sessions are created automatically.",
    ),
    (
        "subagent_type_not_allowed",
        {"title": "t", "browserMode": BROWSER, "subagentType": "general-purpose"},
        "subagentType",
        "subagentType cannot be set for API-created sessions. Subagent sessions are created programmatically "
        "by the task delegation system.",
    ),
    (
        "cdp_url_required",
        {"title": "t", "browserMode": "remote-cdp-websocket"},
        "cdpUrl",
        "cdpUrl is required when browserMode is 'remote-cdp-websocket'",
    ),
]


@pytest.mark.parametrize("name,body,field,message", CREATE_ERRORS, ids=[c[0] for c in CREATE_ERRORS])
def test_create_validation_errors(http, name, body, field, message):
    before = len(http.get("/api/sessions").json())
    response = http.post("/api/sessions", json=body)
    assert response.status_code == 400, response.text
    error = envelope(response)
    assert error.message == message
    assert error.type == "validation_error"
    assert response.json()["error"]["field"] == field
    assert response.json()["error"]["code"] == 400
    assert len(http.get("/api/sessions").json()) == before, "an invalid create must append nothing"


def test_create_missing_title_through_sdk(mix):
    with pytest.raises(errors.ErrorResponse) as raised:
        mix.sessions.create(title="", browser_mode=BROWSER)
    assert raised.value.status_code == 400
    assert raised.value.data.error.message == "title is required"


def test_unknown_field_and_malformed_json_are_400(http):
    response = http.post("/api/sessions", json={"title": "t", "browserMode": BROWSER, "foo": 1})
    assert response.status_code == 400
    assert envelope(response).message == 'json: unknown field "foo"'
    response = http.post("/api/sessions", content=b"{not json", headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    assert response.json()["error"]["field"] == "body"


def test_create_get_list_and_long_title(mix):
    title = "a title much longer than twenty characters"
    created = make_session(mix, title=title, custom_system_prompt="be brief", prompt_mode="append")
    assert created.title == title  # decision (h): never truncated
    assert created.session_type == "main"
    fetched = mix.sessions.get(id=created.id)
    assert fetched.id == created.id and fetched.created_at == created.created_at
    listed = mix.sessions.list()
    assert created.id in [s.id for s in listed]


def test_get_unknown_session_is_404(mix):
    missing = str(uuid.uuid4())
    with pytest.raises(errors.ErrorResponse) as raised:
        mix.sessions.get(id=missing)
    assert raised.value.status_code == 404
    assert raised.value.data.error.message == f"Session with ID '{missing}' not found"


def test_delete_is_permanent(mix):
    created = make_session(mix)
    mix.sessions.delete(id=created.id)
    with pytest.raises(errors.ErrorResponse) as raised:
        mix.sessions.get(id=created.id)
    assert raised.value.status_code == 404
    assert created.id not in [s.id for s in mix.sessions.list()]
    with pytest.raises(errors.ErrorResponse) as raised:
        mix.sessions.delete(id=created.id)
    assert raised.value.status_code == 404


# --- callbacks ------------------------------------------------------------------------------------------------


def test_update_callbacks_replaces_and_clears(mix):
    created = make_session(mix)
    updated = mix.sessions.update_session_callbacks(
        id=created.id,
        callbacks=[{"toolName": "Bash", "type": "bash_script", "bashCommand": "echo done", "name": "notify"}],
    )
    assert [c.tool_name for c in updated.callbacks] == ["Bash"]
    assert mix.sessions.get(id=created.id).callbacks[0].bash_command == "echo done"
    cleared = mix.sessions.update_session_callbacks(id=created.id, callbacks=[])
    assert not cleared.callbacks


CALLBACK_ERRORS = [
    ({"toolName": "", "type": "bash_script", "bashCommand": "x"}, "callbacks[0]: missing required field 'toolName'"),
    ({"toolName": "Bash", "type": "bash_script"}, "callbacks[0]: bash_script type requires 'bashCommand' field"),
    ({"toolName": "Bash", "type": "sub_agent"}, "callbacks[0]: sub_agent type requires 'subAgentPrompt' field"),
    (
        {"toolName": "Bash", "type": "send_message"},
        "callbacks[0]: send_message type requires 'messageContent' field",
    ),
    (
        {"toolName": "Bash", "type": "send_message", "messageContent": "m", "excludeFromContext": True},
        "callbacks[0]: send_message callbacks cannot be excluded from context",
    ),
]


@pytest.mark.parametrize("callback,message", CALLBACK_ERRORS)
def test_callback_validation(mix, callback, message):
    created = make_session(mix)
    with pytest.raises(errors.ErrorResponse) as raised:
        mix.sessions.update_session_callbacks(id=created.id, callbacks=[callback])
    assert raised.value.status_code == 400
    assert raised.value.data.error.message == message
    assert not mix.sessions.get(id=created.id).callbacks


def test_callback_type_must_be_known(http):
    created = http.post("/api/sessions", json={"title": "t", "browserMode": BROWSER}).json()
    response = http.patch(
        f"/api/sessions/{created['id']}/callbacks", json={"callbacks": [{"toolName": "Bash", "type": "nope"}]}
    )
    assert response.status_code == 400
    assert envelope(response).message == "callbacks[0]: type must be 'bash_script', 'sub_agent', or 'send_message', got 'nope'"


def test_update_callbacks_unknown_session_is_404(mix):
    with pytest.raises(errors.ErrorResponse) as raised:
        mix.sessions.update_session_callbacks(id=str(uuid.uuid4()), callbacks=[])
    assert raised.value.status_code == 404


# --- messages, history, export, rewind, cancel --------------------------------------------------------------


def test_send_and_list_messages(mix):
    created = make_session(mix)
    mix.messages.send(id=created.id, text="hello sessiond")
    messages = mix.messages.list_session(id=created.id)
    assert [(m.role, m.user_input) for m in messages] == [("user", "hello sessiond")]
    session = mix.sessions.get(id=created.id)
    assert session.user_message_count == 1
    assert session.first_user_message == "hello sessiond"
    history = mix.messages.get_history(limit=5)
    assert any(m.user_input == "hello sessiond" for m in history)


def test_send_validation_and_404(mix, http):
    created = make_session(mix)
    response = http.post(f"/api/sessions/{created.id}/messages", json={"text": ""})
    assert response.status_code == 400
    assert envelope(response).message == "message content is required"
    with pytest.raises(errors.ErrorResponse) as raised:
        mix.messages.send(id=str(uuid.uuid4()), text="x")
    assert raised.value.status_code == 404
    with pytest.raises(errors.ErrorResponse) as raised:
        mix.messages.list_session(id=str(uuid.uuid4()))
    assert raised.value.status_code == 404


def test_export(mix):
    created = make_session(mix, title="export me")
    mix.messages.send(id=created.id, text="first")
    exported = mix.sessions.export_session(id=created.id).result
    assert exported.id == created.id
    assert exported.title == "export me"
    assert [m.content for m in exported.messages] == ["first"]
    with pytest.raises(errors.ErrorResponse) as raised:
        mix.sessions.export_session(id=str(uuid.uuid4()))
    assert raised.value.status_code == 404


def test_rewind(mix):
    created = make_session(mix)
    mix.messages.send(id=created.id, text="keep")
    mix.messages.send(id=created.id, text="drop")
    kept = mix.messages.list_session(id=created.id)[0]
    rewound = mix.sessions.rewind_session(id=created.id, message_id=kept.id)
    assert rewound.user_message_count == 1
    assert rewound.browser_mode == BROWSER  # decision (c): the full SessionData
    assert [m.user_input for m in mix.messages.list_session(id=created.id)] == ["keep"]


def test_rewind_unknown_message_is_404(mix, http):
    created = make_session(mix)
    with pytest.raises(errors.ErrorResponse) as raised:
        mix.sessions.rewind_session(id=created.id, message_id="no-such-message")
    assert raised.value.status_code == 404
    assert raised.value.data.error.message == "Message with ID 'no-such-message' not found"
    response = http.post(f"/api/sessions/{created.id}/rewind", json={"messageId": ""})
    assert response.status_code == 400
    assert envelope(response).message == "message ID is required"


def test_cancel(mix):
    created = make_session(mix)
    idle = mix.sessions.cancel_processing(id=created.id)
    assert idle.cancelled is False
    mix.messages.send(id=created.id, text="run")
    cancelled = mix.sessions.cancel_processing(id=created.id)
    assert cancelled.cancelled is True
    with pytest.raises(errors.ErrorResponse) as raised:
        mix.sessions.cancel_processing(id=str(uuid.uuid4()))
    assert raised.value.status_code == 404


def test_health(mix, http):
    health = mix.system.get_health()
    assert health.status == "ok"
    body = http.get("/health").json()
    assert body["projection"]["lag"] == 0


# --- SSE through the SDK's streaming API ----------------------------------------------------------------------


def test_stream_live_and_resume_with_last_event_id(mix):
    created = make_session(mix)
    response = mix.streaming.stream_events(session_id=created.id, timeout_ms=20000)
    with response.result as stream:
        connected = next_event(stream)
        assert connected.event == "connected"
        mix.messages.send(id=created.id, text="live one")
        event = next_event(stream)
        assert event.event == "user_message_created"
        assert event.data.content == "live one"
        last_id = event.id
    # Disconnected: these happen while nobody listens.
    mix.messages.send(id=created.id, text="missed")
    mix.sessions.cancel_processing(id=created.id)
    resumed = mix.streaming.stream_events(session_id=created.id, last_event_id=last_id, timeout_ms=20000)
    with resumed.result as stream:
        assert next_event(stream).event == "connected"
        replayed = next_event(stream)
        assert replayed.event == "user_message_created"
        assert replayed.data.content == "missed"
        assert int(replayed.id) > int(last_id)
        error = next_event(stream)
        assert error.event == "error"  # the cancel
        mix.messages.send(id=created.id, text="live again")
        live = next_event(stream)
        assert live.event == "user_message_created" and live.data.content == "live again"


def test_stream_unknown_session_is_404(mix):
    with pytest.raises(errors.ErrorResponse) as raised:
        mix.streaming.stream_events(session_id=str(uuid.uuid4()))
    assert raised.value.status_code == 404
