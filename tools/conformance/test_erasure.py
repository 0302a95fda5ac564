"""Permanent deletion end to end (docs/reliability.md, "Permanent deletion"): a marker string written into a
session's title, messages, tool results, memory and files is, once the session is deleted and compacted, in no
file under the data directory — raw bytes, decompressed log records, projection database and WAL, blobs, audit
history — while every other session reads back byte for byte as before and `sessiond verify` passes.

Each test runs its own daemon on its own data directory (daemon.py).
"""

import json
import os
import re
import subprocess
import time
import uuid
from pathlib import Path

import httpx
import pytest

from daemon import Daemon
import pgpages
from logreader import read_log

# The file-log tests read segment files; the PostgreSQL tests read the server's pages (pgpages.py).
LOG = os.environ.get("SESSIOND_CONFORMANCE_LOG", "")
TWO_NODES = os.environ.get("SESSIOND_CONFORMANCE_NODES", "1") == "2"
file_log_only = pytest.mark.skipif(bool(LOG), reason="reads the segment files of the file log")

BROWSER = "local-browser-service"
# Small segments: the deleted sessions' records are spread over many sealed segments.
SERVE_ARGS = ("--segment-size", "4096")


def new_marker() -> str:
    return "ERASE-ME-" + uuid.uuid4().hex.upper()


def files_containing(root: Path, needle: bytes) -> list[str]:
    found = []
    for path in sorted(root.rglob("*")):
        if path.is_file() and needle in path.read_bytes():
            found.append(str(path.relative_to(root)))
    return found


