"""Starts a daemon and runs `schemathesis run` against its /openapi.json (see tools/fuzz/http/run)."""

import os
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1] / "conformance"))
from daemon import Daemon  # noqa: E402


def main() -> int:
    with Daemon() as daemon:
        try:
            with urllib.request.urlopen(daemon.url + "/openapi.json", timeout=10) as response:
                response.read()
        except urllib.error.HTTPError as error:
            print(f"fuzz http: the daemon serves no OpenAPI document yet (/openapi.json: {error.code}); "
                  "nothing to fuzz", file=sys.stderr)
            return 2
        env = dict(os.environ, SESSIOND_URL=daemon.url, SCHEMATHESIS_HOOKS="hooks",
                   PYTHONPATH=str(HERE) + os.pathsep + os.environ.get("PYTHONPATH", ""))
        command = [str(Path(sys.executable).with_name("schemathesis")), "run", daemon.url + "/openapi.json",
                   "--url", daemon.url, "--workers", "1",
                   "--checks", "not_a_server_error,response_schema_conformance,rejected_requests_change_nothing",
                   "--header", "Authorization: Bearer fuzz", "--header", "X-Namespace: fuzz", *sys.argv[1:]]
        status = subprocess.run(command, env=env).returncode
        if daemon.stop() != 0:
            print(f"fuzz http: the daemon did not shut down cleanly; see {daemon.log_path}", file=sys.stderr)
            return 1
        return status


if __name__ == "__main__":
    sys.exit(main())
