"""Runs one real `sessiond serve` on a free loopback port: THE way tools start a daemon from Python — the
conformance and hostile-input tests, the soak test (tools/soak/run), the crash harness and fault checks
(tools/crash), the HTTP fuzzer. Standard library only, so the soak and crash tools need no venv.

The daemon gets its own data directory and log file unless given them; `stop()` sends SIGTERM to its pid and
waits, `kill()` sends SIGKILL; `start()` again restarts it on the same data (on a new port unless `keep_port`).
"""

import http.client
import json
import os
import signal
import socket
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def binary() -> str:
    """The sessiond to run: $SESSIOND_BIN, else the debug build."""
    return os.environ.get("SESSIOND_BIN", str(ROOT / ".build" / "debug" / "sessiond"))


def run_cli(*args, timeout: float = 120) -> subprocess.CompletedProcess:
    """Runs `sessiond ARGS…` to completion, capturing its output as text."""
    return subprocess.run([binary(), *args], capture_output=True, text=True, timeout=timeout)


class Daemon:
    """A `sessiond serve` process; use as a context manager, or call start() and stop()."""

    def __init__(self, binary: str | None = None, durability: str = "none", extra_args=(),
                 data: Path | None = None, log_path: Path | None = None, log: str | None = None):
        self.binary = binary or globals()["binary"]()
        self.durability = durability
        # Where the log lives (`serve --log`): a postgres:// URL to run on the PostgreSQL store; by default the one
        # `tools/conformance/run --log` set, else the data directory.
        self.log = log if log is not None else os.environ.get("SESSIOND_CONFORMANCE_LOG")
        self.extra_args = tuple(extra_args)
        # A temporary directory for what the caller did not place.
        self.directory = Path(tempfile.mkdtemp(prefix="sessiond-daemon-")) if data is None or log_path is None else None
        # The data directory: may exist before start(), so a test can prepare it (e.g. `sessiond keys create`).
        self.data = Path(data) if data else self.directory / "data"
        self.log_path = Path(log_path) if log_path else self.directory / "server.log"
        self.port = free_port()
        self.proc: subprocess.Popen | None = None
        self._log = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def start(self, timeout: float = 30, keep_port: bool = False) -> "Daemon":
        """Starts (or restarts) the daemon; a restart takes a new port unless `keep_port` (a client that must find
        the same origin again, e.g. a browser page resuming its event stream)."""
        if not Path(self.binary).exists():
            raise RuntimeError(f"sessiond binary not found at {self.binary}: build it first (swift build)")
        if self.proc is not None and not keep_port:
            self.port = free_port()  # a restart: the old port may linger in TIME_WAIT
        self._log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(
            [self.binary, "serve", "--data", str(self.data), "--port", str(self.port),
             "--durability", self.durability, *(["--log", self.log] if self.log else []), *self.extra_args],
            stdout=self._log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"sessiond exited with {self.proc.returncode}; see {self.log_path}")
            try:
                with urllib.request.urlopen(self.url + "/health", timeout=1) as response:
                    if response.status == 200:
                        return self
            except OSError:
                pass
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"sessiond did not answer /health within {timeout:.0f} s")
            time.sleep(0.05)

    def kill(self) -> None:
        """SIGKILL: no shutdown code runs."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait()
        if self._log:
            self._log.close()

    def stop(self, timeout: float = 15) -> int:
        """Sends SIGTERM and waits (SIGKILL after `timeout`); returns the exit status."""
        if self.proc is None:
            return 0
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self._log:
            self._log.close()
        return self.proc.returncode

    def rss_kib(self) -> int:
        """The daemon's resident set size (VmRSS), in KiB."""
        return self.memory_kib()["VmRSS"]

    def memory_kib(self) -> dict[str, int]:
        """The daemon's resident memory in KiB from /proc/PID/status: `VmRSS` in all, `RssAnon` (its heap and
        stacks: what a leak grows) and `RssFile` (files mapped in, the projection database read through `mmap`
        among them: the kernel's page cache, bounded by the files' size). 0 for a field the kernel does not give."""
        fields = {"VmRSS": 0, "RssAnon": 0, "RssFile": 0}
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            name = line.split(":", 1)[0]
            if name in fields:
                fields[name] = int(line.split()[1])
        return fields

    def open_fds(self) -> int:
        return len(os.listdir(f"/proc/{self.pid}/fd"))

    def sockets_from(self, client_ports) -> int:
        """How many sockets the daemon holds open as the server end of a connection from one of `client_ports`
        (the local ports of the caller's sockets to this daemon). Exact where a count of all its fds is not:
        that also counts connections other requests left closing and files the daemon opens for a moment."""
        wanted = set(client_ports)
        inodes = set()
        for table in ("/proc/net/tcp", "/proc/net/tcp6"):
            if not Path(table).exists():
                continue
            for line in Path(table).read_text().splitlines()[1:]:
                fields = line.split()
                local_port, remote_port = (int(address.rsplit(":", 1)[1], 16) for address in fields[1:3])
                if local_port == self.port and remote_port in wanted:
                    inodes.add(fields[9])
        held = 0
        for fd in os.listdir(f"/proc/{self.pid}/fd"):
            try:
                target = os.readlink(f"/proc/{self.pid}/fd/{fd}")
            except OSError:
                continue  # closed meanwhile
            if target.startswith("socket:[") and target[len("socket:["):-1] in inodes:
                held += 1
        return held

    def request(self, method: str, path: str, body=None, timeout: float = 10, headers=None):
        """One HTTP request on a fresh connection; returns (status, decoded JSON or None). Raises OSError
        (connection refused or reset, timeout) when the daemon is gone."""
        payload = None if body is None else json.dumps(body).encode()
        sent = {"Content-Type": "application/json"} if payload is not None else {}
        sent.update(headers or {})
        status, raw = self._exchange(method, path, payload, sent, timeout)
        return status, self._decoded(raw)

    def upload(self, session: str, name: str, content: bytes, timeout: float = 10):
        """A Mix file upload (multipart field `file`); returns (status, decoded JSON or None). Raises OSError as
        request() does."""
        boundary = "sessiond-upload-5521"
        body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n"
                f"Content-Type: application/octet-stream\r\n\r\n").encode() + content + f"\r\n--{boundary}--\r\n".encode()
        status, raw = self._exchange("POST", f"/api/sessions/{session}/files/upload", body,
                                     {"Content-Type": f"multipart/form-data; boundary={boundary}"}, timeout)
        return status, self._decoded(raw)

    def download(self, session: str, name: str, timeout: float = 10) -> tuple[int, bytes]:
        """A Mix file download: (status, the body's bytes)."""
        return self._exchange("GET", f"/api/sessions/{session}/files/{name}", None, {}, timeout)

    @staticmethod
    def _decoded(raw: bytes):
        try:
            return json.loads(raw) if raw else None
        except ValueError:
            return None

    def _exchange(self, method: str, path: str, body, headers: dict, timeout: float) -> tuple[int, bytes]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            return response.status, response.read()
        except http.client.HTTPException as error:
            raise ConnectionError(str(error)) from error
        finally:
            connection.close()

    def all_events(self) -> list:
        """Every event in the log, read through `GET /v1/events?after=` page by page."""
        events, after = [], 0
        while True:
            status, page = self.request("GET", f"/v1/events?after={after}&limit=1000", timeout=30)
            if status != 200:
                raise RuntimeError(f"GET /v1/events?after={after} answered {status}: {page}")
            events.extend(page["events"])
            if not page["events"] or page["next"] >= page["end"]:
                return events
            after = page["next"]

    def __enter__(self) -> "Daemon":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
