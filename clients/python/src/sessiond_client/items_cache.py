"""The items each session was last read with, revalidated with ``If-None-Match`` (decision 0120).

Loading a conversation's whole history is the read an agent repeats before every turn. The client keeps, per
session, the items of its last ``GET /v1/sessions/{id}/items?bodiesOnly=true`` answer and the version that
answer was at (the route's ``ETag``); the next read of that session sends ``If-None-Match`` with it and, answered
``304 Not Modified``, returns the kept items instead of a new body. A read of the whole list also sends
``afterVersion`` with it: when the session only grew since, the answer holds just the items appended since,
which extend the kept ones. Every read still asks the server, so it is exactly as current as an unconditional
one: another client's or node's write moves the version, and what changed comes back.

The client's own writes keep an entry current where their answer proves what the items became — the version
moved by exactly that append's events, so nobody else wrote in between: items appended (a full entry), a pop, a
clear. Anything else leaves the entry at its old version, and the next read fetches the new state. Appended
items are kept as the server stores them (``as_stored``), so a load reads the same from either side.

An entry holds the whole list (``limit`` ``None``) or the latest ``limit`` items; a read of the latest ``n`` is
answered from any entry holding at least ``n``, and one holding the whole list is kept current by every read.
Bounded by ``max_bytes`` (each item counted as its ``marshal`` form) and ``max_sessions`` entries, least
recently used first out.

Every read returns new objects, so a caller may change what it got; the kept ones are never handed out (decision
0140). An item whose values are all strings, numbers, booleans or nulls (most SDK items: a user message, a tool
call, its output) is copied with ``dict()``; any other is kept as its ``marshal`` bytes too (this process's own,
of parsed JSON, never bytes from elsewhere) and restored from them: 200 items in about a sixth of the time
``json.loads`` of their JSON takes.
"""

from __future__ import annotations

import json
import marshal
import threading
from collections import OrderedDict
from typing import Any, Mapping

JSON = dict[str, Any]

_SCALARS = (str, int, float, bool, type(None))


#: One item as an entry keeps it, apart from the object it was made from: ``(copy, None)`` for a dict of
#: scalars (whose ``dict()`` copy is new throughout), else ``(None, its marshal bytes)``. Tuples, not objects:
#: restoring is one comprehension with no call per item but the copy.
_Kept = tuple[Any, Any]


def _kept(items: list[Any]) -> tuple[list[_Kept], int]:
    """The items as kept, and their size (each counted as its ``marshal`` form)."""
    kept, size = [], 0
    for item in items:
        frozen = marshal.dumps(item)
        size += len(frozen)
        if type(item) is dict and all(type(value) in _SCALARS for value in item.values()):
            kept.append((dict(item), None))
        else:
            kept.append((None, frozen))
    return kept, size


def _size(kept: _Kept) -> int:
    item, frozen = kept
    return len(frozen if frozen is not None else marshal.dumps(item))


class _Entry:
    __slots__ = ("version", "limit", "kept", "size")

    def __init__(self, version: int, limit: int | None, kept: list[_Kept], size: int) -> None:
        self.version, self.limit, self.kept, self.size = version, limit, kept, size

    def covers(self, limit: int | None) -> bool:
        return self.limit is None or (limit is not None and limit <= self.limit)

    def items(self) -> list[Any]:
        """New copies of the items."""
        loads = marshal.loads
        return [dict(item) if frozen is None else loads(frozen) for item, frozen in self.kept]


def as_stored(value: Any) -> Any:
    """``value`` as the server answers it once stored: as sent (through JSON), keys sorted, and every number a
    double (an integral one written as an integer), so a kept own append reads back exactly as a fresh read."""
    return _canonical(json.loads(json.dumps(value)))


def _canonical(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _canonical(value[key]) for key in sorted(value)}
    if isinstance(value, list):
        return [_canonical(item) for item in value]
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value if abs(value) <= _EXACT_INTEGERS else _number(float(value))
    if isinstance(value, float):
        return _number(value)
    return value


def _number(value: float) -> int | float:
    return int(value) if value.is_integer() and abs(value) <= _EXACT_INTEGERS else value


#: Integers a double holds exactly; past them the server's double is written in exponent form.
_EXACT_INTEGERS = 1 << 53


def latest(items: list[Any], limit: int | None) -> list[Any]:
    """The last `limit` items (all for `None`)."""
    return items if limit is None or limit >= len(items) else items[len(items) - limit:]


