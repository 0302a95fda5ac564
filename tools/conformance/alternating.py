"""A client-side stand-in for two nodes behind a round-robin balancer: a loopback HTTP proxy that sends each request
to the next node in turn and carries `Sessiond-Position` forward — the highest position any answer reported goes
out with every later request, as a client keeping read-your-writes across nodes does (docs/scaling.md).

The conformance suite runs through it when `SESSIOND_CONFORMANCE_NODES=2` (conftest.py), so every test's
requests alternate between two `sessiond serve` nodes sharing one PostgreSQL log. Standard library only.
"""

import http.client
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

POSITION = "Sessiond-Position"
HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade", "proxy-connection"}


class Alternating:
    """Runs the proxy on a free loopback port; `url` is where clients point.

    With `carry_position=False` it is a plain round-robin balancer that leaves `Sessiond-Position` to the client
    (the Python client's own test). `exchanges` records, per request in the order they were answered, the position the
    request carried and the one its answer reported (`None` where absent)."""

    def __init__(self, ports: list[int], carry_position: bool = True):
        self.ports = ports
        self.carry_position = carry_position
        self.turn = 0
        self.position = 0
        self.exchanges: list[tuple[int | None, int | None]] = []
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self) -> "Alternating":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def next_node(self) -> tuple[int, int]:
        with self.lock:
            port = self.ports[self.turn % len(self.ports)]
            self.turn += 1
            return port, self.position

    def saw(self, carried: str | None, header: str | None) -> None:
        with self.lock:
            if header and header.isdigit():
                self.position = max(self.position, int(header))
            self.exchanges.append((int(carried) if carried and carried.isdigit() else None,
                                   int(header) if header and header.isdigit() else None))

    def _handler(self):
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def forward(self):
                port, position = proxy.next_node()
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
                if proxy.carry_position and position and POSITION not in headers:
                    headers[POSITION] = str(position)
                upstream = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                upstream.request(self.command, self.path, body=body, headers=headers)
                response = upstream.getresponse()
                proxy.saw(self.headers.get(POSITION), response.getheader(POSITION))
                self.send_response(response.status, response.reason)
                for key, value in response.getheaders():
                    if key.lower() not in HOP_BY_HOP and key.lower() != "content-length":
                        self.send_header(key, value)
                streaming = response.getheader("Content-Type", "").startswith("text/event-stream")
                if streaming:
                    # Server-sent events: pass chunks through as they come, until either side hangs up.
                    self.send_header("Transfer-Encoding", "chunked")
                    self.end_headers()
                    try:
                        while chunk := response.read1(65536):
                            self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                            self.wfile.flush()
                        self.wfile.write(b"0\r\n\r\n")
                    except OSError:
                        pass
                    self.close_connection = True
                else:
                    data = response.read()
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    if self.command != "HEAD":
                        self.wfile.write(data)
                upstream.close()

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = do_HEAD = forward

        return Handler
