"""Lean HTTP/1.1 transports for the httpx clients: keep-alive connections to one plain-HTTP origin.

httpx's default transport (httpcore over anyio) costs about 0.8 ms of Python CPU per request on a loopback
connection; these cost about a tenth of that, so a client spends its CPU on what it sends rather than on the
connection. They stay under ``httpx.Client`` / ``httpx.AsyncClient`` (same requests, responses and errors) and
speak only what sessiond answers: HTTP/1.1 with ``Content-Length`` or chunked bodies, keep-alive, no TLS (an
``https://`` URL keeps httpx's own transport).

A reused connection that the server closed while idle fails before any answer arrives; the request is then sent
again on a new connection once (every request of these clients is safe to repeat: reads, and writes with an
idempotency key).

Each transport also sends a request given as bytes (``send``, with ``get_request`` and ``fixed_head``): the read an
agent repeats before every turn then skips httpx's request and response objects, about 0.13 ms of CPU per read.
"""

from __future__ import annotations

import asyncio
import socket
import threading
from typing import Any

import httpx

_MAX_HEAD = 64 << 10


class _Answer:
    """A response read from bytes as they arrive (sans I/O)."""

    __slots__ = ("buffer", "status", "headers", "length", "chunked", "chunks", "until_close", "keep_alive", "body")

    def __init__(self, head_only: bool) -> None:
        self.buffer = bytearray()
        self.status = 0
        self.headers: list[tuple[bytes, bytes]] = []
        self.length: int | None = 0 if head_only else None
        self.chunked = False
        self.chunks: list[bytes] = []
        self.until_close = False
        self.keep_alive = True
        self.body = b""

    @property
    def started(self) -> bool:
        return bool(self.buffer) or self.status != 0

    def feed(self, data: bytes) -> bool:
        """Takes more bytes; whether the response is complete."""
        self.buffer += data
        if not self.status:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                if len(self.buffer) > _MAX_HEAD:
                    raise httpx.RemoteProtocolError("response head too large")
                return False
            self._head(bytes(self.buffer[:end]))
            del self.buffer[:end + 4]
        if self.chunked:
            return self._chunk()
        if self.length is not None:
            if len(self.buffer) < self.length:
                return False
            self.body = bytes(self.buffer[:self.length])
            return True
        return False

    def header(self, name: bytes) -> bytes | None:
        """The value of the header `name` (lower case), if the answer has it."""
        for key, value in self.headers:
            if key.lower() == name:
                return value
        return None

    def closed(self) -> bool:
        """The connection ended; whether that completes the response (a body delimited by the close)."""
        if self.status and self.until_close:
            self.body = bytes(self.buffer)
            return True
        return False

    def _head(self, head: bytes) -> None:
        lines = head.split(b"\r\n")
        parts = lines[0].split(b" ", 2)
        if len(parts) < 2 or not parts[0].startswith(b"HTTP/1."):
            raise httpx.RemoteProtocolError(f"not an HTTP/1.1 response: {lines[0][:80]!r}")
        self.status = int(parts[1])
        self.keep_alive = parts[0] == b"HTTP/1.1"
        for line in lines[1:]:
            name, _, value = line.partition(b":")
            name, value = name.strip(), value.strip()
            self.headers.append((name, value))
            lower = name.lower()
            if lower == b"content-length" and self.length is None:
                self.length = int(value)
            elif lower == b"transfer-encoding" and b"chunked" in value.lower():
                self.chunked = True
            elif lower == b"connection":
                self.keep_alive = value.lower() != b"close"
        if self.status in (204, 304) or 100 <= self.status < 200:
            self.length = 0
        if self.chunked:
            self.length = None
        elif self.length is None:
            self.until_close, self.keep_alive = True, False

    def _chunk(self) -> bool:
        while True:
            line_end = self.buffer.find(b"\r\n")
            if line_end < 0:
                return False
            size = int(bytes(self.buffer[:line_end]).split(b";")[0], 16)
            if size == 0:
                # The last chunk, optional trailers, then an empty line.
                trailer_end = self.buffer.find(b"\r\n\r\n", line_end)
                if self.buffer[line_end:line_end + 4] != b"\r\n\r\n" and trailer_end < 0:
                    return False
                self.body = b"".join(self.chunks)
                return True
            if len(self.buffer) < line_end + 2 + size + 2:
                return False
            self.chunks.append(bytes(self.buffer[line_end + 2:line_end + 2 + size]))
            del self.buffer[:line_end + 2 + size + 2]


