"""Starts a real `sessiond serve` on a free loopback port for the conformance tests.

The binary is `.build/debug/sessiond` unless SESSIOND_BIN names another one. Each test session gets its own
data directory (daemon.py); it is stopped with SIGTERM (by its pid) when the tests end. With
SESSIOND_CONFORMANCE_NODES=2 (and a shared `--log postgres://…`, tools/conformance/run --nodes 2) two nodes start
and every request alternates between them through alternating.py.
"""

import os
import threading
import time
from contextlib import contextmanager

import httpx
import pytest

import contract
from alternating import Alternating
from daemon import Daemon


@contextmanager
def running(daemon: Daemon):
    """Starts `daemon`, yields its URL, and checks that it shuts down cleanly."""
    try:
        daemon.start()
    except RuntimeError as error:
        pytest.fail(str(error))
    yield daemon.url
    status = daemon.stop()
    assert status == 0, f"sessiond did not shut down cleanly ({status}); see {daemon.log_path}"


def eventually(check, seconds: float = 10, what: str = "the condition"):
    """Waits until `check()` is true, polling every 0.1 s; fails the test after `seconds`."""
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, f"{what} did not hold within {seconds} s"
        time.sleep(0.1)


def next_event(stream, timeout=10):
    """The next event of an SDK stream (a blocking iterator), failing the test after `timeout` seconds."""
    box = {}

    def read():
        box["event"] = next(stream)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    reader.join(timeout)
    assert "event" in box, "no SSE event within the timeout"
    return box["event"]


@pytest.fixture(scope="session")
def server_url():
    if os.environ.get("SESSIOND_CONFORMANCE_NODES", "1") == "2":
        # Two nodes on one shared log (run with --log postgres://…), every request alternating between them.
        first, second = Daemon(), Daemon()
        with running(first), running(second):
            proxy = Alternating([first.port, second.port]).start()
            try:
                yield proxy.url
            finally:
                proxy.stop()
        return
    with running(Daemon()) as url:
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
