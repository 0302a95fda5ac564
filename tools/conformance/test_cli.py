"""The maintenance commands on a data directory that is not there: a mistyped `--data` is named, not served.

`serve` creates its data directory; `export`, `events`, `verify`, `rebuild` and `compact` open the log in it, and
opening would create an empty store that answers "not found" for every session instead of naming the typo.
"""

from pathlib import Path

import pytest

from daemon import Daemon, run_cli


@pytest.mark.parametrize("command", [
    ["export", "s1"], ["events", "s1"], ["verify"], ["rebuild"], ["compact", "--dry-run"],
])
def test_a_missing_data_directory_is_named_and_not_created(tmp_path: Path, command):
    missing = tmp_path / "typo"
    result = run_cli(*command, "--data", str(missing))
    assert result.returncode == 1, result.stderr
    assert f"no data directory at {missing}" in result.stderr
    assert not missing.exists()


def test_a_port_in_use_is_named(tmp_path: Path):
    """A second `serve` on a port another process holds says which address it could not listen on."""
    with Daemon() as daemon:
        result = run_cli("serve", "--port", str(daemon.port), "--data", str(tmp_path / "data"), timeout=60)
    assert result.returncode == 1, result.stderr
    assert f"cannot listen on 127.0.0.1:{daemon.port}: Address already in use" in result.stderr
    assert "listening" not in result.stderr


def test_a_missing_log_directory_is_named_and_not_created(tmp_path: Path):
    """The same for `--log DIR` and for `log copy --from DIR`: nothing is created, the path is named."""
    (tmp_path / "data").mkdir()
    missing = tmp_path / "typo-log"
    result = run_cli("events", "s1", "--data", str(tmp_path / "data"), "--log", str(missing))
    assert result.returncode == 1, result.stderr
    assert f"no log directory at {missing}" in result.stderr
    result = run_cli("log", "copy", "--from", str(missing), "--to", str(tmp_path / "copy"))
    assert result.returncode == 1, result.stderr
    assert f"no log directory at {missing}" in result.stderr
    assert not missing.exists() and not (tmp_path / "copy").exists()


def test_export_of_an_unknown_session_says_so(tmp_path: Path):
    """No as-of point: the session does not exist; with one: not as of that point."""
    data = tmp_path / "data"
    data.mkdir()
    latest = run_cli("export", "nosuch", "--data", str(data))
    assert latest.returncode == 1 and "sessiond: no session nosuch\n" in latest.stderr, latest.stderr
    earlier = run_cli("export", "nosuch", "--version", "3", "--data", str(data))
    assert earlier.returncode == 1 and "no session nosuch as of that point" in earlier.stderr, earlier.stderr
