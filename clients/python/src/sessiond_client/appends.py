"""Client-side group commit: the appends many agents make at once through one client leave as one request.

An append is queued; when fewer than ``max_in_flight`` requests are on the way, the queue is sent at once as one
``POST /v1/events/batch`` (each append with its own session, expected version and idempotency key, each answered
on its own). Appends made while the requests are on the way wait and leave together in the next one, so a
request carries as many appends as arrived during the previous one: one at a time for a single agent (no delay
added), dozens under load.

An append waits while an earlier append of its session is on the way in another request, so one session's appends
leave, and are applied, in the order they were queued (the server applies one request's appends to a session in
order). A retried append is queued again: it follows what its session queued meanwhile.

Sending is all these queues do: a transport error fails every append of that request, and each caller decides
whether to retry (its append has an idempotency key, so a retry appends nothing twice).
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections import Counter
from typing import Any, Awaitable, Callable

JSON = dict[str, Any]

#: At most this many appends, or about this many bytes, per request (the server takes 1,000 and 4 MiB).
MAX_APPENDS = 256
MAX_BYTES = 1 << 20


def encode_entry(session_id: str, activities: list[Any], if_match: int | None, key: str) -> bytes:
    """One append of the batch request, encoded once by the caller (so a batch is joined, not re-encoded)."""
    entry: JSON = {"sessionId": session_id, "items": activities, "idempotencyKey": key}
    if if_match is not None:
        entry["expectedVersion"] = if_match
    return json.dumps(entry, separators=(",", ":"), ensure_ascii=False).encode()


def batch_body(entries: list[bytes]) -> bytes:
    return b'{"appends":[' + b",".join(entries) + b"]}"


def release(busy: Counter[str], sessions: list[str]) -> None:
    """Marks `sessions` (one entry per append sent) as no longer on the way, forgetting the sessions back at zero."""
    busy.subtract(sessions)
    for session in set(sessions):
        if busy[session] <= 0:
            del busy[session]


def take_batch(waiting: list[Any], size: Callable[[Any], int], session: Callable[[Any], str], busy: Counter[str]) -> list[Any]:
    """Removes and returns, in order, the waiting appends that may leave now: within the limits, and none of a session
    with an append on the way (`busy`) or with an earlier append held back by this pass (for either reason: once the
    batch is full, every later append is held). Empty when none may."""
    chosen: list[Any] = []
    kept: list[Any] = []
    held: set[str] = set()
    total = 0
    for item in waiting:
        key = session(item)
        full = bool(chosen) and (len(chosen) == MAX_APPENDS or total + size(item) > MAX_BYTES)
        if full or key in held or busy[key]:
            held.add(key)
            kept.append(item)
            continue
        chosen.append(item)
        total += size(item)
    waiting[:] = kept
    return chosen


class AsyncAppendQueue:
    """The asyncio queue; `send` posts a list of encoded entries and returns one outcome per entry."""

    def __init__(self, send: Callable[[list[bytes]], Awaitable[list[JSON]]], max_in_flight: int = 2) -> None:
        self._send = send
        self._max_in_flight = max_in_flight
        self._in_flight = 0
        self._waiting: list[tuple[str, bytes, asyncio.Future[JSON]]] = []
        self._busy: Counter[str] = Counter()  # sessions with appends on the way
        self._senders: set[asyncio.Task[None]] = set()  # held so that a running sender is never collected

    async def submit(self, session_id: str, entry: bytes) -> JSON:
        """Queues one encoded append to `session_id` and returns its outcome (``status`` and the append's answer or
        ``error``)."""
        future: asyncio.Future[JSON] = asyncio.get_running_loop().create_future()
        self._waiting.append((session_id, entry, future))
        if self._in_flight < self._max_in_flight:
            self._in_flight += 1
            sender = asyncio.ensure_future(self._flush())
            self._senders.add(sender)
            sender.add_done_callback(self._senders.discard)
        return await future

    async def _flush(self) -> None:
        try:
            while True:
                # A caller cancelled before its append left is dropped; once sent, it is recorded regardless.
                self._waiting = [waiting for waiting in self._waiting if not waiting[2].done()]
                batch = take_batch(self._waiting, lambda waiting: len(waiting[1]), lambda waiting: waiting[0], self._busy)
                if not batch:
                    # Nothing waits, or only appends of sessions another request carries: its sender takes them next.
                    return
                sessions = [session_id for session_id, _, _ in batch]
                self._busy.update(sessions)
                try:
                    outcomes = await self._send([entry for _, entry, _ in batch])
                except BaseException as error:  # every append of the request shares its fate
                    for _, _, future in batch:
                        if not future.done():
                            future.set_exception(error)
                    if not isinstance(error, Exception):
                        raise
                    continue
                finally:
                    release(self._busy, sessions)
                for (_, _, future), outcome in zip(batch, outcomes):
                    if not future.done():
                        future.set_result(outcome)
        finally:
            self._in_flight -= 1


class _Slot:
    """One thread's queued append: its entry, then its outcome or error."""

    __slots__ = ("session", "entry", "outcome", "error", "finished", "promoted", "wake")

    def __init__(self, session: str, entry: bytes) -> None:
        self.session = session
        self.entry = entry
        self.outcome: JSON | None = None
        self.error: BaseException | None = None
        self.finished = False
        self.promoted = False
        self.wake = threading.Event()


