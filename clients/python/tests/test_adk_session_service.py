"""google-adk's own expectations of a session service (its session-service tests, ported), run case by case
against ADK's InMemory, Sqlite and Database services and against SessiondSessionService on a real
`sessiond serve`. Each test uses its own app name, so tests sharing the daemon never meet."""

from datetime import datetime, timezone

import pytest
from google.adk.errors.already_exists_error import AlreadyExistsError
from google.adk.errors._invocation_not_found_error import InvocationNotFoundError
from google.adk.events.event import Event
from google.adk.events.event_actions import EventActions
from google.adk.sessions._rewind_utils import rewind_session
from google.adk.sessions.base_session_service import GetSessionConfig
from google.adk.sessions.database_session_service import DatabaseSessionService
from google.adk.sessions.in_memory_session_service import InMemorySessionService
from google.adk.sessions.sqlite_session_service import SqliteSessionService
from google.genai import types

from sessiond_client.adk import SessiondSessionService, sessiond_session_id

SERVICES = ["in_memory", "sqlite", "database", "sessiond"]


@pytest.fixture(params=SERVICES)
async def service(request, tmp_path):
    if request.param == "in_memory":
        made = InMemorySessionService()
    elif request.param == "sqlite":
        made = SqliteSessionService(str(tmp_path / "sqlite.db"))
    elif request.param == "database":
        made = DatabaseSessionService("sqlite+aiosqlite:///:memory:")
    else:
        made = SessiondSessionService(configuration=request.getfixturevalue("configuration"))
    yield made
    if hasattr(made, "close"):
        await made.close()


@pytest.fixture()
def app(unique) -> str:
    return f"my_app-{unique}"


def now() -> float:
    return datetime.now().astimezone(timezone.utc).timestamp()


async def test_get_empty_session(service, app):
    assert not await service.get_session(app_name=app, user_id="test_user", session_id="123")


async def test_create_get_session(service, app):
    session = await service.create_session(app_name=app, user_id="test_user", state={"key": "value"})
    assert (session.app_name, session.user_id) == (app, "test_user")
    assert session.id
    assert session.state == {"key": "value"}
    assert session.last_update_time <= now()
    got = await service.get_session(app_name=app, user_id="test_user", session_id=session.id)
    assert got == session
    assert got.last_update_time <= now()
    await service.delete_session(app_name=app, user_id="test_user", session_id=session.id)
    assert await service.get_session(app_name=app, user_id="test_user", session_id=session.id) is None


async def test_create_and_list_sessions(service, app):
    ids = [f"session{i}" for i in range(5)]
    for session_id in ids:
        await service.create_session(app_name=app, user_id="test_user", session_id=session_id, state={"key": "value" + session_id})
    sessions = (await service.list_sessions(app_name=app, user_id="test_user")).sessions
    assert {s.id for s in sessions} == set(ids)
    for session in sessions:
        assert session.state == {"key": "value" + session.id}
        assert session.events == []


async def test_list_sessions_all_users(service, app):
    await service.create_session(app_name=app, user_id="user1", session_id="session1a", state={"key": "value1a"})
    await service.create_session(app_name=app, user_id="user1", session_id="session1b", state={"key": "value1b"})
    await service.create_session(app_name=app, user_id="user2", session_id="session2a", state={"key": "value2a"})
    one = {s.id: s.state for s in (await service.list_sessions(app_name=app, user_id="user1")).sessions}
    assert one == {"session1a": {"key": "value1a"}, "session1b": {"key": "value1b"}}
    two = (await service.list_sessions(app_name=app, user_id="user2")).sessions
    assert [(s.id, s.state) for s in two] == [("session2a", {"key": "value2a"})]
    everyone = {s.id: s.state for s in (await service.list_sessions(app_name=app, user_id=None)).sessions}
    assert everyone == {"session1a": {"key": "value1a"}, "session1b": {"key": "value1b"}, "session2a": {"key": "value2a"}}


