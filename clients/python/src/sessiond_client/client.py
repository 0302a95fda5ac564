"""Sync and async clients for sessiond's native API (docs/api.md, "Native").

Both keep one keep-alive connection pool, send `Authorization: Bearer <key>` and `X-Namespace` when given,
and retry only what is safe to repeat: reads, and writes that carry an `Idempotency-Key` (sessiond appends
such a write once, and answers a retry with the first result). Every append here gets a key unless the caller
passes one.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from dataclasses import dataclass, field
from typing import Any, Mapping
from urllib.parse import quote

import httpx

from .errors import raise_for_response

JSON = dict[str, Any]

_RETRIED_STATUSES = {502, 503, 504}


@dataclass(frozen=True)
class ClientConfiguration:
    """Where sessiond is and how to talk to it.

    - base_url: e.g. ``http://127.0.0.1:8088``.
    - api_key: sent as ``Authorization: Bearer``; needed once the server has keys.
    - namespace: sent as ``X-Namespace``; with a key it must be the key's namespace.
    - retries: how many times a safe request is retried after a connection error or a 502/503/504.
    """

    base_url: str = "http://127.0.0.1:8088"
    api_key: str | None = None
    namespace: str | None = None
    timeout: float = 30.0
    retries: int = 3
    backoff: float = 0.2
    headers: Mapping[str, str] = field(default_factory=dict)

    def http_headers(self) -> dict[str, str]:
        headers = {"Accept": "application/json", **self.headers}
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        if self.namespace:
            headers["X-Namespace"] = self.namespace
        return headers


@dataclass(frozen=True)
class _Call:
    """One HTTP request, built once and sent by either client."""

    method: str
    path: str
    params: dict[str, Any] | None = None
    body: Any = None
    headers: dict[str, str] | None = None
    retry_safe: bool = True
    missing_ok: bool = False


def _session_path(session_id: str, suffix: str = "") -> str:
    return "/v1/sessions/" + quote(session_id, safe="") + suffix


def _write_headers(if_match: int | None, idempotency_key: str | None) -> dict[str, str]:
    headers = {"Idempotency-Key": idempotency_key or uuid.uuid4().hex}
    if if_match is not None:
        headers["If-Match"] = f'"{if_match}"'
    return headers


def _as_of(position: int | None, version: int | None, at: str | None) -> dict[str, Any]:
    return {k: v for k, v in {"position": position, "version": version, "at": at}.items() if v is not None}


class _Calls:
    """The native API's requests, independent of how they are sent."""

    @staticmethod
    def create_session(
        session_id: str | None, title: str | None, app_name: str | None, user_id: str | None,
        state: Mapping[str, Any] | None, idempotency_key: str | None,
    ) -> _Call:
        body = {k: v for k, v in {
            "sessionId": session_id, "title": title, "appName": app_name, "userId": user_id,
            "state": dict(state) if state else None,
        }.items() if v is not None}
        return _Call("POST", "/v1/sessions", body=body, headers=_write_headers(None, idempotency_key))

    @staticmethod
    def get_session(session_id: str, position: int | None, version: int | None, at: str | None) -> _Call:
        return _Call("GET", _session_path(session_id), params=_as_of(position, version, at))

    @staticmethod
    def list_sessions(app_name: str | None, user_id: str | None, limit: int | None, offset: int,
                      cursor: str | None = None) -> _Call:
        """One page; without a `limit` the server's largest page, and the caller follows `nextCursor`."""
        params = {k: v for k, v in {"appName": app_name, "userId": user_id, "limit": limit or 10_000,
                                    "cursor": cursor}.items() if v is not None}
        if offset and not cursor:
            params["offset"] = offset
        return _Call("GET", "/v1/sessions", params=params)

    @staticmethod
    def delete_session(session_id: str) -> _Call:
        # Permanent deletion is the Mix route (a tombstone; compaction erases the bodies); a retry of a
        # delete that went through is a 404, which the caller treats as done.
        return _Call("DELETE", "/api/sessions/" + quote(session_id, safe=""), missing_ok=True)

    @staticmethod
    def append(session_id: str, activity: Mapping[str, Any], if_match: int | None, key: str | None) -> _Call:
        return _Call("POST", _session_path(session_id, "/events"), body=dict(activity), headers=_write_headers(if_match, key))

    @staticmethod
    def append_batch(
        session_id: str, activities: list[Mapping[str, Any]], if_match: int | None, key: str | None
    ) -> _Call:
        return _Call(
            "POST", _session_path(session_id, "/events/batch"), body={"items": [dict(a) for a in activities]},
            headers=_write_headers(if_match, key))

    @staticmethod
    def items(
        session_id: str, limit: int | None, since: float | None, position: int | None, version: int | None,
        at: str | None, include_removed: bool,
    ) -> _Call:
        params = _as_of(position, version, at)
        if limit is not None:
            params["limit"] = limit
        if since is not None:
            params["since"] = repr(float(since))
        if include_removed:
            params["includeRemoved"] = "true"
        return _Call("GET", _session_path(session_id, "/items"), params=params)

    @staticmethod
    def shared_state(app_name: str, user_id: str | None) -> _Call:
        params = {"appName": app_name}
        if user_id is not None:
            params["userId"] = user_id
        return _Call("GET", "/v1/state", params=params)

    @staticmethod
    def export(session_id: str, position: int | None, version: int | None, at: str | None) -> _Call:
        return _Call("GET", _session_path(session_id, "/export"), params=_as_of(position, version, at))