class ItemsCache:
    def __init__(self, max_bytes: int = 64 << 20, max_sessions: int = 4096) -> None:
        self.max_bytes, self.max_sessions = max_bytes, max_sessions
        self._entries: OrderedDict[str, _Entry] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()  # the sync client's threads share it

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def size(self) -> int:
        """Bytes kept."""
        return self._bytes

    def etag(self, session_id: str, limit: int | None) -> str | None:
        """The `If-None-Match` to send for a read of the latest `limit` items, when an entry could answer it."""
        entry = self._entries.get(session_id)
        return f'"{entry.version}"' if entry is not None and entry.covers(limit) else None

    def holding_all(self, session_id: str) -> int | None:
        """The version of the entry when it holds the whole list: a read of any number of items then asks for
        what was appended since (`afterVersion`) and keeps the whole list current."""
        entry = self._entries.get(session_id)
        return entry.version if entry is not None and entry.limit is None else None

    def hit(self, session_id: str, limit: int | None, etag: str) -> list[Any] | None:
        """The items the server just confirmed (`304` for `etag`); `None` when the entry changed meanwhile (a
        concurrent read or write of this client moved it), and the caller reads again."""
        with self._lock:
            entry = self._entries.get(session_id)
            if entry is None or f'"{entry.version}"' != etag or not entry.covers(limit):
                return None
            self._entries.move_to_end(session_id)
        return latest(entry.items(), limit)

    def store(self, session_id: str, limit: int | None, body: bytes) -> list[Any] | None:
        """Parses a `200` answer, keeps it unless the entry already holds a newer or wider state, and returns
        its items; an answer of the items appended since the entry's version (`afterVersion`) extends it. `None`
        when such an answer no longer fits the entry (another task of this client moved it meanwhile)."""
        page = json.loads(body)
        items, version = page["items"], page["version"]
        if "afterVersion" in page:
            return self._extend(session_id, page["afterVersion"], version, items)
        kept, size = _kept(items)  # the parsed items are the caller's; the entry keeps copies
        with self._lock:
            old = self._entries.get(session_id)
            if old is None or version > old.version or (version == old.version and not old.covers(limit)):
                self._put(session_id, _Entry(version, limit, kept, size))
        return items

    def after_append(self, session_id: str, activities: list[Mapping[str, Any]], answer: Mapping[str, Any]) -> None:
        """Brings the session's entry to the version of this client's own append, where the answer proves what
        its items now are."""
        events = answer.get("events") or []
        kinds = [activity.get("type") for activity in activities]
        with self._lock:
            entry = self._entries.get(session_id)
            if (entry is None or answer.get("deduplicated") or not events
                    or answer.get("version", 0) - len(events) != entry.version):
                return  # nothing appended, or not only this append since the entry: the next read revalidates
            version = answer["version"]
            if kinds == ["clear"]:
                self._put(session_id, _Entry(version, None, [], 0))
            elif kinds == ["pop"]:
                limit = None if entry.limit is None else max(entry.limit - 1, 0)
                popped = _size(entry.kept[-1]) if entry.kept else 0
                self._put(session_id, _Entry(version, limit, entry.kept[:-1], entry.size - popped))
            elif entry.limit is None and all(k == "message" and isinstance(a.get("item"), dict)
                                             for k, a in zip(kinds, activities)):
                added, size = _kept([as_stored(a["item"]) for a in activities])
                self._put(session_id, _Entry(version, None, entry.kept + added, entry.size + size))

    def _extend(self, session_id: str, after: int, version: int, added: list[Any]) -> list[Any] | None:
        kept, size = _kept(added)
        with self._lock:
            entry = self._entries.get(session_id)
            if entry is None or entry.version != after or entry.limit is not None:
                return None
            self._put(session_id, _Entry(version, None, entry.kept + kept, entry.size + size))
        return entry.items() + added

    def drop(self, session_id: str) -> None:
        with self._lock:
            self._remove(session_id)

    def clear(self) -> None:
        """Forgets every session (the log was replaced: a session of the same id and version may hold other items)."""
        with self._lock:
            self._entries.clear()
            self._bytes = 0

    def _put(self, session_id: str, entry: _Entry) -> None:
        self._remove(session_id)
        if entry.size > self.max_bytes:
            return
        self._entries[session_id] = entry
        self._bytes += entry.size
        while self._entries and (self._bytes > self.max_bytes or len(self._entries) > self.max_sessions):
            self._remove(next(iter(self._entries)))

    def _remove(self, session_id: str) -> None:
        entry = self._entries.pop(session_id, None)
        if entry is not None:
            self._bytes -= entry.size