async def test_app_state_is_shared_by_all_users_of_app(service, app):
    session1 = await service.create_session(app_name=app, user_id="u1", session_id="s1", state={"app:k1": "v1"})
    await service.append_event(session1, Event(invocation_id="inv1", author="user", actions=EventActions(state_delta={"app:k2": "v2"})))
    session2 = await service.create_session(app_name=app, user_id="u2", session_id="s2")
    assert session2.state == {"app:k1": "v1", "app:k2": "v2"}
    again = await service.get_session(app_name=app, user_id="u1", session_id="s1")
    assert (again.state.get("app:k1"), again.state.get("app:k2")) == ("v1", "v2")


async def test_user_state_is_shared_only_by_user_sessions(service, app):
    session1 = await service.create_session(app_name=app, user_id="u1", session_id="s1", state={"user:k1": "v1"})
    await service.append_event(session1, Event(invocation_id="inv1", author="user", actions=EventActions(state_delta={"user:k2": "v2"})))
    session1b = await service.create_session(app_name=app, user_id="u1", session_id="s1b")
    assert session1b.state == {"user:k1": "v1", "user:k2": "v2"}
    session2 = await service.create_session(app_name=app, user_id="u2", session_id="s2")
    assert session2.state == {}


async def test_session_state_is_not_shared(service, app):
    session1 = await service.create_session(app_name=app, user_id="u1", session_id="s1", state={"sk1": "v1"})
    await service.append_event(session1, Event(invocation_id="inv1", author="user", actions=EventActions(state_delta={"sk2": "v2"})))
    got = await service.get_session(app_name=app, user_id="u1", session_id="s1")
    assert (got.state.get("sk1"), got.state.get("sk2")) == ("v1", "v2")
    other = await service.create_session(app_name=app, user_id="u1", session_id="s1b")
    assert other.state == {}


async def test_temp_state_is_not_persisted_in_state_or_events(service, app):
    session = await service.create_session(app_name=app, user_id="u1", session_id="s1")
    event = Event(invocation_id="inv1", author="user", actions=EventActions(state_delta={"temp:k1": "v1", "sk": "v2"}))
    await service.append_event(session=session, event=event)
    assert (session.state.get("temp:k1"), session.state.get("sk")) == ("v1", "v2")
    assert "temp:k1" not in event.actions.state_delta
    assert event.actions.state_delta.get("sk") == "v2"
    stored = await service.get_session(app_name=app, user_id="u1", session_id="s1")
    assert "temp:k1" not in stored.state
    assert "temp:k1" not in stored.events[0].actions.state_delta


async def test_temp_state_visible_across_sequential_events(service, app):
    session = await service.create_session(app_name=app, user_id="u1", session_id="s_seq")
    event1 = Event(invocation_id="inv1", author="agent1", actions=EventActions(state_delta={"temp:output": "result_from_a1"}))
    await service.append_event(session=session, event=event1)
    assert session.state.get("temp:output") == "result_from_a1"
    assert "temp:output" not in event1.actions.state_delta


async def test_get_session_respects_user_id(service, app):
    session1 = await service.create_session(app_name=app, user_id="u1", session_id="s1")
    await service.append_event(session1, Event(invocation_id="inv1", author="user"))
    await service.create_session(app_name=app, user_id="u2", session_id="s1")
    got = await service.get_session(app_name=app, user_id="u2", session_id="s1")
    assert got.user_id == "u2"
    assert len(got.events) == 0


async def test_create_session_with_existing_id_raises_error(service, app):
    await service.create_session(app_name=app, user_id="test_user", session_id="existing_session")
    with pytest.raises(AlreadyExistsError):
        await service.create_session(app_name=app, user_id="test_user", session_id="existing_session")


