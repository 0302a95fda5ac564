"""Starts one real `sessiond serve` (tools/conformance/daemon.py) for the adapter tests.

The binary is `.build/debug/sessiond` unless SESSIOND_BIN names another one; the daemon is stopped with
SIGTERM by its pid when the tests end, and must exit cleanly.
"""

import sys
import uuid
from pathlib import Path

import pytest
from agents import set_tracing_disabled

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT / "tools" / "conformance"))

from daemon import Daemon  # noqa: E402

from sessiond_client import ClientConfiguration  # noqa: E402

# The scripted models run offline: no trace export to OpenAI.
set_tracing_disabled(True)


@pytest.fixture(scope="session")
def daemon():
    server = Daemon()
    try:
        server.start()
    except RuntimeError as error:
        pytest.fail(str(error))
    yield server
    assert server.stop() == 0, f"sessiond did not shut down cleanly; see {server.log_path}"


@pytest.fixture(scope="session")
def configuration(daemon) -> ClientConfiguration:
    return ClientConfiguration(base_url=daemon.url, retries=0)


@pytest.fixture()
def unique() -> str:
    """A fresh prefix, so that tests sharing the daemon never see each other's sessions."""
    return uuid.uuid4().hex[:10]
