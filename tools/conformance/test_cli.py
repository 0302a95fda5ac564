"""The maintenance commands on a data directory that is not there: a mistyped `--data` is named, not served.

`serve` creates its data directory; `export`, `events`, `verify`, `rebuild` and `compact` open the log in it, and
opening would create an empty store that answers "not found" for every session instead of naming the typo.
"""

from pathlib import Path

import pytest

from daemon import run_cli


@pytest.mark.parametrize("command", [
    ["export", "s1"], ["events", "s1"], ["verify"], ["rebuild"], ["compact", "--dry-run"],
])
def test_a_missing_data_directory_is_named_and_not_created(tmp_path: Path, command):
    missing = tmp_path / "typo"
    result = run_cli(*command, "--data", str(missing))
    assert result.returncode == 1, result.stderr
    assert f"no data directory at {missing}" in result.stderr
    assert not missing.exists()