async def test_append_event_bytes(service, app):
    session = await service.create_session(app_name=app, user_id="user")
    content = types.Content(role="user", parts=[types.Part.from_bytes(data=b"test_image_data", mime_type="image/png")])
    grounding = types.GroundingMetadata(search_entry_point=types.SearchEntryPoint(sdk_blob=b"test_sdk_blob"))
    await service.append_event(session=session, event=Event(invocation_id="invocation", author="user", content=content, grounding_metadata=grounding))
    assert session.events[0].content == content
    got = await service.get_session(app_name=app, user_id="user", session_id=session.id)
    assert len(got.events) == 1
    assert got.events[0].content == content
    assert got.events[0].grounding_metadata == grounding


async def test_append_event_complete(service, app):
    session = await service.create_session(app_name=app, user_id="user")
    event = Event(
        invocation_id="invocation", author="user",
        content=types.Content(role="user", parts=[types.Part(text="test_text")]),
        turn_complete=True, partial=False,
        actions=EventActions(artifact_delta={"file": 0}, transfer_to_agent="agent", escalate=True),
        long_running_tool_ids={"tool1"}, error_code="error_code", error_message="error_message", interrupted=True,
        grounding_metadata=types.GroundingMetadata(web_search_queries=["query1"]),
        usage_metadata=types.GenerateContentResponseUsageMetadata(prompt_token_count=1, candidates_token_count=1, total_token_count=2),
        citation_metadata=types.CitationMetadata(), custom_metadata={"custom_key": "custom_value"},
        timestamp=1700000000.123,
        input_transcription=types.Transcription(text="input transcription", finished=True),
        output_transcription=types.Transcription(text="output transcription", finished=True),
    )
    await service.append_event(session=session, event=event)
    assert await service.get_session(app_name=app, user_id="user", session_id=session.id) == session


async def test_session_last_update_time_updates_on_event(service, app):
    session = await service.create_session(app_name=app, user_id="user")
    original = session.last_update_time
    await service.append_event(session=session, event=Event(invocation_id="invocation", author="user", timestamp=original + 10))
    assert session.last_update_time == pytest.approx(original + 10, abs=1e-6)
    refreshed = await service.get_session(app_name=app, user_id="user", session_id=session.id)
    assert refreshed.last_update_time == pytest.approx(original + 10, abs=1e-6)
    assert refreshed.last_update_time > original


async def test_get_session_with_config(service, app):
    session = await service.create_session(app_name=app, user_id="user")
    for i in range(1, 6):
        await service.append_event(session, Event(author="user", timestamp=i))

    async def events(config=None):
        got = await service.get_session(app_name=app, user_id="user", session_id=session.id, config=config)
        return got.events

    assert len(await events()) == 5
    assert not await events(GetSessionConfig(num_recent_events=0))
    recent = await events(GetSessionConfig(num_recent_events=3))
    assert len(recent) == 3 and recent[0].timestamp == 3
    after = await events(GetSessionConfig(after_timestamp=4.0))
    assert len(after) == 2 and after[0].timestamp == 4.0
    assert not await events(GetSessionConfig(after_timestamp=50))
    assert len(await events(GetSessionConfig(after_timestamp=4.0, num_recent_events=3))) == 2


async def test_partial_events_are_not_persisted(service, app):
    session = await service.create_session(app_name=app, user_id="user")
    await service.append_event(session, Event(author="user", partial=True))
    assert len(session.events) == 0
    got = await service.get_session(app_name=app, user_id="user", session_id=session.id)
    assert len(got.events) == 0


@pytest.fixture(params=["database", "sessiond"])
async def revisioned_service(request):
    """The services that refuse a stale session object (ADK's InMemory and Sqlite services do not)."""
    if request.param == "database":
        made = DatabaseSessionService("sqlite+aiosqlite:///:memory:")
    else:
        made = SessiondSessionService(configuration=request.getfixturevalue("configuration"))
    yield made
    await made.close()


