"""Follows a node's `/v1/events/stream` (SSE), calling back with each event's id (its log position) as it
arrives; reconnects with `Last-Event-ID` when the node goes away, as a client resuming its stream would."""

import socket
import threading
import time
from typing import Callable


def follow(port: Callable[[], int], after: int, on_event: Callable[[int, float], None], stop: threading.Event,
           connected: threading.Event | None = None) -> None:
    """Streams events after position `after` until `stop` is set; `on_event(position, arrival_time)` runs on
    this thread for every event but heartbeats. Sets `connected` once the first connection answers."""
    last = after
    while not stop.is_set():
        try:
            with socket.create_connection(("127.0.0.1", port()), timeout=0.5) as sock:
                sock.sendall(b"GET /v1/events/stream HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n"
                             + f"Last-Event-ID: {last}\r\n\r\n".encode())
                raw, body, headers_done = b"", b"", False
                while not stop.is_set():
                    try:
                        chunk = sock.recv(65536)
                    except socket.timeout:
                        continue
                    if not chunk:
                        break
                    now = time.monotonic()
                    raw += chunk
                    if not headers_done:
                        if b"\r\n\r\n" not in raw:
                            continue
                        head, raw = raw.split(b"\r\n\r\n", 1)
                        if not head.startswith(b"HTTP/1.1 200"):
                            break
                        headers_done = True
                        if connected is not None:
                            connected.set()
                    decoded, raw = dechunk(raw)
                    body += decoded
                    *blocks, body = body.split(b"\n\n")
                    for block in blocks:
                        fields = dict(line.split(b": ", 1) for line in block.split(b"\n") if b": " in line)
                        if b"id" in fields and fields.get(b"event") != b"heartbeat":
                            last = int(fields[b"id"])
                            on_event(last, now)
        except OSError:
            pass
        if not stop.is_set():
            time.sleep(0.1)  # the node is down or restarting: try again


def dechunk(raw: bytes) -> tuple[bytes, bytes]:
    """Decodes the complete chunks at the start of a chunked HTTP body; returns (their data, the rest)."""
    data = b""
    while b"\r\n" in raw:
        size_line, rest = raw.split(b"\r\n", 1)
        size = int(size_line.split(b";")[0], 16)
        if len(rest) < size + 2:
            break
        data += rest[:size]
        raw = rest[size + 2:]
    return data, raw


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p * len(ordered)))] if ordered else 0.0
