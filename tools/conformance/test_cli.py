"""The maintenance commands on a data directory that is not there: a mistyped `--data` is named, not served.

`serve` creates its data directory; `export`, `events`, `verify`, `rebuild` and `compact` open the log in it, and
opening would create an empty store that answers "not found" for every session instead of naming the typo.
"""

import os
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


@pytest.mark.parametrize("command", [["verify"], ["rebuild"], ["events", "s1"], ["export", "s1"], ["compact", "--dry-run"]])
def test_a_served_data_directory_is_refused_whichever_store_holds_the_log(tmp_path: Path, command):
    """A log elsewhere (another directory; the suite's PostgreSQL database when it runs on one) does not lock the data
    directory itself: the node does, so a command, or a second daemon, on a served projection exits and names it."""
    log = os.environ.get("SESSIOND_CONFORMANCE_LOG", "")
    log = log if log.startswith("postgres") else str(tmp_path / "log")
    with Daemon(log=log) as daemon:
        in_use = f"the data directory {daemon.data} is in use by another sessiond process"
        result = run_cli(*command, "--data", str(daemon.data), "--log", log)
        assert result.returncode == 1 and in_use in result.stderr, result.stderr
        second = run_cli("serve", "--port", "0", "--data", str(daemon.data), "--log", log, timeout=60)
        assert second.returncode == 1 and in_use in second.stderr, second.stderr
        assert daemon.request("GET", "/health")[0] == 200
    # Stopped, the directory is free again.
    result = run_cli(*command, "--data", str(daemon.data), "--log", log)
    assert in_use not in result.stderr, result.stderr


def test_log_copy_takes_the_files_of_a_log_served_apart_from_its_data(tmp_path: Path):
    """`serve --data D --log L` keeps session files in D/blobs: `log copy --from L --from-data D` copies them, and a
    daemon on the copy serves the file."""
    content = b"a file uploaded beside a log kept apart"
    with Daemon(log=str(tmp_path / "log")) as apart:
        status, session = apart.request("POST", "/api/sessions", {"title": "f", "browserMode": "local-browser-service"})
        assert status in (200, 201), session
        status, body = apart.upload(session["id"], "kept.txt", content)
        assert status == 201, body
    copied = run_cli("log", "copy", "--from", str(tmp_path / "log"), "--from-data", str(apart.data),
                     "--to", str(tmp_path / "copy"))
    assert copied.returncode == 0, copied.stderr
    assert "copied 1 file blobs" in copied.stdout, copied.stdout
    with Daemon(data=tmp_path / "copy", log="") as copy:  # the copy, not the suite's PostgreSQL log
        assert copy.download(session["id"], "kept.txt") == (200, content)