async def test_append_event_to_stale_session(revisioned_service, app):
    service = revisioned_service
    current = now()
    original = await service.create_session(app_name=app, user_id="user")
    await service.append_event(original, Event(invocation_id="inv1", author="user", timestamp=current + 1, actions=EventActions(state_delta={"sk1": "v1"})))
    updated = await service.get_session(app_name=app, user_id="user", session_id=original.id)
    await service.append_event(updated, Event(invocation_id="inv2", author="user", timestamp=current + 2, actions=EventActions(state_delta={"sk2": "v2"})))
    assert original.last_update_time < updated.last_update_time
    assert len(original.events) == 1 and "sk2" not in original.state
    with pytest.raises(ValueError, match="modified in storage"):
        await service.append_event(original, Event(invocation_id="inv3", author="user", timestamp=current + 3, actions=EventActions(state_delta={"sk3": "v3"})))
    final = await service.get_session(app_name=app, user_id="user", session_id=original.id)
    assert [e.invocation_id for e in final.events] == ["inv1", "inv2"]
    assert (final.state.get("sk1"), final.state.get("sk2"), final.state.get("sk3")) == ("v1", "v2", None)


async def test_concurrent_stale_writers_one_wins(revisioned_service, app):
    import asyncio

    service = revisioned_service
    session = await service.create_session(app_name=app, user_id="user")
    for i in range(4):
        latest = await service.get_session(app_name=app, user_id="user", session_id=session.id)
        stale1, stale2 = latest.model_copy(deep=True), latest.model_copy(deep=True)
        base = latest.last_update_time + 10.0
        results = await asyncio.gather(
            service.append_event(stale1, Event(invocation_id=f"inv{i}-1", author="user", timestamp=base + 1, actions=EventActions(state_delta={f"sk{i}-1": "a"}))),
            service.append_event(stale2, Event(invocation_id=f"inv{i}-2", author="user", timestamp=base + 2, actions=EventActions(state_delta={f"sk{i}-2": "b"}))),
            return_exceptions=True)
        errors = [r for r in results if isinstance(r, Exception)]
        assert len(errors) == 1 and isinstance(errors[0], ValueError) and "modified in storage" in str(errors[0])
    final = await service.get_session(app_name=app, user_id="user", session_id=session.id)
    assert len(final.events) == 4


async def test_a_retried_append_whose_first_answer_was_lost_still_reaches_the_session(configuration, app):
    """sessiond only: the first attempt landed but its answer was lost, so the client's retry (same idempotency key)
    is answered `deduplicated`. The event must still join the session object, or the invocation would not see it
    and its next append would be refused as stale."""
    from sessiond_client.adk import _marked, event_activity, event_idempotency_key, sessiond_session_id

    service = SessiondSessionService(configuration=configuration)
    try:
        session = await service.create_session(app_name=app, user_id="user")
        first = Event(invocation_id="inv1", author="model", timestamp=now())
        # What the lost first attempt stored.
        await service._client.append_batch(
            sessiond_session_id(app, "user", session.id), [event_activity(first)],
            if_match=_marked(session._storage_update_marker)[0], idempotency_key=event_idempotency_key(session, first))
        await service.append_event(session, first)
        assert [e.id for e in session.events] == [first.id]
        await service.append_event(session, Event(invocation_id="inv1", author="model", timestamp=now()))
        stored = await service.get_session(app_name=app, user_id="user", session_id=session.id)
        assert [e.id for e in stored.events] == [e.id for e in session.events] and len(stored.events) == 2
    finally:
        await service.close()


async def test_a_deleted_sessions_id_can_be_created_again(service, app):
    """ADK's services let a session be created again under the id of one deleted before: it starts with only its own
    state and events (sessiond: a new session in the same stream, decision 0177)."""
    session = await service.create_session(app_name=app, user_id="u1", session_id="again", state={"k": "old"})
    old = Event(invocation_id="inv1", author="user", timestamp=now(),
                content=types.Content(role="user", parts=[types.Part(text="the deleted session's words")]))
    await service.append_event(session, old)
    await service.delete_session(app_name=app, user_id="u1", session_id="again")
    assert await service.get_session(app_name=app, user_id="u1", session_id="again") is None
    again = await service.create_session(app_name=app, user_id="u1", session_id="again", state={"k": "new"})
    assert (again.id, again.state, again.events) == ("again", {"k": "new"}, [])
    fresh = Event(invocation_id="inv2", author="user", timestamp=now())
    await service.append_event(again, fresh)
    got = await service.get_session(app_name=app, user_id="u1", session_id="again")
    assert [event.id for event in got.events] == [fresh.id]
    assert got.state == {"k": "new"}
    with pytest.raises(AlreadyExistsError):
        await service.create_session(app_name=app, user_id="u1", session_id="again")


