"""Starting, killing and querying one `sessiond` binary on a data directory (stdlib only).

Shared by the crash harness and the disk-fault and corruption checks in this folder.
"""

import http.client
import json
import os
import signal
import socket
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def binary() -> str:
    """The sessiond to test: $SESSIOND_BIN, else the debug build."""
    path = os.environ.get("SESSIOND_BIN", str(ROOT / ".build" / "debug" / "sessiond"))
    if not Path(path).exists():
        raise SystemExit(f"sessiond binary not found at {path}: build it (swift build --product sessiond) or set SESSIOND_BIN")
    return path


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Daemon:
    """One `sessiond serve` process at a time on `data`, its output appended to `log_path`."""

    def __init__(self, data: Path, log_path: Path, extra_args=()):
        self.data = data
        self.log_path = log_path
        self.extra_args = list(extra_args)
        self.port = free_port()
        self.process = None

    def start(self, timeout: float = 30) -> None:
        self.port = free_port()
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                [binary(), "serve", "--data", str(self.data), "--port", str(self.port), *self.extra_args],
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + timeout
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"sessiond exited with {self.process.returncode} on start; see {self.log_path}")
            try:
                status, _ = self.request("GET", "/health", timeout=1)
                if status == 200:
                    return
            except OSError:
                pass
            if time.monotonic() > deadline:
                self.kill()
                raise RuntimeError(f"sessiond did not answer /health within {timeout} s; see {self.log_path}")
            time.sleep(0.05)

    def kill(self) -> None:
        """SIGKILL, by pid: no shutdown code runs."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait()
        self.process = None

    def stop(self) -> int:
        """SIGTERM and wait; returns the exit status."""
        if not self.process:
            return 0
        self.process.send_signal(signal.SIGTERM)
        try:
            code = self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.kill()
            code = -9
        self.process = None
        return code

    def request(self, method: str, path: str, body=None, timeout: float = 10, headers=None):
        """One HTTP request on a fresh connection; returns (status, decoded JSON or None). Raises OSError
        (connection refused or reset, timeout) when the daemon is gone."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            payload = None if body is None else json.dumps(body).encode()
            sent = {"Content-Type": "application/json"} if payload is not None else {}
            sent.update(headers or {})
            connection.request(method, path, body=payload, headers=sent)
            response = connection.getresponse()
            raw = response.read()
            try:
                decoded = json.loads(raw) if raw else None
            except ValueError:
                decoded = None
            return response.status, decoded
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


def run_cli(*args, timeout: float = 120) -> subprocess.CompletedProcess:
    """Runs `sessiond ARGS…` to completion, capturing its output as text."""
    return subprocess.run([binary(), *args], capture_output=True, text=True, timeout=timeout)
