"""Runs one real `sessiond serve` on a free loopback port: the conformance and hostile-input tests' daemon, and
the soak test's (tools/soak/run). Standard library only, so the soak test needs no venv.

The daemon gets its own data directory and log file; `stop()` sends SIGTERM to its pid and waits.
"""

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


class Daemon:
    """A `sessiond serve` process; use as a context manager, or call start() and stop()."""

    def __init__(self, binary: str | None = None, durability: str = "none", extra_args: tuple[str, ...] = (),
                 log: str | None = None):
        self.binary = binary or os.environ.get("SESSIOND_BIN", str(ROOT / ".build" / "debug" / "sessiond"))
        self.durability = durability
        # Where the log lives (`serve --log`): a postgres:// URL to run on the PostgreSQL store; by default the one
        # `tools/conformance/run --log` set, else the data directory.
        self.log = log if log is not None else os.environ.get("SESSIOND_CONFORMANCE_LOG")
        self.extra_args = extra_args
        self.directory = Path(tempfile.mkdtemp(prefix="sessiond-daemon-"))
        # The data directory: exists before start(), so a test can prepare it (e.g. `sessiond keys create`).
        self.data = self.directory / "data"
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen | None = None
        self._log = None

    @property
    def log_path(self) -> Path:
        return self.directory / "server.log"

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def start(self, timeout: float = 30) -> "Daemon":
        if not Path(self.binary).exists():
            raise RuntimeError(f"sessiond binary not found at {self.binary}: build it first (swift build)")
        self._log = open(self.log_path, "wb")
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
            time.sleep(0.1)

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
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
        return 0

    def open_fds(self) -> int:
        return len(os.listdir(f"/proc/{self.pid}/fd"))

    def __enter__(self) -> "Daemon":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
