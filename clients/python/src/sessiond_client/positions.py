"""Read-your-writes across nodes: the log position a client carries from its answers to its next requests.

Every answer of sessiond carries ``Sessiond-Position``: the log position the node that gave it had applied (for a
write, at least the write's own). Nodes sharing one PostgreSQL log apply it a moment apart, so behind a load
balancer a read may reach a node that has not applied the client's last write yet. A request that carries the
position makes whichever node takes it wait until it has (docs/scaling.md). On one node every position it reported
is already applied and nothing waits.
"""

from __future__ import annotations

import threading
from typing import Mapping

POSITION = "Sessiond-Position"
_REFUSAL_MARK = POSITION.encode()


def with_position(headers: Mapping[str, str] | None, position: int) -> Mapping[str, str] | None:
    """`headers` with `position` added (none while it is 0: the client has seen no answer yet)."""
    if not position:
        return headers
    return {**(headers or {}), POSITION: str(position)}


def position_line(position: int) -> bytes:
    """`position`'s header line for a request written as bytes (empty while it is 0)."""
    return b"Sessiond-Position: %d\r\n" % position if position else b""


class PositionFloor:
    """The highest log position any answer of one client reported, sent with every later request of the client:
    its reads see its writes, and never a state older than one it saw, whichever node answers."""

    __slots__ = ("value", "_lock")

    def __init__(self) -> None:
        self.value = 0
        self._lock = threading.Lock()

    def saw(self, position: str | bytes | None) -> None:
        """Takes an answer's ``Sessiond-Position`` (absent on a 401, or from a server that does not send it)."""
        if position and position.isdigit():
            value = int(position)
            if value > self.value:
                with self._lock:  # threads of a sync client answer at once: keep the highest
                    if value > self.value:
                        self.value = value

    def refused(self, status: int, content: bytes, carried: int) -> bool:
        """Whether an answer refused the position the request carried (`carried`: the floor when it was sent): a
        node whose log ends before it, which happens only when the log was replaced since (a wiped data directory,
        another database). The floor starts again from the log's beginning — unless it moved since the request
        left (another thread already started it again) — and the request can go again: the refusal came before it
        was handled."""
        if status != 400 or not carried or _REFUSAL_MARK not in content:
            return False
        with self._lock:
            if self.value == carried:
                self.value = 0
        return True
