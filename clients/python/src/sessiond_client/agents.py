"""`SessiondSession`: the OpenAI Agents SDK's `Session` on sessiond (openai-agents 0.24).

Switch an agent from the SDK's SQLite store with one line::

    session = SessiondSession("conversation-42")          # was: SQLiteSession("conversation-42", "chat.db")
    result = await Runner.run(agent, "Hi", session=session)

Every item is stored whole in a ``message.appended`` event and read back equal. ``pop_item`` and
``clear_session`` append ``messages.removed``: the items leave the conversation but stay in the log, the
audit history and as-of exports. The SDK hands the run's context to a session whose methods take a
``wrapper`` argument; ``add_items`` records the token usage the run gained since its last append on the
first model item of the batch, so the session's stats count tokens with no other change to the agent.
"""

from __future__ import annotations

import json
import uuid
from typing import TYPE_CHECKING, Any

from agents.memory.session import SessionABC
from agents.memory.session_settings import SessionSettings, resolve_session_limit

from .client import AsyncSessiondClient, ClientConfiguration
from .errors import ConflictError, NotFoundError

if TYPE_CHECKING:
    from agents.items import TResponseInputItem
    from agents.run_context import RunContextWrapper
    from agents.usage import Usage

_USER_ROLES = {"user", "system", "developer"}


def item_activity(item: dict[str, Any], message_id: str) -> dict[str, Any]:
    """The native ``message`` activity that stores one SDK item: its role for sessiond's counters (user,
    assistant or tool) and, for a model's tool call, the call (so the stats count it). The item rides whole."""
    kind = item.get("type")
    role = item.get("role")
    if role in _USER_ROLES and kind in (None, "message"):
        sessiond_role = "user"
    elif kind is not None and kind.endswith("_output"):
        sessiond_role = "tool"
    else:
        sessiond_role = "assistant"
    activity: dict[str, Any] = {"type": "message", "messageId": message_id, "role": sessiond_role, "item": item}
    if sessiond_role == "assistant" and kind is not None and kind.endswith("_call"):
        arguments = item.get("arguments", item.get("input", item.get("action")))
        activity["toolCalls"] = [{
            "id": f"{message_id}.0",
            "name": str(item.get("name") or kind),
            "input": arguments if isinstance(arguments, str) else _json(arguments),
        }]
    return activity


def _json(value: Any) -> str:
    return json.dumps(value if value is not None else {}, separators=(",", ":"), sort_keys=True)


def _usage_totals(usage: "Usage") -> tuple[int, int, int]:
    """(uncached input, output, cached input) tokens of a run so far."""
    cached = getattr(usage.input_tokens_details, "cached_tokens", 0) or 0
    return max(usage.input_tokens - cached, 0), usage.output_tokens, cached


class SessiondSession(SessionABC):
    """Conversation history for one ``session_id``, kept in sessiond.

    Args:
        session_id: The conversation's id, also sessiond's session id.
        client: The :class:`AsyncSessiondClient` to send through. When omitted, every session of the event loop
            with the same ``configuration`` shares :meth:`AsyncSessiondClient.shared` (one connection pool, one
            group commit), so the one-line switch gets both.
        configuration: Where sessiond is (default ``http://127.0.0.1:8088``), its key and namespace.
        session_settings: The SDK's settings (``limit`` is the default of :meth:`get_items`).
    """

    def __init__(
        self,
        session_id: str,
        *,
        client: AsyncSessiondClient | None = None,
        configuration: ClientConfiguration | None = None,
        session_settings: SessionSettings | None = None,
        title: str | None = None,
    ) -> None:
        self.session_id = session_id
        self.session_settings = session_settings or SessionSettings()
        self._given_client = client
        self._configuration = configuration
        self._title = title
        # The run whose usage was last recorded (its Usage object) and the totals recorded for it.
        self._usage_run: Usage | None = None
        self._usage_recorded = (0, 0, 0)

    async def get_items(
        self, limit: int | None = None, *, wrapper: RunContextWrapper[Any] | None = None
    ) -> list[TResponseInputItem]:
        """The latest ``limit`` items (all when ``None`` or negative, none for 0), oldest first."""
        effective = resolve_session_limit(limit, self.session_settings)
        if effective is not None and effective < 0:
            effective = None
        try:
            return await self._client.item_bodies(self.session_id, limit=effective)
        except NotFoundError:
            return []

    async def add_items(
        self, items: list[TResponseInputItem], *, wrapper: RunContextWrapper[Any] | None = None
    ) -> None:
        """Appends the items in order, as one atomic append (created on first use), with the usage the run
        (``wrapper``, passed by the SDK) gained since this session's last append."""
        if not items:
            return
        activities = [item_activity(dict(item), f"oa-{uuid.uuid4().hex}") for item in items]
        recorded = self._attach_usage(activities, wrapper)
        key = uuid.uuid4().hex
        try:
            await self._client.append_batch(self.session_id, activities, idempotency_key=key)
        except NotFoundError:
            await self._create()
            await self._client.append_batch(self.session_id, activities, idempotency_key=key)
        if recorded is not None:
            self._usage_run, self._usage_recorded = recorded

    async def pop_item(self, *, wrapper: RunContextWrapper[Any] | None = None) -> TResponseInputItem | None:
        """Takes the latest item out of the conversation (kept in history) and returns it; ``None`` if empty."""
        try:
            answer = await self._client.append(self.session_id, {"type": "pop"})
        except NotFoundError:
            return None
        removed = answer.get("removedItems") or []
        return removed[0] if removed else None

    async def clear_session(self, *, wrapper: RunContextWrapper[Any] | None = None) -> None:
        """Takes every item out of the conversation; the history stays in sessiond."""
        try:
            await self._client.append(self.session_id, {"type": "clear"})
        except NotFoundError:
            return

    @property
    def _client(self) -> AsyncSessiondClient:
        # Resolved at each use, inside the running loop: a session may be made before its loop starts.
        return self._given_client or AsyncSessiondClient.shared(self._configuration)

    async def close(self) -> None:
        """Nothing to release: the client is the caller's or the loop's shared one (closed with neither)."""

    async def _create(self) -> None:
        try:
            await self._client.create_session(self.session_id, title=self._title)
        except ConflictError:
            pass  # created meanwhile by another writer

    def _attach_usage(
        self, activities: list[dict[str, Any]], wrapper: RunContextWrapper[Any] | None
    ) -> tuple[Usage, tuple[int, int, int]] | None:
        """Puts the run's usage not yet recorded on the first assistant item of this batch (a batch without one
        leaves it for the next); returns what is recorded once the append succeeds."""
        target = next((a for a in activities if a["role"] == "assistant"), None)
        if wrapper is None or target is None:
            return None
        usage = wrapper.usage
        recorded = self._usage_recorded if usage is self._usage_run else (0, 0, 0)
        totals = _usage_totals(usage)
        for key, now, before in zip(("inputTokens", "outputTokens", "cacheReadTokens"), totals, recorded):
            if now > before:
                target[key] = now - before
        return usage, totals