async def test_a_session_created_again_stores_an_event_id_its_deleted_predecessor_held(configuration, app):
    """sessiond only: the adapter's idempotency keys are scoped to the session's incarnation, so an event carrying the
    id of an event the deleted session held (a restored history, say) is stored in the new session, not answered as a
    retry of the old append; a stale session object of the deleted session is refused."""
    service = SessiondSessionService(configuration=configuration)
    try:
        session = await service.create_session(app_name=app, user_id="u1", session_id="restored")
        first = Event(invocation_id="inv1", author="user", timestamp=now())
        await service.append_event(session, first)
        await service.delete_session(app_name=app, user_id="u1", session_id="restored")
        again = await service.create_session(app_name=app, user_id="u1", session_id="restored")
        assert again._storage_update_marker != session._storage_update_marker
        copy = Event(id=first.id, invocation_id="inv1", author="user", timestamp=now())
        await service.append_event(again, copy)
        got = await service.get_session(app_name=app, user_id="u1", session_id="restored")
        assert [event.id for event in got.events] == [first.id]
        # The deleted session's object: its version is behind the new session's, so ADK's stale-session error.
        with pytest.raises(ValueError, match="modified in storage"):
            await service.append_event(session, Event(invocation_id="inv2", author="user", timestamp=now()))
        # A delete retried with its first key after the id was created again deletes nothing.
        sessiond_id = sessiond_session_id(app, "u1", "restored")
        await service._client.delete_session(sessiond_id, idempotency_key="delete-restored-1")
        await service.create_session(app_name=app, user_id="u1", session_id="restored")
        await service._client.delete_session(sessiond_id, idempotency_key="delete-restored-1")
        assert await service.get_session(app_name=app, user_id="u1", session_id="restored") is not None
    finally:
        await service.close()


# ADK's get_user_state tests (tests/unittests/sessions/test_get_user_state.py), ported.

async def test_get_user_state_returns_empty_dict_when_no_state_exists(service, app):
    assert await service.get_user_state(app_name=app, user_id="user-42") == {}


async def test_get_user_state_returns_state_written_via_append_event(service, app):
    session = await service.create_session(app_name=app, user_id="user-42")
    delta = {"user:profile": {"name": "Alice"}, "session_key": 1}
    await service.append_event(session, Event(author="system", actions=EventActions(state_delta=delta)))
    assert await service.get_user_state(app_name=app, user_id="user-42") == {"profile": {"name": "Alice"}}


async def test_get_user_state_is_not_visible_across_users(service, app):
    session = await service.create_session(app_name=app, user_id="user-42")
    await service.append_event(session, Event(author="system", actions=EventActions(state_delta={"user:secret": "only-for-user-42"})))
    assert await service.get_user_state(app_name=app, user_id="user-99") == {}


async def test_get_user_state_available_before_session_is_created(service, app):
    first = await service.create_session(app_name=app, user_id="user-42")
    await service.append_event(first, Event(author="system", actions=EventActions(state_delta={"user:ctx": {"v": 1}})))
    assert await service.get_user_state(app_name=app, user_id="user-42") == {"ctx": {"v": 1}}


async def test_get_user_state_reflects_latest_write(service, app):
    session = await service.create_session(app_name=app, user_id="user-42")
    for counter in (1, 2):
        await service.append_event(session, Event(author="system", actions=EventActions(state_delta={"user:counter": counter})))
    assert (await service.get_user_state(app_name=app, user_id="user-42"))["counter"] == 2