class AppendQueue:
    """The threads' queue. No thread of its own: the caller that finds fewer than ``max_in_flight`` requests on the way
    sends the queue; when its request returns and more appends may leave, the first such waiting caller is woken to
    send them."""

    def __init__(self, send: Callable[[list[bytes]], list[JSON]], max_in_flight: int = 2) -> None:
        self._send = send
        self._max_in_flight = max_in_flight
        self._in_flight = 0
        self._waiting: list[_Slot] = []
        self._busy: Counter[str] = Counter()  # sessions with appends on the way
        self._lock = threading.Lock()

    def submit(self, session_id: str, entry: bytes) -> JSON:
        slot = _Slot(session_id, entry)
        with self._lock:
            self._waiting.append(slot)
            lead = self._in_flight < self._max_in_flight
            if lead:
                self._in_flight += 1
        if lead:
            self._send_waiting()
        while not slot.finished:
            slot.wake.wait()
            if slot.promoted and not slot.finished:
                slot.promoted = False
                slot.wake.clear()
                self._send_waiting()
        if slot.promoted:
            # Promoted, but another sender's batch took this append first: the turn to send is still this
            # caller's (it hands it on, or gives back the request slot), else `appends_in_flight` shrinks.
            slot.promoted = False
            self._send_waiting()
        if slot.error is not None:
            raise slot.error
        assert slot.outcome is not None
        return slot.outcome

    def _send_waiting(self) -> None:
        """Sends one batch of the appends that may leave, then hands the turn to a waiting caller whose append may
        leave next, or gives the request slot back (a sender still on the way hands the turn on when it returns)."""
        with self._lock:
            batch = take_batch(self._waiting, lambda slot: len(slot.entry), lambda slot: slot.session, self._busy)
            self._busy.update(slot.session for slot in batch)
        error: BaseException | None = None
        outcomes: list[JSON] = []
        if batch:
            try:
                outcomes = self._send([slot.entry for slot in batch])
            except BaseException as failure:  # every append of the request shares its fate
                error = failure
        with self._lock:
            release(self._busy, [slot.session for slot in batch])
            for index, slot in enumerate(batch):
                slot.error, slot.outcome = (error, None) if error is not None else (None, outcomes[index])
                slot.finished = True
                slot.wake.set()
            successor = next(
                (waiting for waiting in self._waiting if not waiting.promoted and not self._busy[waiting.session]), None)
            if successor is not None:
                successor.promoted = True
                successor.wake.set()
            else:
                self._in_flight -= 1
