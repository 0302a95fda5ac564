"""`SessiondSessionService`: Google ADK's `BaseSessionService` on sessiond (google-adk 2.13).

Switch a runner from ADK's own stores with one line::

    session_service = SessiondSessionService()   # was: DatabaseSessionService("sqlite+aiosqlite:///adk.db")
    runner = Runner(agent=agent, app_name="weather", session_service=session_service)

Each ADK session is a sessiond session (its id encodes app, user and ADK session id, so two users may use
the same session id, as in ADK). Each event is stored whole in a ``message.appended`` event, with its usage
metadata as tokens and its function calls as tool calls; its ``state_delta`` is a ``state.updated`` event in
the same atomic append, and sessiond applies ``app:`` / ``user:`` scopes across sessions as ADK's services
do (``temp:`` keys are never stored). A stale session object (another writer appended since it was read) is
refused with ADK's ``StaleSessionError``, through sessiond's expected versions (``If-Match``).

A session deleted with :meth:`~SessiondSessionService.delete_session` may be created again under the same id, as
with ADK's own services: sessiond starts a new session in the same stream (decision 0177). Events are appended with
idempotency keys scoped to that incarnation, so an event id the deleted session held is stored again, not taken for
a retry.

ADK's rewind (``Runner.rewind_async``: an event with ``actions.rewind_before_invocation_id``) is stored as ADK
stores it and, in the same atomic append, recorded as sessiond's rewind to just before the rewound
invocation's first event: sessiond's live transcript, counters and exports are what ADK's model sees, while
:meth:`get_session` still returns every event, as ADK's own services do.
"""

from __future__ import annotations

import asyncio
import base64
import json
from typing import Any, Optional

from google.adk.errors._stale_session_error import StaleSessionError
from google.adk.errors.already_exists_error import AlreadyExistsError
from google.adk.errors.session_not_found_error import SessionNotFoundError
from google.adk.events.event import Event
from google.adk.platform import uuid as platform_uuid
from google.adk.sessions.base_session_service import BaseSessionService, GetSessionConfig, ListSessionsResponse
from google.adk.sessions.session import Session
from google.adk.sessions.state import State
from pydantic_core import to_jsonable_python

from .client import AsyncSessiondClient, ClientConfiguration
from .errors import ConflictError, NotFoundError

# How many sessions' last events `list_sessions` reads at once (each read takes a keep-alive connection).
_LIST_READS_IN_FLIGHT = 16

_STALE_SESSION_MESSAGE = (
    "The session has been modified in storage since it was loaded. "
    "Please reload the session before appending more events."
)


def sessiond_session_id(app_name: str, user_id: str, session_id: str) -> str:
    """The sessiond id of an ADK session: reversible, URL-safe, unique per (app, user, session id)."""
    raw = json.dumps([app_name, user_id, session_id], separators=(",", ":")).encode()
    return "adk-" + base64.urlsafe_b64encode(raw).decode().rstrip("=")


def adk_session_key(sessiond_id: str) -> tuple[str, str, str]:
    """(app, user, ADK session id) of a sessiond id made by :func:`sessiond_session_id`."""
    encoded = sessiond_id.removeprefix("adk-")
    app_name, user_id, session_id = json.loads(base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)))
    return app_name, user_id, session_id


def _storage_marker(version: int, incarnation: Optional[str]) -> str:
    """A session object's storage marker: the session's version (its ``If-Match``), then the incarnation it was read
    from, when known."""
    return f"{version}:{incarnation}" if incarnation else str(version)


def _marked(marker: Optional[str]) -> tuple[Optional[int], Optional[str]]:
    """The version and incarnation a storage marker holds (a marker without an incarnation: ``None``)."""
    if marker is None:
        return None, None
    version, _, incarnation = marker.partition(":")
    return int(version), incarnation or None


def _incarnation(answer: dict[str, Any]) -> str:
    """Which session of its id a native session answer is: its creation time in microseconds. Record times strictly
    increase along sessiond's log (docs/log-format.md), so a session created again under a deleted one's id has
    another (decision 0177)."""
    return str(round(answer["createdAtUnix"] * 1_000_000))


