"""Starts a real `sessiond serve` on a free loopback port for the conformance tests.

The binary is `.build/debug/sessiond` unless SESSIOND_BIN names another one. Each test session gets its own
data directory (daemon.py); it is stopped with SIGTERM (by its pid) when the tests end.
"""

import os
import signal
import socket
import subprocess
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

import contract

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def sessiond_binary():
    binary = os.environ.get("SESSIOND_BIN", str(ROOT / ".build" / "debug" / "sessiond"))
    if not Path(binary).exists():
        pytest.fail(f"sessiond binary not found at {binary}: build it first (swift build)")
    return binary


@contextmanager
def running_server(data):
    """Runs `sessiond serve` on `data` (a fresh directory's child) on a free loopback port; yields its URL."""
    port = _free_port()
    log = open(Path(data).parent / "server.log", "wb")
    proc = subprocess.Popen(
        [sessiond_binary(), "serve", "--data", str(data), "--port", str(port), "--durability", "none"],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        if proc.poll() is not None:
            pytest.fail(f"sessiond exited with {proc.returncode}; see {Path(data).parent}/server.log")
        try:
            if httpx.get(url + "/health", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline:
            proc.send_signal(signal.SIGTERM)
            pytest.fail("sessiond did not answer /health within 30 s")
        time.sleep(0.1)
    yield url
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    log.close()
    assert proc.returncode == 0, f"sessiond did not shut down cleanly ({proc.returncode}); see {Path(data).parent}/server.log"


@pytest.fixture(scope="session")
def server_url():
    data = Path(tempfile.mkdtemp(prefix="sessiond-conformance-")) / "data"
    with running_server(data) as url:
        yield url


@pytest.fixture()
def mix(server_url):
    from mix_python_sdk import Mix
    from mix_python_sdk.utils import BackoffStrategy, RetryConfig

    # No retries: a 5xx must fail the test at once instead of being retried for 10 minutes. Every response is
    # checked against the vendor's spec (contract.py).
    transport = httpx.Client(follow_redirects=True, event_hooks={"response": [contract.check]})
    with Mix(
        server_url=server_url,
        client=transport,
        retry_config=RetryConfig("backoff", BackoffStrategy(1, 1, 1, 1), False),
    ) as client:
        yield client
    transport.close()


@pytest.fixture()
def http(server_url):
    with httpx.Client(base_url=server_url, timeout=10, event_hooks={"response": [contract.check]}) as client:
        yield client