def _origin(request: httpx.Request) -> tuple[str, int]:
    return request.url.host, request.url.port or 80


def fixed_head(http: httpx.Client | httpx.AsyncClient) -> bytes:
    """The header lines every request of `http` carries (``Host`` and the client's headers), built once; without
    ``Accept-Encoding``, so a body comes as it is (these transports decode no compression)."""
    url = http.base_url
    lines = [b"Host: " + url.netloc]
    lines += [b"%s: %s" % pair for pair in http.headers.raw if pair[0].lower() != b"accept-encoding"]
    return b"\r\n".join(lines) + b"\r\n"


def get_request(target: str, head: bytes, extra: bytes = b"") -> bytes:
    """A `GET` of `target` (path and query, already encoded) with the header lines `head` and `extra`."""
    return b"GET " + target.encode() + b" HTTP/1.1\r\n" + head + extra + b"\r\n"


def _encode(request: httpx.Request, body: bytes) -> bytes:
    head = b"%s %s HTTP/1.1\r\n" % (request.method.encode(), request.url.raw_path)
    return head + b"".join(b"%s: %s\r\n" % pair for pair in request.headers.raw) + b"\r\n" + body


def _response(answer: _Answer, request: httpx.Request) -> httpx.Response:
    return httpx.Response(
        answer.status, headers=answer.headers, content=answer.body, request=request,
        extensions={"http_version": b"HTTP/1.1"})


def _timeout(request: httpx.Request, kind: str) -> float | None:
    timeouts: dict[str, Any] = request.extensions.get("timeout", {})
    return timeouts.get(kind)