def event_idempotency_key(session: Session, event: Event) -> str:
    """The idempotency key :meth:`SessiondSessionService.append_event` sends for ``event``: its id, scoped to the
    incarnation of the session the object was read from, so that an event id a deleted session of the same id held
    is stored again rather than answered as that session's retry."""
    _, incarnation = _marked(session._storage_update_marker)
    return f"adk-event-{incarnation}-{event.id}" if incarnation else f"adk-event-{event.id}"


def event_activity(event: Event) -> dict[str, Any]:
    """The native ``message`` activity storing one ADK event: whole, with what sessiond counts from it."""
    parts = event.content.parts if event.content and event.content.parts else []
    if any(part.function_response for part in parts):
        role = "tool"
    elif event.author == "user":
        role = "user"
    else:
        role = "assistant"
    activity: dict[str, Any] = {
        "type": "message", "messageId": event.id, "role": role,
        "item": json.loads(event.model_dump_json(exclude_none=True)),
    }
    text = "".join(part.text for part in parts if part.text and not part.thought)
    if text:
        activity["text"] = text
    if role != "assistant":
        return activity
    if event.model_version:
        activity["model"] = event.model_version
    usage = event.usage_metadata
    if usage is not None:
        cached = usage.cached_content_token_count or 0
        activity["inputTokens"] = max((usage.prompt_token_count or 0) - cached, 0)
        activity["outputTokens"] = (usage.candidates_token_count or 0) + (usage.thoughts_token_count or 0)
        activity["cacheReadTokens"] = cached
    calls = [part.function_call for part in parts if part.function_call]
    if calls:
        activity["toolCalls"] = [
            {"id": f"{event.id}.{index}", "name": call.name or "function",
             "input": json.dumps(call.args or {}, separators=(",", ":"), sort_keys=True)}
            for index, call in enumerate(calls)
        ]
    return activity


def _first_event_of(session: Session, invocation_id: Optional[str]) -> Optional[Event]:
    """The session's first event of an invocation (where ADK's rewind before it starts), if any."""
    if not invocation_id:
        return None
    return next((event for event in session.events if event.invocation_id == invocation_id), None)