def sessiond(daemon: Daemon, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    log = ("--log", daemon.log) if daemon.log else ()
    result = subprocess.run([daemon.binary, *args, "--data", str(daemon.data), *log], capture_output=True, text=True,
                            timeout=300)
    if check:
        assert result.returncode == 0, f"sessiond {' '.join(args)}: {result.returncode}\n{result.stdout}\n{result.stderr}"
    return result


def mixpeek_headers(namespace: str) -> dict:
    return {"Authorization": "Bearer sk_test", "X-Namespace": namespace}


def mix_session(http: httpx.Client, title: str, text: str, tool_result: str, files: dict[str, bytes]) -> str:
    """A Mix session with a title, a user message, an assistant tool call and its result, and files."""
    created = http.post("/api/sessions", json={"title": title, "browserMode": BROWSER})
    assert created.status_code == 201, created.text
    session = created.json()["id"]
    sent = http.post(f"/api/sessions/{session}/messages", json={"text": text})
    assert sent.status_code == 202, sent.text
    call = "call_" + uuid.uuid4().hex[:8]
    assistant = http.post(f"/v1/sessions/{session}/events", json={
        "type": "message", "role": "assistant", "text": f"looking at {text}",
        "toolCalls": [{"id": call, "name": "Read", "input": json.dumps({"path": text})}]})
    assert assistant.status_code == 201, assistant.text
    result = http.post(f"/v1/sessions/{session}/events",
                       json={"type": "tool_result", "toolCallId": call, "result": tool_result})
    assert result.status_code == 201, result.text
    for name, content in files.items():
        uploaded = http.post(f"/api/sessions/{session}/files/upload",
                             files={"file": (name, content, "text/plain")})
        assert uploaded.status_code == 201, uploaded.text
    return session


def mixpeek_session(http: httpx.Client, namespace: str, prompt: str, memory: str, text: str) -> str:
    created = http.post("/v1/agents/sessions", headers=mixpeek_headers(namespace), json={
        "agent_config": {"system_prompt": prompt}, "user_memory": {"note": memory}, "metadata": {"ticket": memory}})
    assert created.status_code in (200, 201), created.text
    session = created.json()["session_id"]
    appended = http.post(f"/v1/sessions/{session}/events",
                         json={"type": "message", "role": "user", "text": text})
    assert appended.status_code == 201, appended.text
    return session


def snapshot(http: httpx.Client, mix: list[str], mixpeek: list[tuple[str, str]]) -> dict:
    """Every read of the surviving sessions, to compare before and after compaction: file downloads as raw
    bytes, JSON answers parsed (the daemon's key order differs from one process to the next)."""
    reads = {}
    for session in mix:
        for path in (f"/api/sessions/{session}", f"/api/sessions/{session}/messages",
                     f"/api/sessions/{session}/export", f"/api/sessions/{session}/files",
                     f"/v1/sessions/{session}", f"/v1/sessions/{session}/export", f"/v1/sessions/{session}/events"):
            reads[path] = http.get(path).content
        for info in http.get(f"/api/sessions/{session}/files").json():
            path = f"/api/sessions/{session}/files/{info['name']}"
            reads[path] = http.get(path).content
    for session, namespace in mixpeek:
        for path in (f"/v1/agents/sessions/{session}", f"/v1/agents/sessions/{session}/history"):
            reads[path] = http.get(path, headers=mixpeek_headers(namespace)).content
    for path, body in reads.items():
        assert body and not body.startswith(b'{"error"'), f"{path}: {body[:200]!r}"
        if "/files/" not in path:
            reads[path] = json.loads(body)
    return reads


def records_by_position(directory: Path) -> dict[int, object]:
    return {record.position: record for record in read_log(directory)}


def check_erased(daemon: Daemon, marker: str, deleted: set[str], before: dict[int, object]):
    """The log's records after compaction: the deleted sessions hold only `event.erased` and their tombstone;
    every other record is exactly as before; no record anywhere holds the marker."""
    after = records_by_position(daemon.data)
    assert set(after) == set(before), "compaction must keep every position"
    for position, record in after.items():
        assert marker.encode() not in record.body, f"record {position} still holds the marker"
        assert not any(marker in key or marker in value for key, value in record.metadata.items())
        old = before[position]
        assert (record.stream, record.version, record.recorded_at, record.event_id) == \
               (old.stream, old.version, old.recorded_at, old.event_id)
        if record.stream in deleted and old.type != "session.deleted":
            assert record.type == "event.erased"
            assert json.loads(record.body) == {"erasedType": old.type, "erasedSchemaVersion": old.schema_version}
            assert set(record.metadata) <= {"actor.key", "request.id"}
        else:
            assert record == old, f"record {position} of a kept session changed"
    assert files_containing(daemon.data, marker.encode()) == []
    for session in deleted:
        history = sessiond(daemon, "events", session, "--json").stdout
        assert marker not in history
        types = [json.loads(line)["type"] for line in history.splitlines()]
        assert types[-1] == "session.deleted" and set(types[:-1]) == {"event.erased"}


@file_log_only
def test_compact_erases_deleted_sessions_and_keeps_the_rest():
    marker = new_marker()
    shared = b"bytes two sessions uploaded, one of them deleted later"
    daemon = Daemon(extra_args=(*SERVE_ARGS, "--compact-interval", "0"))
    daemon.start()
    try:
        with httpx.Client(base_url=daemon.url, timeout=30) as http:
            doomed_mix = mix_session(http, f"title {marker}", f"user text {marker}", f"tool output {marker}",
                                     {f"notes-{marker}.txt": f"file body {marker}".encode(), "shared.txt": shared})
            kept_mix = mix_session(http, "kept title", "kept text", "kept output", {"shared.txt": shared})
            doomed_peek = mixpeek_session(http, "ns_erase", f"prompt {marker}", f"memory {marker}", f"said {marker}")
            # Mixpeek DELETE terminates (its contract): the session and its content stay.
            kept_peek = mixpeek_session(http, "ns_erase", "kept prompt", "kept memory", "kept words")
            terminated = http.delete(f"/v1/agents/sessions/{kept_peek}", headers=mixpeek_headers("ns_erase"))
            assert terminated.status_code == 200 and terminated.json()["status"] == "terminated"
            http.delete(f"/v1/agents/sessions/{doomed_peek}", headers=mixpeek_headers("ns_erase"))
            for _ in range(30):  # more records, so the sealed segments hold more than the doomed sessions
                http.post(f"/v1/sessions/{kept_mix}/events",
                          json={"type": "message", "role": "assistant", "text": "x" * 200})
            reads = snapshot(http, [kept_mix], [(kept_peek, "ns_erase")])

            # Permanent deletion is Mix DELETE, for a session made through either API.
            for session in (doomed_mix, doomed_peek):
                assert http.delete(f"/api/sessions/{session}").status_code == 204
                assert http.get(f"/api/sessions/{session}").status_code == 404
        assert daemon.stop() == 0

        before = records_by_position(daemon.data)
        assert any(marker.encode() in record.body for record in before.values()), "the marker must be in the log"
        assert files_containing(daemon.data / "blobs", marker.encode()), "the marker must be in a blob"

        dry = sessiond(daemon, "compact", "--dry-run").stdout
        assert "2 deleted sessions await erasure" in dry and doomed_mix in dry and doomed_peek in dry
        assert "1 unreferenced blobs to remove" in dry
        assert records_by_position(daemon.data) == before, "a dry run changes nothing"

        summary = sessiond(daemon, "compact").stdout
        assert "2 sessions erased" in summary and "blobs: 1 removed" in summary and "WAL truncated" in summary
        check_erased(daemon, marker, {doomed_mix, doomed_peek}, before)
        verified = sessiond(daemon, "verify")
        assert "matches a rebuild" in verified.stdout
        # Nothing is left to do, and doing it again changes nothing.
        assert "0 deleted sessions await erasure" in sessiond(daemon, "compact", "--dry-run").stdout

        daemon.start()
        with httpx.Client(base_url=daemon.url, timeout=30) as http:
            assert snapshot(http, [kept_mix], [(kept_peek, "ns_erase")]) == reads
            for session in (doomed_mix, doomed_peek):
                assert http.get(f"/api/sessions/{session}").status_code == 404
                assert http.get(f"/v1/sessions/{session}").status_code == 404
            assert http.get(f"/v1/agents/sessions/{doomed_peek}",
                            headers=mixpeek_headers("ns_erase")).status_code == 404
            # The erased records still read through the global log, as erased.
            page = http.get("/v1/events", params={"after": 0, "limit": 1000}).json()
            assert marker not in json.dumps(page)
    finally:
        daemon.stop()


@file_log_only
def test_the_daemon_compacts_periodically_while_serving():
    marker = new_marker()
    daemon = Daemon(extra_args=(*SERVE_ARGS, "--compact-interval", "1", "--compact-blob-grace", "0"))
    daemon.start()
    try:
        with httpx.Client(base_url=daemon.url, timeout=30) as http:
            kept = mix_session(http, "kept", "kept text", "kept output", {"kept.txt": b"kept bytes"})
            doomed = mix_session(http, f"title {marker}", f"text {marker}", f"output {marker}",
                                 {"secret.txt": f"secret {marker}".encode()})
            for _ in range(30):
                http.post(f"/v1/sessions/{kept}/events", json={"type": "message", "role": "assistant", "text": "y" * 200})
            reads = snapshot(http, [kept], [])
            before = records_by_position(daemon.data)
            assert http.delete(f"/api/sessions/{doomed}").status_code == 204
            # Readers and writers keep working while the daemon erases (it logs a line once a run erased).
            deadline = time.monotonic() + 60
            while "erased permanently deleted sessions" not in daemon.log_path.read_text():
                assert time.monotonic() < deadline, "the daemon did not compact within 60 s"
                assert http.get(f"/api/sessions/{kept}").status_code == 200
                assert http.post(f"/v1/sessions/{kept}/events",
                                 json={"type": "message", "role": "user", "text": "during"}).status_code == 201
                time.sleep(0.2)
            assert files_containing(daemon.data, marker.encode()) == [], "erased while the daemon still runs"
            assert http.get(f"/api/sessions/{doomed}").status_code == 404
        assert daemon.stop() == 0
        after = records_by_position(daemon.data)
        check_erased(daemon, marker, {doomed}, {p: r for p, r in after.items() if p not in before} | before)
        assert "matches a rebuild" in sessiond(daemon, "verify").stdout
        daemon.start()
        with httpx.Client(base_url=daemon.url, timeout=30) as http:
            current = snapshot(http, [kept], [])
            # The kept session gained the messages appended meanwhile; everything read before is unchanged.
            for path in (f"/api/sessions/{kept}/files", f"/api/sessions/{kept}/files/kept.txt"):
                assert current[path] == reads[path]
    finally:
        daemon.stop()


def delete_and_create_again(http: httpx.Client, marker: str) -> tuple[str, dict]:
    """A native session holding the marker, deleted, then created again under its id (decision 0177) and written to;
    its id and every read of the new session."""
    session = "again-" + uuid.uuid4().hex[:8]
    created = http.post("/v1/sessions", json={"sessionId": session, "title": f"title {marker}"})
    assert created.status_code == 201, created.text
    said = http.post(f"/v1/sessions/{session}/events", json={"type": "message", "role": "user", "text": f"said {marker}"})
    assert said.status_code == 201, said.text
    assert http.delete(f"/api/sessions/{session}").status_code == 204
    again = http.post("/v1/sessions", json={"sessionId": session, "title": "fresh title"})
    assert again.status_code == 201 and again.json()["version"] == 4, again.text
    for i in range(20):
        appended = http.post(f"/v1/sessions/{session}/events",
                             json={"type": "message", "role": "assistant", "text": f"fresh {i} " + "x" * 200})
        assert appended.status_code == 201, appended.text
    reads = {path: http.get(path).json() for path in (
        f"/v1/sessions/{session}", f"/v1/sessions/{session}/export", f"/v1/sessions/{session}/events")}
    assert marker not in json.dumps(reads)
    assert [event["version"] for event in reads[f"/v1/sessions/{session}/events"]] == list(range(4, 25))
    return session, reads


def check_only_the_deleted_incarnation_erased(marker: str, session: str, before: dict, after: dict,
                                               others_kept: bool = True):
    """Every record of the session before its tombstone is `event.erased`; the tombstone and every record after it
    (the session created again) are as before, and so is every other record when `others_kept` (a log no other
    test deletes sessions in); no record holds the marker."""
    tombstone = next(r.version for r in before.values() if r.stream == session and r.type == "session.deleted")
    assert set(after) == set(before), "compaction must keep every position"
    for position, record in after.items():
        old = before[position]
        assert marker.encode() not in record.body, f"record {position} still holds the marker"
        if record.stream == session and old.version < tombstone:
            assert record.type == "event.erased" and (record.stream, record.version) == (old.stream, old.version)
        elif record.stream == session or others_kept:
            assert record == old, f"record {position} ({old.stream} {old.type}) changed"


@file_log_only
def test_compact_keeps_the_session_created_again_under_a_deleted_ones_id():
    marker = new_marker()
    daemon = Daemon(extra_args=(*SERVE_ARGS, "--compact-interval", "0"))
    daemon.start()
    try:
        with httpx.Client(base_url=daemon.url, timeout=30) as http:
            session, reads = delete_and_create_again(http, marker)
        assert daemon.stop() == 0
        before = records_by_position(daemon.data)
        assert any(marker.encode() in record.body for record in before.values()), "the marker must be in the log"
        assert "1 sessions erased" in sessiond(daemon, "compact").stdout
        check_only_the_deleted_incarnation_erased(marker, session, before, records_by_position(daemon.data))
        assert files_containing(daemon.data, marker.encode()) == []
        assert "matches a rebuild" in sessiond(daemon, "verify").stdout
        assert "0 deleted sessions await erasure" in sessiond(daemon, "compact", "--dry-run").stdout
        daemon.start()
        with httpx.Client(base_url=daemon.url, timeout=30) as http:
            assert {path: http.get(path).json() for path in reads} == reads
    finally:
        daemon.stop()


def check_erased_in_postgres(marker: str, deleted: set[str]):
    """No page of any sessiond relation holds the marker, no tuple version (live or dead) of the frame table decodes
    to a record holding it, and the deleted sessions' stored records are `event.erased` but the tombstone."""
    assert pgpages.files_containing(LOG, marker.encode()) == []
    records = pgpages.stored_records(LOG)
    assert not [r.position for r in records if marker.encode() in r.body or marker in json.dumps(r.metadata)]
    doomed = [r for r in records if r.stream in deleted]
    assert doomed and {r.type for r in doomed} == {"event.erased", "session.deleted"}


@pytest.mark.skipif(not LOG.startswith("postgres") or TWO_NODES, reason="the PostgreSQL store, one node")
def test_compact_erases_deleted_sessions_from_postgres_pages():
    marker = new_marker()
    daemon = Daemon(extra_args=("--compact-interval", "0"))
    daemon.start()
    try:
        with httpx.Client(base_url=daemon.url, timeout=30) as http:
            doomed = mix_session(http, f"title {marker}", f"user text {marker}", f"tool output {marker}",
                                 {"notes.txt": f"file body {marker}".encode()})
            kept = mix_session(http, "kept title", "kept text", "kept output", {"kept.txt": b"kept bytes"})
            reads = snapshot(http, [kept], [])
            assert http.delete(f"/api/sessions/{doomed}").status_code == 204
        assert daemon.stop() == 0
        assert [r for r in pgpages.stored_records(LOG) if marker.encode() in r.body], \
            "the marker must be in a stored frame before compaction"

        # The database may be shared with the suite's other nodes, whose tests delete sessions too. The file's blob
        # is in the shared `blob` table, whose default grace period (other nodes may be uploading) would keep it.
        dry = sessiond(daemon, "compact", "--dry-run", "--blob-grace", "0").stdout
        assert doomed in dry and re.search(r"[1-9]\d* unreferenced blobs to remove", dry), dry
        summary = sessiond(daemon, "compact", "--blob-grace", "0").stdout
        assert re.search(r"\d+ sessions erased, \d+ records rewritten in \d+ of \d+ frames", summary), summary
        assert "VACUUM FULL took" in summary, summary
        assert re.search(r"blobs: [1-9]\d* removed", summary), summary
        check_erased_in_postgres(marker, {doomed})
        assert files_containing(daemon.data, marker.encode()) == []
        history = sessiond(daemon, "events", doomed, "--json").stdout
        types = [json.loads(line)["type"] for line in history.splitlines()]
        assert marker not in history and types[-1] == "session.deleted" and set(types[:-1]) == {"event.erased"}
        assert "matches a rebuild" in sessiond(daemon, "verify").stdout
        assert "0 deleted sessions await erasure" in sessiond(daemon, "compact", "--dry-run").stdout

        daemon.start()
        with httpx.Client(base_url=daemon.url, timeout=30) as http:
            assert snapshot(http, [kept], []) == reads
            assert http.get(f"/api/sessions/{doomed}").status_code == 404
            # The log still takes appends after the table rewrite, chained to the rewritten frames.
            assert http.post(f"/v1/sessions/{kept}/events",
                             json={"type": "message", "role": "user", "text": "after"}).status_code == 201
        assert daemon.stop() == 0
        assert "matches a rebuild" in sessiond(daemon, "verify").stdout
    finally:
        daemon.stop()


@pytest.mark.skipif(not LOG.startswith("postgres") or TWO_NODES, reason="the PostgreSQL store, one node")
def test_compact_keeps_the_session_created_again_on_postgres():
    marker = new_marker()
    daemon = Daemon(extra_args=("--compact-interval", "0"))
    daemon.start()
    try:
        with httpx.Client(base_url=daemon.url, timeout=30) as http:
            session, reads = delete_and_create_again(http, marker)
        assert daemon.stop() == 0
        before = {record.position: record for record in pgpages.stored_records(LOG)}
        summary = sessiond(daemon, "compact", "--blob-grace", "0").stdout
        assert re.search(r"\d+ sessions erased", summary), summary
        after = {record.position: record for record in pgpages.stored_records(LOG)}
        # The database may be shared with other tests, whose deleted sessions this compaction erases too.
        check_only_the_deleted_incarnation_erased(marker, session, before, after, others_kept=False)
        assert pgpages.files_containing(LOG, marker.encode()) == []
        assert "matches a rebuild" in sessiond(daemon, "verify").stdout
        daemon.start()
        with httpx.Client(base_url=daemon.url, timeout=30) as http:
            assert {path: http.get(path).json() for path in reads} == reads
    finally:
        daemon.stop()


@pytest.mark.skipif(not LOG.startswith("postgres") or not TWO_NODES, reason="the PostgreSQL store, two nodes")
def test_every_node_scrubs_its_projection_after_a_compaction_on_postgres():
    """Two nodes erase periodically: the session is written on one, deleted on the other; the first node to run
    compacts the shared log, the other finds nothing left to rewrite there and still scrubs its own projection
    (it learned of the deletion from the tombstone it replayed, decision 0060)."""
    marker = new_marker()
    args = ("--compact-interval", "1", "--compact-blob-grace", "0")
    first, second = Daemon(extra_args=args), Daemon(extra_args=args)
    first.start()
    second.start()
    try:
        with httpx.Client(base_url=first.url, timeout=30) as one, httpx.Client(base_url=second.url, timeout=30) as two:
            kept = mix_session(one, "kept", "kept text", "kept output", {})
            doomed = mix_session(one, f"title {marker}", f"text {marker}", f"output {marker}",
                                 {"secret.txt": f"secret {marker}".encode()})
            position = one.get(f"/api/sessions/{doomed}").headers["Sessiond-Position"]
            assert two.get(f"/api/sessions/{doomed}", headers={"Sessiond-Position": position}).status_code == 200
            assert two.delete(f"/api/sessions/{doomed}").status_code == 204
            deadline = time.monotonic() + 60
            for node in (first, second):
                # Wait for a run that erased sessions (one that only removed blobs logs the same line) and for the
                # marker to be gone: the nodes also replay the tombstones earlier tests left in the shared log, so
                # their first such run can be about those, before this deletion reached them.
                while (left := files_containing(node.data, marker.encode())) or not any(
                        "erased permanently deleted sessions" in line and re.search(r"erasure\.sessions=[1-9]", line)
                        for line in node.log_path.read_text().splitlines()):
                    assert time.monotonic() < deadline, f"node {node.url} did not erase within 60 s; marker in {left}"
                    assert two.post(f"/v1/sessions/{kept}/events",
                                    json={"type": "message", "role": "user", "text": "during"}).status_code == 201
                    time.sleep(0.2)
            assert one.get(f"/api/sessions/{doomed}").status_code == 404
        assert first.stop() == 0 and second.stop() == 0
        check_erased_in_postgres(marker, {doomed})
        assert "matches a rebuild" in sessiond(first, "verify").stdout
        assert "matches a rebuild" in sessiond(second, "verify").stdout
    finally:
        first.stop()
        second.stop()