class _Connection(asyncio.Protocol):
    """One keep-alive connection; one request at a time."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.answer: _Answer | None = None
        self.waiter: asyncio.Future[None] | None = None
        self.lost = False
        # The event loop that reads it: another loop (a framework running each call under its own `asyncio.run`)
        # would write a request on it that no one ever reads the answer of.
        self.loop = asyncio.get_running_loop()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        if self.answer is None or self.waiter is None or self.waiter.done():
            self.lost = True  # bytes nobody asked for: the connection cannot be trusted any more
            if self.transport is not None:
                self.transport.close()
            return
        try:
            if self.answer.feed(data):
                self.waiter.set_result(None)
        except httpx.RemoteProtocolError as error:
            self.waiter.set_exception(error)

    def connection_lost(self, exc: Exception | None) -> None:
        self.lost = True
        if self.waiter is not None and not self.waiter.done():
            if self.answer is not None and self.answer.closed():
                self.waiter.set_result(None)
            else:
                self.waiter.set_exception(httpx.RemoteProtocolError("server disconnected without a complete response"))

    def timed_out(self) -> None:
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_exception(httpx.ReadTimeout("timed out waiting for the response"))
        if self.transport is not None:
            self.transport.close()

    async def exchange(self, raw: bytes, answer: _Answer, timeout: float | None) -> None:
        assert self.transport is not None
        loop = asyncio.get_running_loop()
        self.answer, self.waiter = answer, loop.create_future()
        self.transport.write(raw)
        timer = loop.call_later(timeout, self.timed_out) if timeout is not None else None
        try:
            await self.waiter
        finally:
            if timer is not None:
                timer.cancel()
            self.answer = self.waiter = None


def _close_elsewhere(connection: _Connection) -> None:
    """Closes a connection of another event loop: through that loop while it runs; once it is closed, its socket
    directly (the transport can no longer reach its loop; left alone, the socket would wait for the collector)."""
    transport = connection.transport
    if transport is None:
        return
    try:
        if connection.loop.is_closed():
            sock = getattr(transport, "_sock", None)
            if sock is not None:
                sock.close()
        else:
            connection.loop.call_soon_threadsafe(transport.close)
    except (RuntimeError, OSError):
        pass


class LeanAsyncTransport(httpx.AsyncBaseTransport):
    """The asyncio transport: a pool of idle keep-alive connections, one opened whenever none is idle."""

    def __init__(self) -> None:
        self._idle: list[_Connection] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        raw = _encode(request, await request.aread())
        try:
            answer = await self.send(
                _origin(request), raw, request.method == "HEAD", _timeout(request, "connect"), _timeout(request, "read"))
        except httpx.TransportError as error:
            error.request = request
            raise
        return _response(answer, request)

    async def send(
        self, origin: tuple[str, int], raw: bytes, head_only: bool, connect_timeout: float | None,
        read_timeout: float | None,
    ) -> _Answer:
        """Sends one request given as bytes to `origin` and reads its response."""
        answer = _Answer(head_only)
        reused = True
        while True:
            connection = self._take_idle()
            if connection is None:
                connection, reused = await self._connect(origin, connect_timeout), False
            try:
                await connection.exchange(raw, answer, read_timeout)
            except httpx.RemoteProtocolError:
                if connection.transport is not None:
                    connection.transport.close()
                if reused and not answer.started:
                    answer = _Answer(head_only)
                    reused = False
                    continue
                raise
            except BaseException:
                if connection.transport is not None:
                    connection.transport.close()
                raise
            break
        if answer.keep_alive and not connection.lost:
            self._idle.append(connection)
        elif connection.transport is not None:
            connection.transport.close()
        return answer

    def _take_idle(self) -> _Connection | None:
        running = asyncio.get_running_loop()
        while self._idle:
            connection = self._idle.pop()
            if connection.loop is not running:
                # Its loop ended (or is another thread's): closed for good, its socket released.
                _close_elsewhere(connection)
                continue
            if not connection.lost:
                return connection
        return None

    async def _connect(self, origin: tuple[str, int], timeout: float | None) -> _Connection:
        host, port = origin
        loop = asyncio.get_running_loop()
        try:
            _, connection = await asyncio.wait_for(loop.create_connection(_Connection, host, port), timeout)
        except asyncio.TimeoutError:
            raise httpx.ConnectTimeout(f"timed out connecting to {host}:{port}") from None
        except OSError as error:
            raise httpx.ConnectError(str(error)) from error
        return connection

    async def aclose(self) -> None:
        idle, self._idle = self._idle, []
        for connection in idle:
            if connection.transport is not None:
                connection.transport.close()


class LeanSyncTransport(httpx.BaseTransport):
    """The blocking transport: idle keep-alive sockets shared by the threads that use the client."""

    def __init__(self) -> None:
        self._idle: list[socket.socket] = []
        self._lock = threading.Lock()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        raw = _encode(request, request.read())
        try:
            answer = self.send(
                _origin(request), raw, request.method == "HEAD", _timeout(request, "connect"), _timeout(request, "read"))
        except httpx.TransportError as error:
            error.request = request
            raise
        return _response(answer, request)

    def send(
        self, origin: tuple[str, int], raw: bytes, head_only: bool, connect_timeout: float | None,
        read_timeout: float | None,
    ) -> _Answer:
        """Sends one request given as bytes to `origin` and reads its response."""
        reused = True
        while True:
            with self._lock:
                sock = self._idle.pop() if self._idle else None
            if sock is None:
                sock, reused = self._connect(origin, connect_timeout), False
            answer = _Answer(head_only)
            try:
                sock.settimeout(read_timeout)
                sock.sendall(raw)
                while True:
                    data = sock.recv(1 << 16)
                    if not data:
                        if answer.closed():
                            break
                        raise httpx.RemoteProtocolError("server disconnected without a complete response")
                    if answer.feed(data):
                        break
            except (OSError, httpx.RemoteProtocolError) as error:
                sock.close()
                # Only a connection the server closed while idle is sent again, never one that timed out.
                if reused and not answer.started and not isinstance(error, socket.timeout):
                    reused = False
                    continue
                if isinstance(error, socket.timeout):
                    raise httpx.ReadTimeout("timed out waiting for the response") from error
                if isinstance(error, OSError):
                    raise httpx.ReadError(str(error)) from error
                raise
            except BaseException:
                sock.close()  # a malformed answer (ValueError), an interrupt: the socket is in no known state
                raise
            break
        if answer.keep_alive:
            with self._lock:
                self._idle.append(sock)
        else:
            sock.close()
        return answer

    def _connect(self, origin: tuple[str, int], timeout: float | None) -> socket.socket:
        host, port = origin
        try:
            sock = socket.create_connection((host, port), timeout=timeout)
        except socket.timeout as error:
            raise httpx.ConnectTimeout(f"timed out connecting to {host}:{port}") from error
        except OSError as error:
            raise httpx.ConnectError(str(error)) from error
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return sock

    def close(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
        for sock in idle:
            sock.close()