def _decode(call: _Call, response: httpx.Response) -> Any:
    if call.missing_ok and response.status_code == 404:
        return None
    raise_for_response(response)
    if response.status_code == 204 or not response.content:
        return None
    return response.json()


class SessiondClient:
    """A blocking client; use as a context manager or call :meth:`close`."""

    def __init__(self, configuration: ClientConfiguration | None = None, *, http: httpx.Client | None = None) -> None:
        self.configuration = configuration or ClientConfiguration()
        self._http = http or httpx.Client(
            base_url=self.configuration.base_url, timeout=self.configuration.timeout,
            headers=self.configuration.http_headers())

    def _send(self, call: _Call) -> Any:
        attempts = 1 + (self.configuration.retries if call.retry_safe else 0)
        for attempt in range(attempts):
            try:
                response = self._http.request(call.method, call.path, params=call.params, json=call.body, headers=call.headers)
            except httpx.TransportError:
                if attempt + 1 == attempts:
                    raise
            else:
                if response.status_code not in _RETRIED_STATUSES or attempt + 1 == attempts:
                    return _decode(call, response)
            time.sleep(self.configuration.backoff * (2**attempt))
        raise AssertionError("unreachable")

    def create_session(
        self, session_id: str | None = None, *, title: str | None = None, app_name: str | None = None,
        user_id: str | None = None, state: Mapping[str, Any] | None = None, idempotency_key: str | None = None,
    ) -> JSON:
        """Creates a session; raises :class:`ConflictError` when the id is taken."""
        return self._send(_Calls.create_session(session_id, title, app_name, user_id, state, idempotency_key))

    def get_session(self, session_id: str, *, position: int | None = None, version: int | None = None, at: str | None = None) -> JSON:
        """The session (with its merged state), now or as of a point; raises :class:`NotFoundError`."""
        return self._send(_Calls.get_session(session_id, position, version, at))

    def list_sessions(self, *, app_name: str | None = None, user_id: str | None = None, limit: int | None = None, offset: int = 0) -> list[JSON]:
        page = self._send(_Calls.list_sessions(app_name, user_id, limit, offset))
        sessions = page["sessions"]
        while limit is None and page.get("nextCursor"):
            page = self._send(_Calls.list_sessions(app_name, user_id, None, 0, page["nextCursor"]))
            sessions += page["sessions"]
        return sessions

    def delete_session(self, session_id: str) -> None:
        self._send(_Calls.delete_session(session_id))

    def append(self, session_id: str, activity: Mapping[str, Any], *, if_match: int | None = None, idempotency_key: str | None = None) -> JSON:
        """Appends one activity (``message``, ``pop``, ``clear``, ``state``, …); returns the append's answer."""
        return self._send(_Calls.append(session_id, activity, if_match, idempotency_key))

    def append_batch(self, session_id: str, activities: list[Mapping[str, Any]], *, if_match: int | None = None, idempotency_key: str | None = None) -> JSON:
        """Appends several activities as one atomic append."""
        return self._send(_Calls.append_batch(session_id, activities, if_match, idempotency_key))

    def items(self, session_id: str, *, limit: int | None = None, since: float | None = None, position: int | None = None, version: int | None = None, at: str | None = None, include_removed: bool = False) -> JSON:
        """``{sessionId, version, items: [{messageId, role, item, addedAt, position, version}]}``, oldest first;
        with ``include_removed`` also the items a pop, clear or rewind removed (marked ``removed: true``)."""
        return self._send(_Calls.items(session_id, limit, since, position, version, at, include_removed))

    def shared_state(self, app_name: str, *, user_id: str | None = None) -> JSON:
        """``{namespace, appName, userId, state}``: the app's ``app:`` keys and the user's ``user:`` keys."""
        return self._send(_Calls.shared_state(app_name, user_id))

    def export(self, session_id: str, *, position: int | None = None, version: int | None = None, at: str | None = None) -> JSON:
        return self._send(_Calls.export(session_id, position, version, at))

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> "SessiondClient":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class AsyncSessiondClient:
    """The asyncio client; same methods as :class:`SessiondClient`, awaited."""

    def __init__(self, configuration: ClientConfiguration | None = None, *, http: httpx.AsyncClient | None = None) -> None:
        self.configuration = configuration or ClientConfiguration()
        self._http = http or httpx.AsyncClient(
            base_url=self.configuration.base_url, timeout=self.configuration.timeout,
            headers=self.configuration.http_headers(),
            limits=httpx.Limits(max_connections=64, max_keepalive_connections=64))

    async def _send(self, call: _Call) -> Any:
        attempts = 1 + (self.configuration.retries if call.retry_safe else 0)
        for attempt in range(attempts):
            try:
                response = await self._http.request(call.method, call.path, params=call.params, json=call.body, headers=call.headers)
            except httpx.TransportError:
                if attempt + 1 == attempts:
                    raise
            else:
                if response.status_code not in _RETRIED_STATUSES or attempt + 1 == attempts:
                    return _decode(call, response)
            await asyncio.sleep(self.configuration.backoff * (2**attempt))
        raise AssertionError("unreachable")

    async def create_session(
        self, session_id: str | None = None, *, title: str | None = None, app_name: str | None = None,
        user_id: str | None = None, state: Mapping[str, Any] | None = None, idempotency_key: str | None = None,
    ) -> JSON:
        return await self._send(_Calls.create_session(session_id, title, app_name, user_id, state, idempotency_key))

    async def get_session(self, session_id: str, *, position: int | None = None, version: int | None = None, at: str | None = None) -> JSON:
        return await self._send(_Calls.get_session(session_id, position, version, at))

    async def list_sessions(self, *, app_name: str | None = None, user_id: str | None = None, limit: int | None = None, offset: int = 0) -> list[JSON]:
        page = await self._send(_Calls.list_sessions(app_name, user_id, limit, offset))
        sessions = page["sessions"]
        while limit is None and page.get("nextCursor"):
            page = await self._send(_Calls.list_sessions(app_name, user_id, None, 0, page["nextCursor"]))
            sessions += page["sessions"]
        return sessions

    async def delete_session(self, session_id: str) -> None:
        await self._send(_Calls.delete_session(session_id))

    async def append(self, session_id: str, activity: Mapping[str, Any], *, if_match: int | None = None, idempotency_key: str | None = None) -> JSON:
        return await self._send(_Calls.append(session_id, activity, if_match, idempotency_key))

    async def append_batch(self, session_id: str, activities: list[Mapping[str, Any]], *, if_match: int | None = None, idempotency_key: str | None = None) -> JSON:
        return await self._send(_Calls.append_batch(session_id, activities, if_match, idempotency_key))

    async def items(self, session_id: str, *, limit: int | None = None, since: float | None = None, position: int | None = None, version: int | None = None, at: str | None = None, include_removed: bool = False) -> JSON:
        return await self._send(_Calls.items(session_id, limit, since, position, version, at, include_removed))

    async def shared_state(self, app_name: str, *, user_id: str | None = None) -> JSON:
        return await self._send(_Calls.shared_state(app_name, user_id))

    async def export(self, session_id: str, *, position: int | None = None, version: int | None = None, at: str | None = None) -> JSON:
        return await self._send(_Calls.export(session_id, position, version, at))

    async def aclose(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> "AsyncSessiondClient":
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()
