"""Sync and async clients for sessiond's native API (docs/api.md, "Native").

Both keep one keep-alive connection pool, send `Authorization: Bearer <key>` and `X-Namespace` when given,
and retry only what is safe to repeat: reads, and writes that carry an `Idempotency-Key` (sessiond appends
such a write once, and answers a retry with the first result). Every append here gets a key unless the caller
passes one.

Appends go through a group commit (appends.py): the appends that agents sharing one client make while a request
is on the way leave together in the next ``POST /v1/events/batch``, each answered on its own. Share one client
between the sessions of a process to get it.
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from dataclasses import dataclass, field
from typing import Any, Awaitable, Callable, Mapping
from urllib.parse import quote, urlencode

import httpx

from .appends import AppendQueue, AsyncAppendQueue, batch_body, encode_entry
from .errors import SessiondError, error_for, raise_for_response
from .items_cache import ItemsCache, latest
from .positions import POSITION, PositionFloor, position_line, with_position
from .transport import LeanAsyncTransport, LeanSyncTransport, fixed_head, get_request

JSON = dict[str, Any]

_RETRIED_STATUSES = {502, 503, 504}

# AsyncSessiondClient.shared's clients, per event loop (a client's connections belong to one loop). Not a
# WeakKeyDictionary: a client's idle connections refer to their loop, so its entry would never go.
_SHARED_CLIENTS: "dict[asyncio.AbstractEventLoop, dict[str, AsyncSessiondClient]]" = {}


@dataclass(frozen=True)
class ClientConfiguration:
    """Where sessiond is and how to talk to it.

    - base_url: e.g. ``http://127.0.0.1:8088``.
    - api_key: sent as ``Authorization: Bearer``; needed once the server has keys.
    - namespace: sent as ``X-Namespace``; with a key it must be the key's namespace.
    - retries: how many times a safe request is retried after a connection error or a 502/503/504.
    - appends_in_flight: how many append requests may be on the way at once (2: the client encodes and sends the
      next while the server works on one); appends made meanwhile wait and leave together in the next one. A
      session's appends leave in the order they were queued, whatever the value (a retried append is queued
      again, after what its session queued meanwhile).
    - lean_transport: send plain-HTTP requests through this package's lean HTTP/1.1 transport (transport.py,
      a tenth of httpx's default transport's CPU per request); ``False`` keeps httpx's own.
    - items_cache_bytes: how many bytes of items :meth:`SessiondClient.item_bodies` keeps to revalidate with
      ``If-None-Match`` (items_cache.py); 0 reads every body again.
    """

    base_url: str = "http://127.0.0.1:8088"
    api_key: str | None = None
    namespace: str | None = None
    timeout: float = 30.0
    retries: int = 3
    backoff: float = 0.2
    headers: Mapping[str, str] = field(default_factory=dict)
    appends_in_flight: int = 2
    lean_transport: bool = True
    items_cache_bytes: int = 64 << 20

    def __post_init__(self) -> None:
        if self.appends_in_flight < 1:
            raise ValueError("appends_in_flight must be at least 1")

    def lean(self) -> bool:
        return self.lean_transport and self.base_url.startswith("http://")

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
    def delete_session(session_id: str, idempotency_key: str | None) -> _Call:
        # Permanent deletion is the Mix route (a tombstone; compaction erases the bodies). Its key makes a retry of
        # a delete that went through answer as the first did, even when the id was created again in between (a
        # deleted session's id may be, decision 0177): the retry must not delete the new session. A 404 (never
        # there, or deleted by someone else) is done too.
        return _Call("DELETE", "/api/sessions/" + quote(session_id, safe=""),
                     headers=_write_headers(None, idempotency_key), missing_ok=True)

    @staticmethod
    def items(
        session_id: str, limit: int | None, since: float | None, position: int | None, version: int | None,
        at: str | None, include_removed: bool, bodies_only: bool = False,
    ) -> _Call:
        params = _as_of(position, version, at)
        if limit is not None:
            params["limit"] = limit
        if since is not None:
            # Plain decimal seconds (the server takes no exponent form): microseconds, as the log keeps times.
            params["since"] = f"{float(since):.6f}"
        if include_removed:
            params["includeRemoved"] = "true"
        if bodies_only:
            params["bodiesOnly"] = "true"
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


_APPENDS_PATH = "/v1/events/batch"
_APPENDS_HEADERS = {"Content-Type": "application/json"}


class _URLs:
    """Absolute request URLs, built as strings and parsed once (httpx parses a relative URL and its params
    three times per request, a third of its client's CPU); the last ones parsed are kept, so a read repeated
    unchanged is parsed once."""

    _KEPT = 1024

    def __init__(self, http: httpx.Client | httpx.AsyncClient) -> None:
        self._base = str(http.base_url).rstrip("/")
        #: The base URL's path, which every request target starts with.
        self.prefix = http.base_url.raw_path.decode().rstrip("/")
        self.appends = httpx.URL(self._base + _APPENDS_PATH)
        self._parsed: dict[str, httpx.URL] = {}

    def of(self, call: _Call) -> httpx.URL:
        query = "?" + urlencode(call.params, quote_via=quote) if call.params else ""
        return self.parsed(self._base + call.path + query)

    def absolute(self, target: str) -> httpx.URL:
        """The URL of a request target (``prefix`` and what follows)."""
        return self.parsed(self._base + target[len(self.prefix):])

    def parsed(self, text: str) -> httpx.URL:
        url = self._parsed.get(text)
        if url is None:
            if len(self._parsed) >= self._KEPT:
                self._parsed.clear()
            url = self._parsed[text] = httpx.URL(text)  # immutable: safe to share between requests
        return url


def _appends_results(response: httpx.Response) -> list[JSON]:
    raise_for_response(response)
    return response.json()["results"]


def _refused_as_a_whole(response: httpx.Response, entries: list[bytes]) -> bool:
    """Whether a batch of several appends was refused for its shape (one malformed entry fails the whole request):
    then each entry is sent alone, so only the malformed one fails."""
    return len(entries) > 1 and response.status_code in (400, 413, 422)


def _alone(response: httpx.Response) -> JSON:
    """The outcome of one append sent alone: its result, or its refusal as that append's error."""
    if response.status_code < 400 or response.status_code >= 500:
        return _appends_results(response)[0]
    try:
        body: Any = response.json()
    except ValueError:
        body = None
    return {"status": response.status_code, "error": body.get("error") if isinstance(body, dict) else None}


def _append_entry(session_id: str, activities: list[Mapping[str, Any]], if_match: int | None, key: str | None) -> bytes:
    return encode_entry(session_id, [dict(a) for a in activities], if_match, key or uuid.uuid4().hex)


def _retry_append(error: BaseException | None, outcome: JSON | None) -> bool:
    """Whether an append's attempt failed in a way worth another try (its idempotency key makes it safe)."""
    if isinstance(error, httpx.TransportError):
        return True
    if isinstance(error, SessiondError):
        return error.status in _RETRIED_STATUSES
    return outcome is not None and outcome["status"] in _RETRIED_STATUSES


def _appended(outcome: JSON) -> JSON:
    """The append's answer (``status``, ``version``, ``positions``, ``events``, ``deduplicated``, ``removedItems``),
    or its error raised."""
    if outcome["status"] >= 400:
        raise error_for(outcome["status"], outcome.get("error"))
    return outcome


class _Reply:
    """A response as a read of items needs it, from either way of sending: its status, body and
    ``Sessiond-Position``."""

    __slots__ = ("status_code", "content", "position")

    def __init__(self, status_code: int, content: bytes, position: str | bytes | None) -> None:
        self.status_code, self.content, self.position = status_code, content, position

    def json(self) -> Any:
        return json.loads(self.content)


def _items_read(prefix: str, session_id: str, limit: int | None, cache: ItemsCache | None) -> tuple[str, str | None]:
    """A bodies-only read's request target and ``If-None-Match``: with the kept entry (`cache`), conditional, and
    for the whole list, of what was appended since."""
    target = prefix + _session_path(session_id, "/items?bodiesOnly=true")
    if limit is not None:
        target += f"&limit={limit}"
    if cache is None:
        return target, None
    if limit is None and (after := cache.holding_all(session_id)) is not None:
        target += f"&afterVersion={after}"
    return target, cache.etag(session_id, limit)


def _conditional(etag: str | None) -> bytes:
    return b"If-None-Match: " + etag.encode() + b"\r\n" if etag else b""


def _item_bodies(cache: ItemsCache, session_id: str, limit: int | None, etag: str | None,
                 response: _Reply) -> list[Any] | None:
    """A bodies-only read's items: on ``304`` the kept ones, otherwise the answer's (or the kept ones it extends),
    kept for the next read; ``None`` when the entry moved since the request left."""
    if response.status_code == 304 and etag:
        return cache.hit(session_id, limit, etag)
    if response.status_code == 404:
        cache.drop(session_id)
    raise_for_response(response)
    return cache.store(session_id, limit, response.content)


def _position(response: httpx.Response | _Reply) -> str | bytes | None:
    return response.position if isinstance(response, _Reply) else response.headers.get(POSITION)


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
        #: The lean transport, when this client made it: reads of items go through it as bytes (``_get``).
        self._lean = LeanSyncTransport() if http is None and self.configuration.lean() else None
        self._http = http or httpx.Client(
            base_url=self.configuration.base_url, timeout=self.configuration.timeout,
            headers=self.configuration.http_headers(), transport=self._lean)
        self._appends = AppendQueue(self._post_appends, self.configuration.appends_in_flight)
        self._urls = _URLs(self._http)
        self._head = fixed_head(self._http)
        self._origin = (self._http.base_url.host, self._http.base_url.port or 80)
        self._items = ItemsCache(self.configuration.items_cache_bytes)
        self._floor = PositionFloor()

    def _post_appends(self, entries: list[bytes]) -> list[JSON]:
        response = self._post_batch(entries)
        if _refused_as_a_whole(response, entries):
            return [_alone(self._post_batch([entry])) for entry in entries]
        return _appends_results(response)

    def _post_batch(self, entries: list[bytes]) -> httpx.Response:
        """One ``POST /v1/events/batch``, not retried here (``_append`` retries each append by its key)."""
        return self._retrying(False, lambda position: self._http.post(
            self._urls.appends, content=batch_body(entries), headers=with_position(_APPENDS_HEADERS, position)))

    def _append(self, session_id: str, entry: bytes) -> JSON:
        attempts = 1 + self.configuration.retries
        for attempt in range(attempts):
            outcome: JSON | None = None
            try:
                outcome = self._appends.submit(session_id, entry)
            except (httpx.TransportError, SessiondError) as error:
                if attempt + 1 == attempts or not _retry_append(error, None):
                    raise
            else:
                if attempt + 1 == attempts or not _retry_append(None, outcome):
                    return _appended(outcome)
            time.sleep(self.configuration.backoff * (2**attempt))
        raise AssertionError("unreachable")

    def _respond(self, call: _Call) -> httpx.Response:
        return self._retrying(call.retry_safe, lambda position: self._http.request(
            call.method, self._urls.of(call), json=call.body, headers=with_position(call.headers, position)))

    def _get(self, target: str, etag: str | None) -> _Reply:
        """A `GET` of `target`, conditional on `etag`, retried as every read is: as bytes through the lean
        transport (no httpx request or response built), else through httpx."""
        def send(position: int) -> _Reply:
            timeout = self.configuration.timeout
            if self._lean is not None:
                request = get_request(target, self._head, _conditional(etag) + position_line(position))
                answer = self._lean.send(self._origin, request, False, timeout, timeout)
                return _Reply(answer.status, answer.body, answer.header(b"sessiond-position"))
            response = self._http.get(self._urls.absolute(target),
                                      headers=with_position({"If-None-Match": etag} if etag else None, position))
            return _Reply(response.status_code, response.content, response.headers.get(POSITION))
        return self._retrying(True, send)

    def _retrying(self, safe: bool, send: Callable[[int], Any]) -> Any:
        """`send(position)`'s response, the request carrying the client's position; a safe request is sent again
        after a connection error or a 502/503/504, and any request once more at once when the node refused the
        position it carried (``PositionFloor.refused``)."""
        attempts = 1 + (self.configuration.retries if safe else 0)
        for attempt in range(attempts):
            try:
                carried = self._floor.value
                response = send(carried)
                if self._floor.refused(response.status_code, response.content, carried):
                    self._items.clear()
                    response = send(self._floor.value)
            except httpx.TransportError:
                if attempt + 1 == attempts:
                    raise
            else:
                self._floor.saw(_position(response))
                if response.status_code not in _RETRIED_STATUSES or attempt + 1 == attempts:
                    return response
            time.sleep(self.configuration.backoff * (2**attempt))
        raise AssertionError("unreachable")

    def _send(self, call: _Call) -> Any:
        return _decode(call, self._respond(call))

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

    def delete_session(self, session_id: str, *, idempotency_key: str | None = None) -> None:
        """Deletes a session permanently; a session already gone is no error. Retried with one idempotency key,
        so a retry never deletes a session created again under the id meanwhile."""
        self._send(_Calls.delete_session(session_id, idempotency_key))

    def append(self, session_id: str, activity: Mapping[str, Any], *, if_match: int | None = None, idempotency_key: str | None = None) -> JSON:
        """Appends one activity (``message``, ``pop``, ``clear``, ``state``, …); returns the append's answer.
        Raises :class:`NotFoundError` for an unknown session, :class:`ConflictError` for a stale ``if_match``."""
        return self.append_batch(session_id, [activity], if_match=if_match, idempotency_key=idempotency_key)

    def append_batch(self, session_id: str, activities: list[Mapping[str, Any]], *, if_match: int | None = None, idempotency_key: str | None = None) -> JSON:
        """Appends several activities as one atomic append."""
        answer = self._append(session_id, _append_entry(session_id, activities, if_match, idempotency_key))
        self._items.after_append(session_id, activities, answer)
        return answer

    def items(self, session_id: str, *, limit: int | None = None, since: float | None = None, position: int | None = None, version: int | None = None, at: str | None = None, include_removed: bool = False, bodies_only: bool = False) -> JSON:
        """``{sessionId, version, items: [{messageId, role, item, addedAt, position, version}]}``, oldest first;
        with ``include_removed`` also the items a pop, clear or rewind removed (marked ``removed: true``); with
        ``bodies_only`` the stored items alone: ``{sessionId, version, items: [item, …]}``."""
        return self._send(_Calls.items(session_id, limit, since, position, version, at, include_removed, bodies_only))

    def item_bodies(self, session_id: str, *, limit: int | None = None) -> list[Any]:
        """The latest ``limit`` stored items (all when ``None``), oldest first, as current as :meth:`items` reads
        them: a session read before is revalidated with ``If-None-Match`` and, unchanged, parsed from what this
        client kept; a session whose whole list it keeps is read as what was appended since (items_cache.py).
        Raises :class:`NotFoundError` for an unknown session."""
        if limit is not None and limit < 0:
            raise ValueError("limit must be at least 0")
        asked = None if self._items.holding_all(session_id) is not None else limit
        target, etag = _items_read(self._urls.prefix, session_id, asked, self._items)
        items = _item_bodies(self._items, session_id, asked, etag, self._get(target, etag))
        if items is None:  # an answer for an entry another thread of this client moved meanwhile
            target, etag = _items_read(self._urls.prefix, session_id, asked, None)
            items = _item_bodies(self._items, session_id, asked, etag, self._get(target, etag))
        return latest(items or [], limit)

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

    @classmethod
    def shared(cls, configuration: ClientConfiguration | None = None) -> "AsyncSessiondClient":
        """The client the running event loop's users of ``configuration`` share: made on first use, one connection
        pool and one group commit per loop whatever the number of sessions (sessions made without a client use
        it). It lives as long as its loop; nobody closes it but the loop's end."""
        configuration = configuration or ClientConfiguration()
        # Clients of loops that ended are dropped; their connections close as they are collected.
        for ended in [loop for loop in _SHARED_CLIENTS if loop.is_closed()]:
            del _SHARED_CLIENTS[ended]
        clients = _SHARED_CLIENTS.setdefault(asyncio.get_running_loop(), {})
        key = repr(configuration)  # the configuration holds a headers dict, so it is not hashable itself
        if key not in clients:
            clients[key] = cls(configuration)
        return clients[key]

    def __init__(self, configuration: ClientConfiguration | None = None, *, http: httpx.AsyncClient | None = None) -> None:
        self.configuration = configuration or ClientConfiguration()
        #: The lean transport, when this client made it: reads of items go through it as bytes (``_get``).
        self._lean = LeanAsyncTransport() if http is None and self.configuration.lean() else None
        self._http = http or httpx.AsyncClient(
            base_url=self.configuration.base_url, timeout=self.configuration.timeout,
            headers=self.configuration.http_headers(),
            limits=httpx.Limits(max_connections=64, max_keepalive_connections=64), transport=self._lean)
        self._appends = AsyncAppendQueue(self._post_appends, self.configuration.appends_in_flight)
        self._urls = _URLs(self._http)
        self._head = fixed_head(self._http)
        self._origin = (self._http.base_url.host, self._http.base_url.port or 80)
        self._items = ItemsCache(self.configuration.items_cache_bytes)
        self._floor = PositionFloor()

    async def _post_appends(self, entries: list[bytes]) -> list[JSON]:
        response = await self._post_batch(entries)
        if _refused_as_a_whole(response, entries):
            return [_alone(await self._post_batch([entry])) for entry in entries]
        return _appends_results(response)

    async def _post_batch(self, entries: list[bytes]) -> httpx.Response:
        return await self._retrying(False, lambda position: self._http.post(
            self._urls.appends, content=batch_body(entries), headers=with_position(_APPENDS_HEADERS, position)))

    async def _append(self, session_id: str, entry: bytes) -> JSON:
        attempts = 1 + self.configuration.retries
        for attempt in range(attempts):
            outcome: JSON | None = None
            try:
                outcome = await self._appends.submit(session_id, entry)
            except (httpx.TransportError, SessiondError) as error:
                if attempt + 1 == attempts or not _retry_append(error, None):
                    raise
            else:
                if attempt + 1 == attempts or not _retry_append(None, outcome):
                    return _appended(outcome)
            await asyncio.sleep(self.configuration.backoff * (2**attempt))
        raise AssertionError("unreachable")

    async def _respond(self, call: _Call) -> httpx.Response:
        return await self._retrying(call.retry_safe, lambda position: self._http.request(
            call.method, self._urls.of(call), json=call.body, headers=with_position(call.headers, position)))

    async def _get(self, target: str, etag: str | None) -> _Reply:
        async def send(position: int) -> _Reply:
            timeout = self.configuration.timeout
            if self._lean is not None:
                request = get_request(target, self._head, _conditional(etag) + position_line(position))
                answer = await self._lean.send(self._origin, request, False, timeout, timeout)
                return _Reply(answer.status, answer.body, answer.header(b"sessiond-position"))
            response = await self._http.get(self._urls.absolute(target),
                                            headers=with_position({"If-None-Match": etag} if etag else None, position))
            return _Reply(response.status_code, response.content, response.headers.get(POSITION))
        return await self._retrying(True, send)

    async def _retrying(self, safe: bool, send: Callable[[int], Awaitable[Any]]) -> Any:
        attempts = 1 + (self.configuration.retries if safe else 0)
        for attempt in range(attempts):
            try:
                carried = self._floor.value
                response = await send(carried)
                if self._floor.refused(response.status_code, response.content, carried):
                    self._items.clear()
                    response = await send(self._floor.value)
            except httpx.TransportError:
                if attempt + 1 == attempts:
                    raise
            else:
                self._floor.saw(_position(response))
                if response.status_code not in _RETRIED_STATUSES or attempt + 1 == attempts:
                    return response
            await asyncio.sleep(self.configuration.backoff * (2**attempt))
        raise AssertionError("unreachable")

    async def _send(self, call: _Call) -> Any:
        return _decode(call, await self._respond(call))

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

    async def delete_session(self, session_id: str, *, idempotency_key: str | None = None) -> None:
        await self._send(_Calls.delete_session(session_id, idempotency_key))

    async def append(self, session_id: str, activity: Mapping[str, Any], *, if_match: int | None = None, idempotency_key: str | None = None) -> JSON:
        return await self.append_batch(session_id, [activity], if_match=if_match, idempotency_key=idempotency_key)

    async def append_batch(self, session_id: str, activities: list[Mapping[str, Any]], *, if_match: int | None = None, idempotency_key: str | None = None) -> JSON:
        answer = await self._append(session_id, _append_entry(session_id, activities, if_match, idempotency_key))
        self._items.after_append(session_id, activities, answer)
        return answer

    async def items(self, session_id: str, *, limit: int | None = None, since: float | None = None, position: int | None = None, version: int | None = None, at: str | None = None, include_removed: bool = False, bodies_only: bool = False) -> JSON:
        return await self._send(_Calls.items(session_id, limit, since, position, version, at, include_removed, bodies_only))

    async def item_bodies(self, session_id: str, *, limit: int | None = None) -> list[Any]:
        if limit is not None and limit < 0:
            raise ValueError("limit must be at least 0")
        asked = None if self._items.holding_all(session_id) is not None else limit
        target, etag = _items_read(self._urls.prefix, session_id, asked, self._items)
        items = _item_bodies(self._items, session_id, asked, etag, await self._get(target, etag))
        if items is None:  # an answer for an entry another task of this client moved meanwhile
            target, etag = _items_read(self._urls.prefix, session_id, asked, None)
            items = _item_bodies(self._items, session_id, asked, etag, await self._get(target, etag))
        return latest(items or [], limit)

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
