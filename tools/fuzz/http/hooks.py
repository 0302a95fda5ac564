"""Schemathesis hooks for tools/fuzz/http/run: a rejected request must change nothing.

Before each call the log's end position is read from /v1/events (SESSIOND_URL); after a 4xx answer it must be
the same. Run with one worker, or another worker's writes would move the end.
"""

import json
import os
import urllib.request

import schemathesis

BASE = os.environ["SESSIOND_URL"]
_ends: dict[int, int] = {}


def log_end() -> int:
    with urllib.request.urlopen(BASE + "/v1/events?limit=1", timeout=10) as response:
        return json.load(response)["end"]


@schemathesis.hook
def before_call(ctx, case, kwargs):
    _ends[id(case)] = log_end()


@schemathesis.check
def rejected_requests_change_nothing(ctx, response, case):
    before = _ends.pop(id(case), None)
    if before is None or not 400 <= response.status_code < 500:
        return None
    after = log_end()
    if after != before:
        raise AssertionError(
            f"{case.method} {case.formatted_path} was refused with {response.status_code} "
            f"but the log moved from {before} to {after}")
    return None