async def test_user_and_app_state_outlive_a_deleted_session(service, app):
    """ADK keeps app and user state when the session that set it is deleted (sessiond: until compaction erases
    that session's events, decision 0075)."""
    session = await service.create_session(app_name=app, user_id="u1", state={"user:name": "Ada", "app:mode": "fast"})
    await service.delete_session(app_name=app, user_id="u1", session_id=session.id)
    assert await service.get_user_state(app_name=app, user_id="u1") == {"name": "Ada"}
    later = await service.create_session(app_name=app, user_id="u1")
    assert later.state == {"user:name": "Ada", "app:mode": "fast"}


# ADK's rewind tests (tests/unittests/sessions/test_rewind_utils.py: the ones that append through a service),
# ported to every service.

async def test_rewind_session_raises_when_invocation_not_found(service, app):
    session = await service.create_session(app_name=app, user_id="u1", session_id="s1")
    with pytest.raises(InvocationNotFoundError, match="Invocation ID not found"):
        await rewind_session(session_service=service, session=session, rewind_before_invocation_id="inv_missing")


async def test_rewind_session_appends_rewind_event_with_deltas(service, app):
    session = await service.create_session(app_name=app, user_id="u1", session_id="s1")
    await service.append_event(session, Event(invocation_id="inv1", author="user", actions=EventActions(state_delta={"k": "v1"})))
    await service.append_event(session, Event(invocation_id="inv2", author="user", actions=EventActions(state_delta={"k": "v2"})))
    await rewind_session(session_service=service, session=session, rewind_before_invocation_id="inv2")
    rewound = await service.get_session(app_name=app, user_id="u1", session_id="s1")
    assert len(rewound.events) == 3
    assert rewound.events[-1].actions.rewind_before_invocation_id == "inv2"
    assert rewound.events[-1].actions.state_delta == {"k": "v1"}
    assert rewound.state["k"] == "v1"
    assert rewound == session


async def test_sessiond_records_adk_rewinds_as_its_own_rewind(configuration, app):
    """sessiond's live transcript after ADK rewinds is what ADK's model sees (`_apply_rewinds`), the rewinds are
    `session.rewound` in the audit history, and ADK still reads back every event it appended."""
    import httpx
    from google.adk.events._rewind_events import _apply_rewinds

    from sessiond_client import AsyncSessiondClient
    from sessiond_client.adk import sessiond_session_id

    client = AsyncSessiondClient(configuration)
    service = SessiondSessionService(client=client)
    session = await service.create_session(app_name=app, user_id="u1", session_id="s1")
    for n in range(1, 5):
        for author in ("user", "agent"):
            await service.append_event(session, Event(invocation_id=f"inv{n}", author=author))
    await rewind_session(session_service=service, session=session, rewind_before_invocation_id="inv3")
    await service.append_event(session, Event(invocation_id="inv5", author="user"))
    await rewind_session(session_service=service, session=session, rewind_before_invocation_id="inv1")
    await service.append_event(session, Event(invocation_id="inv6", author="user"))

    got = await service.get_session(app_name=app, user_id="u1", session_id="s1")
    assert got == session and len(got.events) == 12
    sessiond_id = sessiond_session_id(app, "u1", "s1")
    live = [entry["item"]["id"] for entry in (await client.items(sessiond_id))["items"]]
    assert live == [event.id for event in _apply_rewinds(got.events)] == [got.events[-1].id]
    async with httpx.AsyncClient(base_url=configuration.base_url) as http:
        history = (await http.get(f"/v1/sessions/{sessiond_id}/events")).json()
    types_ = [event["type"] for event in history]
    # The first rewind keeps inv2's events; the second has nothing before inv1 to keep, so it clears.
    assert types_.count("session.rewound") == 1 and types_.count("messages.removed") == 1
    await service.close()
    await client.aclose()
