"""The lean HTTP/1.1 transports: responses framed every way HTTP/1.1 allows, keep-alive, and a connection the
server closed while idle (sent again once on a new one)."""

import socket
import socketserver
import threading

import httpx
import pytest

from sessiond_client import AsyncSessiondClient, ClientConfiguration, SessiondClient
from sessiond_client.transport import LeanAsyncTransport, LeanSyncTransport, _Answer

BODY = b'{"answer":"forty-two"}'
FRAMINGS = {
    "length": b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s" % (len(BODY), BODY),
    "chunked": b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\n" + BODY[:5] + b"\r\n"
               + b"%x\r\n" % (len(BODY) - 5) + BODY[5:] + b"\r\n0\r\nX-Trailer: yes\r\n\r\n",
    "close": b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n" + BODY,
}


@pytest.mark.parametrize("framing", sorted(FRAMINGS))
def test_every_framing_is_read_whole_from_any_split(framing):
    raw = FRAMINGS[framing]
    for step in (1, 7, len(raw)):
        answer = _Answer(head_only=False)
        done = False
        for start in range(0, len(raw), step):
            done = answer.feed(raw[start:start + step])
        if framing == "close":
            assert not done and answer.closed()
        else:
            assert done
        assert answer.status == 200 and answer.body == BODY
        assert answer.keep_alive == (framing != "close")


def test_no_body_statuses_and_garbage():
    answer = _Answer(head_only=False)
    assert answer.feed(b"HTTP/1.1 204 No Content\r\n\r\n") and answer.body == b""
    with pytest.raises(httpx.RemoteProtocolError):
        _Answer(head_only=False).feed(b"SSH-2.0-OpenSSH\r\n\r\n")
    cut = _Answer(head_only=False)
    assert not cut.feed(FRAMINGS["length"][:-3]) and not cut.closed()


class Server(socketserver.ThreadingTCPServer):
    """Answers each request with `framing`; `close_after` answers per connection, then closes it silently
    (as a server timing out an idle keep-alive connection does)."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, framing: str, close_after: int) -> None:
        self.framing, self.close_after, self.connections = framing, close_after, 0
        self.heads: list[bytes] = []
        super().__init__(("127.0.0.1", 0), Handler)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class Handler(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        server: Server = self.server  # type: ignore[assignment]
        server.connections += 1
        buffer = b""
        for _ in range(server.close_after):
            while b"\r\n\r\n" not in buffer:
                data = self.request.recv(65536)
                if not data:
                    return
                buffer += data
            head, _, buffer = buffer.partition(b"\r\n\r\n")
            server.heads.append(head)
            length = next((int(line.split(b":")[1]) for line in head.split(b"\r\n")
                           if line.lower().startswith(b"content-length")), 0)
            while len(buffer) < length:
                buffer += self.request.recv(65536)
            buffer = buffer[length:]
            self.request.sendall(FRAMINGS[server.framing])
            if server.framing == "close":
                break
        self.request.shutdown(socket.SHUT_RDWR)


@pytest.fixture()
def serve():
    servers = []

    def start(framing: str, close_after: int = 1000) -> Server:
        server = Server(framing, close_after)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("framing", sorted(FRAMINGS))
def test_sync_transport_keeps_connections_alive(serve, framing):
    server = serve(framing)
    with httpx.Client(transport=LeanSyncTransport()) as client:
        for _ in range(3):
            response = client.post(server.url + "/x", content=b"ping")
            assert response.status_code == 200 and response.json() == {"answer": "forty-two"}
    assert server.connections == (3 if framing == "close" else 1)


@pytest.mark.parametrize("framing", sorted(FRAMINGS))
async def test_async_transport_keeps_connections_alive(serve, framing):
    server = serve(framing)
    async with httpx.AsyncClient(transport=LeanAsyncTransport()) as client:
        for _ in range(3):
            response = await client.post(server.url + "/x", content=b"ping")
            assert response.status_code == 200 and response.json() == {"answer": "forty-two"}
    assert server.connections == (3 if framing == "close" else 1)


def test_an_async_client_used_from_one_event_loop_after_another_opens_its_own_connections(serve):
    """A framework that runs each call under its own `asyncio.run` (ADK's `Runner.run`) uses one client from loop
    after loop: a connection of an ended loop is never read again, so it is not reused (it waited for ever)."""
    import asyncio
    import time

    server = serve("length")
    transport = LeanAsyncTransport()
    client = httpx.AsyncClient(transport=transport, timeout=5)

    async def one_request():
        response = await client.post(server.url + "/x", content=b"ping")
        assert response.json() == {"answer": "forty-two"}

    for _ in range(3):
        started = time.monotonic()
        asyncio.run(one_request())
        assert time.monotonic() - started < 2
    assert server.connections == 3
    assert len(transport._idle) == 1


def test_sync_transport_sends_again_when_an_idle_connection_was_closed(serve):
    server = serve("length", close_after=1)
    with httpx.Client(transport=LeanSyncTransport()) as client:
        for _ in range(3):
            assert client.get(server.url + "/x").json() == {"answer": "forty-two"}
    assert server.connections == 3


async def test_async_transport_sends_again_when_an_idle_connection_was_closed(serve):
    server = serve("length", close_after=1)
    async with httpx.AsyncClient(transport=LeanAsyncTransport()) as client:
        for _ in range(3):
            assert (await client.get(server.url + "/x")).json() == {"answer": "forty-two"}
    assert server.connections == 3


async def test_errors_are_httpx_errors():
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    url = f"http://127.0.0.1:{closed.getsockname()[1]}/x"
    closed.close()
    async with httpx.AsyncClient(transport=LeanAsyncTransport()) as client:
        with pytest.raises(httpx.ConnectError):
            await client.get(url)
    with httpx.Client(transport=LeanSyncTransport()) as client:
        with pytest.raises(httpx.ConnectError):
            client.get(url)


def _lines(head: bytes) -> tuple[bytes, set[bytes]]:
    """A request head's request line and its header lines, but the Accept-Encoding the byte path leaves out."""
    first, *lines = head.split(b"\r\n")
    return first, {line.lower() for line in lines if not line.lower().startswith(b"accept-encoding")}


async def test_a_read_sent_as_bytes_carries_what_httpx_sends(serve):
    """The items read skips httpx's request objects (``_get``): same request line and headers — Host, the key,
    the namespace, the caller's own headers, If-None-Match — as the same read sent through httpx."""
    server = serve("length")
    configuration = ClientConfiguration(base_url=server.url + "/base/", api_key="sk-1", namespace="ns-1",
                                        headers={"X-Extra": "yes"})
    target, etag = "/base/v1/sessions/s%2F1/items?bodiesOnly=true&afterVersion=3", '"3"'
    with SessiondClient(configuration) as client:
        reply = client._get(target, etag)
        assert reply.status_code == 200 and reply.json() == {"answer": "forty-two"}
        client._http.get(server.url + target, headers={"If-None-Match": etag})
    async with AsyncSessiondClient(configuration) as client:
        assert (await client._get(target, None)).json() == {"answer": "forty-two"}
        await client._http.get(server.url + target)
    sync_raw, sync_httpx, async_raw, async_httpx = map(_lines, server.heads)
    assert sync_raw == sync_httpx and async_raw == async_httpx
    assert sync_raw[0] == b"GET " + target.encode() + b" HTTP/1.1"
    assert {b"authorization: bearer sk-1", b"x-namespace: ns-1", b"x-extra: yes", b'if-none-match: "3"'} <= sync_raw[1]
    assert b'if-none-match: "3"' not in async_raw[1]