class SessiondSessionService(BaseSessionService):
    """ADK sessions, events and scoped state kept in sessiond.

    Args:
        client: An :class:`AsyncSessiondClient` to share (one connection pool); made from
            ``configuration`` when omitted.
        configuration: Where sessiond is (default ``http://127.0.0.1:8088``), its key and namespace.
    """

    def __init__(
        self, *, client: AsyncSessiondClient | None = None, configuration: ClientConfiguration | None = None
    ) -> None:
        self._client = client or AsyncSessiondClient(configuration)
        self._owns_client = client is None

    async def create_session(
        self, *, app_name: str, user_id: str, state: Optional[dict[str, Any]] = None, session_id: Optional[str] = None
    ) -> Session:
        session_id = (session_id.strip() if session_id else None) or platform_uuid.new_uuid()
        try:
            answer = await self._client.create_session(
                sessiond_session_id(app_name, user_id, session_id), title=session_id, app_name=app_name,
                user_id=user_id, state=to_jsonable_python(state or {}))
        except ConflictError:
            raise AlreadyExistsError(f"Session with id {session_id} already exists.") from None
        return self._session(answer, session_id=session_id, events=[], last_update_time=answer["createdAtUnix"])

    async def get_session(
        self, *, app_name: str, user_id: str, session_id: str, config: Optional[GetSessionConfig] = None
    ) -> Optional[Session]:
        sessiond_id = sessiond_session_id(app_name, user_id, session_id.strip() if session_id else session_id)
        recent = config.num_recent_events if config else None
        after = config.after_timestamp if config else None
        # The latest event gives last_update_time, so fetch at least one.
        limit = max(recent, 1) if recent is not None and after is None else None
        try:
            # Both reads at once; the events are read again at the session's version if a write fell between.
            answer, page = await asyncio.gather(
                self._client.get_session(sessiond_id),
                self._client.items(sessiond_id, limit=limit, include_removed=True))
            if page["version"] != answer["version"]:
                page = await self._client.items(
                    sessiond_id, limit=limit, version=answer["version"], include_removed=True)
        except NotFoundError:
            return None
        events = [Event.model_validate(entry["item"]) for entry in page["items"]]
        last_update_time = events[-1].timestamp if events else answer["createdAtUnix"]
        if recent is not None:
            events = events[-recent:] if recent else []
        if after is not None:
            events = [event for event in events if event.timestamp >= after]
        return self._session(answer, session_id=session_id.strip(), events=events, last_update_time=last_update_time)

    async def list_sessions(self, *, app_name: str, user_id: Optional[str] = None) -> ListSessionsResponse:
        answers = await self._client.list_sessions(app_name=app_name, user_id=user_id)
        # A few reads at a time: each takes a connection, and an app may have thousands of sessions.
        reads = asyncio.Semaphore(_LIST_READS_IN_FLIGHT)

        async def last_update(answer: dict[str, Any]) -> float:
            async with reads:
                page = await self._client.items(answer["id"], limit=1, version=answer["version"], include_removed=True)
            return page["items"][-1]["item"]["timestamp"] if page["items"] else answer["createdAtUnix"]

        times = await asyncio.gather(*(last_update(answer) for answer in answers))
        sessions = [
            self._session(answer, session_id=adk_session_key(answer["id"])[2], events=[], last_update_time=time)
            for answer, time in zip(answers, times)
        ]
        sessions.sort(key=lambda s: (s.last_update_time, s.user_id, s.id))
        return ListSessionsResponse(sessions=sessions)

    async def delete_session(self, *, app_name: str, user_id: str, session_id: str) -> None:
        await self._client.delete_session(sessiond_session_id(app_name, user_id, session_id.strip()))

    async def append_event(self, session: Session, event: Event) -> Event:
        if event.partial:
            return event
        self._apply_temp_state(session, event)
        event = self._trim_temp_delta_state(event)
        activities = [event_activity(event)]
        if event.actions and event.actions.state_delta:
            activities.append({"type": "state", "delta": to_jsonable_python(event.actions.state_delta)})
        rewound_from = _first_event_of(session, event.actions.rewind_before_invocation_id if event.actions else None)
        if rewound_from is not None:
            # After the rewind event itself, so that it is removed too: ADK's model never sees it either.
            activities.append({"type": "rewind", "beforeMessageId": rewound_from.id})
        version, incarnation = _marked(session._storage_update_marker)
        try:
            answer = await self._client.append_batch(
                sessiond_session_id(session.app_name, session.user_id, session.id), activities,
                if_match=version, idempotency_key=event_idempotency_key(session, event))
        except NotFoundError as error:
            if error.code != "session_not_found":
                raise
            raise SessionNotFoundError(f"Session {session.id} not found.") from None
        except ConflictError as error:
            if error.code == "wrong_expected_version":
                raise StaleSessionError(_STALE_SESSION_MESSAGE) from None
            raise
        if answer.get("deduplicated") and any(stored.id == event.id for stored in session.events):
            return event  # this session object already holds it (the caller appended it twice), as ADK skips it
        # Otherwise a deduplicated answer is this client's own retry of an append whose first answer was lost: the
        # event is stored, and the session object must show it as after any append.
        session._storage_update_marker = _storage_marker(answer["version"], incarnation)
        session.last_update_time = event.timestamp
        return self._commit_event_to_session(session, event)

    async def get_user_state(self, *, app_name: str, user_id: str) -> dict[str, Any]:
        """The user's ``user:`` keys in the app, without the prefix (``{}`` when none), as ADK's services
        return them."""
        answer = await self._client.shared_state(app_name, user_id=user_id)
        prefix = State.USER_PREFIX
        return {key.removeprefix(prefix): value for key, value in answer["state"].items() if key.startswith(prefix)}

    async def close(self) -> None:
        """Closes the client when this service made it."""
        if self._owns_client:
            await self._client.aclose()

    @staticmethod
    def _session(answer: dict[str, Any], *, session_id: str, events: list[Event], last_update_time: float) -> Session:
        session = Session(
            app_name=answer["appName"], user_id=answer["userId"], id=session_id, state=dict(answer["state"]),
            events=events, last_update_time=last_update_time)
        session._storage_update_marker = _storage_marker(answer["version"], _incarnation(answer))
        return session
