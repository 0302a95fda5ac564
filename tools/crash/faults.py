#!/usr/bin/env python3
"""Daemon-level fault checks against a real `sessiond serve`:
  - a flipped byte or a truncated sealed segment: `serve` refuses to start, naming the file and offset on stderr;
  - a deleted or garbage projection database: rebuilt on start, with a log line, and `verify` agrees;
  - a missing compression dictionary that frames name: `serve` refuses to start, naming the file;
  - a full disk (a small tmpfs, root only; skipped with a message otherwise): appends fail with 507 and a
    clear message in the native, Mix and Mixpeek envelopes, nothing acknowledged is damaged, and appends
    work again once space returns, without a restart.

Usage: tools/crash/faults [--keep]   (SESSIOND_BIN picks the binary). Exit status 1 when any check failed.
"""

import argparse
import errno
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "conformance"))
from daemon import Daemon, binary, free_port, run_cli
from logreader import read_log

MIXPEEK = {"Authorization": "Bearer faults", "X-Namespace": "faults"}


class Checks:
    def __init__(self):
        self.passed = 0
        self.failed = 0

    def expect(self, ok, what):
        if ok:
            self.passed += 1
        else:
            self.failed += 1
        print(("ok   " if ok else "FAIL ") + what, flush=True)
        return ok


def segments(data: Path) -> list:
    return sorted(data.glob("*.seg"))


def projection_file(data: Path) -> Path:
    return data / os.readlink(data / "projection.sqlite")


def populate(work: Path, name: str, messages: int = 60):
    """A stopped daemon's data directory holding one session with `messages` native messages, in several
    4 KiB segments. Returns the data directory and the acknowledged (position, text) pairs."""
    data = work / name
    server = Daemon(durability="fsync", extra_args=["--segment-size", "4096"], data=data, log_path=work / f"{name}.log")
    server.start()
    status, session = server.request("POST", "/api/sessions", {"title": name, "browserMode": "local-browser-service"})
    assert status == 201, (status, session)
    acked = []
    for n in range(messages):
        text = f"{name} message {n} " + "y" * 150
        status, body = server.request(
            "POST", f"/v1/sessions/{session['id']}/events", {"type": "message", "role": "assistant", "text": text})
        assert status == 201, (status, body)
        acked.append((body["positions"][0], text))
    assert server.stop() == 0
    return data, acked


def refuses_to_start(checks: Checks, data: Path, damaged: Path, what: str):
    result = run_cli("serve", "--data", str(data), "--port", str(free_port()), timeout=60)
    checks.expect(result.returncode != 0, f"{what}: serve exits nonzero (exit {result.returncode})")
    checks.expect(damaged.name in result.stderr and "offset" in result.stderr,
                  f"{what}: stderr names {damaged.name} and the offset: {result.stderr.strip()[-300:]}")


def check_corrupt_segments(checks: Checks, work: Path):
    original, _ = populate(work, "segments")
    sealed = segments(original)
    checks.expect(len(sealed) >= 3, f"the populated log has sealed segments ({len(sealed)} segments)")

    flipped = work / "flipped"
    shutil.copytree(original, flipped)
    target = flipped / sealed[0].name
    raw = bytearray(target.read_bytes())
    raw[len(raw) // 2] ^= 0x5A
    target.write_bytes(raw)
    refuses_to_start(checks, flipped, target, "a flipped byte in a sealed segment")

    truncated = work / "truncated"
    shutil.copytree(original, truncated)
    target = truncated / sealed[0].name
    os.truncate(target, target.stat().st_size - 7)
    refuses_to_start(checks, truncated, target, "a truncated sealed segment")


def check_projection_rebuilt(checks: Checks, work: Path, damage: str):
    data, acked = populate(work, f"projection-{damage}", messages=10)
    target = projection_file(data)
    if damage == "deleted":
        target.unlink()
        expected_line = "projection database not found; rebuilding from the log"
    else:
        target.write_bytes(b"this is not a SQLite database" * 100)
        expected_line = "projection database is not a readable SQLite database; rebuilding from the log"
    log_path = work / f"projection-{damage}.restart.log"
    server = Daemon(durability="fsync", data=data, log_path=log_path)
    try:
        server.start()
        checks.expect(expected_line in log_path.read_text(), f"{damage} projection database: start logs '{expected_line}'")
        status, page = server.request("GET", "/api/sessions")
        checks.expect(status == 200 and len(page) == 1, f"{damage} projection database: the session is served again")
        events = {e["position"]: e["data"].get("text") for e in server.all_events()}
        checks.expect(all(events.get(p) == t for p, t in acked), f"{damage} projection database: every acknowledged event reads back")
        checks.expect(server.stop() == 0, f"{damage} projection database: clean shutdown")
    finally:
        server.kill()
    result = run_cli("verify", "--data", str(data))
    checks.expect(result.returncode == 0, f"{damage} projection database: verify passes after the rebuild: {result.stdout.strip()}")


def check_missing_dictionary(checks: Checks, work: Path):
    """A compression dictionary file removed from a log whose frames name it: `serve` refuses to start and
    names the file (the log cannot decode those frames, so it must not serve them or cut them off)."""
    data = work / "dictionary"
    server = Daemon(durability="fsync", data=data, log_path=work / "dictionary.log")
    rng = random.Random(7)
    words = [f"{rng.choice(['tool', 'file', 'step', 'plan', 'read', 'edit'])}{n}" for n in range(400)]
    try:
        server.start()
        status, session = server.request("POST", "/api/sessions", {"title": "dictionary", "browserMode": "local-browser-service"})
        assert status == 201, (status, session)
        path = f"/v1/sessions/{session['id']}/events"
        # The log trains its dictionary once 4 MiB of records were sampled; then a few frames that use it.
        deadline = time.monotonic() + 180
        while not list(data.glob("dict-*.zdict")):
            text = " ".join(rng.choice(words) for _ in range(1500))
            status, body = server.request("POST", path, {"type": "message", "role": "assistant", "text": text})
            assert status == 201, (status, body)
            assert time.monotonic() < deadline, "no dictionary was trained within 180 s"
        for _ in range(5):
            status, body = server.request("POST", path, {"type": "message", "role": "assistant", "text": " ".join(words[:300])})
            assert status == 201, (status, body)
        checks.expect(server.stop() == 0, "a missing dictionary: the populating daemon shut down cleanly")
    finally:
        server.kill()
    dictionary = sorted(data.glob("dict-*.zdict"))[0]
    dictionary.unlink()
    result = run_cli("serve", "--data", str(data), "--port", str(free_port()), timeout=60)
    checks.expect(result.returncode != 0, f"a missing dictionary: serve exits nonzero (exit {result.returncode})")
    checks.expect(dictionary.name in result.stderr,
                  f"a missing dictionary: stderr names {dictionary.name}: {result.stderr.strip()[-300:]}")


def check_compaction_killed(checks: Checks, work: Path, cycles: int = 10):
    """SIGKILL `sessiond compact` at random moments: the log must open whatever step the kill hit (each
    segment is the old file or the new one, both valid), acknowledged events of live sessions read back
    unchanged, and a later complete run leaves the deleted sessions erased and `verify` passing."""
    template = work / "compact-template"
    server = Daemon(durability="fsync", extra_args=["--segment-size", "4096"], data=template,
                    log_path=work / "compact-template.log")
    server.start()
    kept, deleted = {}, []
    for n in range(6):
        status, session = server.request("POST", "/api/sessions", {"title": f"compact {n}", "browserMode": "local-browser-service"})
        assert status == 201, (status, session)
        for m in range(15):
            text = f"compact-marker-{n} message {m} " + "z" * 120
            status, body = server.request(
                "POST", f"/v1/sessions/{session['id']}/events", {"type": "message", "role": "assistant", "text": text})
            assert status == 201, (status, body)
            if n % 2 == 0:
                kept[body["positions"][0]] = text
        if n % 2 == 1:
            deleted.append(session["id"])
    for sid in deleted:
        status, _ = server.request("DELETE", f"/api/sessions/{sid}")
        assert status in (200, 204), status
    assert server.stop() == 0

    def compact(data: Path) -> subprocess.Popen:
        return subprocess.Popen([binary(), "compact", "--data", str(data)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    timing = work / "compact-timing"
    shutil.copytree(template, timing)
    started = time.monotonic()
    checks.expect(compact(timing).wait(timeout=120) == 0, "compaction: a complete run succeeds")
    duration = time.monotonic() - started
    rng = random.Random(2026)
    landed = 0
    for cycle in range(cycles):
        data = work / f"compact-killed-{cycle}"
        shutil.copytree(template, data)
        process = compact(data)
        time.sleep(rng.uniform(0, duration))
        process.send_signal(signal.SIGKILL)
        process.wait()
        touched = any((data / f.name).exists() is False or (data / f.name).read_bytes() != f.read_bytes()
                      for f in template.glob("*.seg")) or any(data.glob("*.compact"))
        landed += touched
        what = f"compaction killed at {cycle + 1}/{cycles} ({'after' if touched else 'before'} it rewrote a file)"
        server = Daemon(durability="fsync", data=data, log_path=work / f"compact-killed-{cycle}.log")
        try:
            server.start()
            by_position = {e["position"]: e for e in server.all_events()}
            checks.expect(all(by_position.get(p, {}).get("data", {}).get("text") == t for p, t in kept.items()),
                          f"{what}: the log opens and every acknowledged event of a live session reads back unchanged")
            checks.expect(server.stop() == 0, f"{what}: clean shutdown")
        finally:
            server.kill()
        checks.expect(compact(data).wait(timeout=120) == 0, f"{what}: a second run completes")
        result = run_cli("verify", "--data", str(data))
        checks.expect(result.returncode == 0, f"{what}: verify passes after it: {result.stdout.strip()[-200:]}")
        records = read_log(data)  # an independent reader of the bytes (docs/log-format.md), frames decompressed
        left = [r.position for r in records if any(f"compact-marker-{n} ".encode() in r.body for n in (1, 3, 5))]
        live = {r.position: r.body for r in records}
        checks.expect(not left and all(t.encode() in live.get(p, b"") for p, t in kept.items()),
                      f"{what}: the deleted sessions' text is gone from every record, the live sessions' is intact")
    print(f"compaction kills that landed after a file was rewritten: {landed} of {cycles}", flush=True)


def fill(directory: Path) -> Path:
    """Writes a file into `directory` until the filesystem is full; returns it."""
    filler = directory / "filler"
    with open(filler, "wb") as out:
        try:
            while True:
                out.write(b"\0" * (64 << 10))
                out.flush()
        except OSError as error:
            if error.errno != errno.ENOSPC:
                raise
    return filler


def check_disk_full(checks: Checks, work: Path):
    if os.geteuid() != 0:
        print("SKIP full disk: mounting a tmpfs needs root (CI runs as root)")
        return
    mount = work / "small-disk"
    mount.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", str(mount)], capture_output=True, text=True)
    if mounted.returncode != 0:
        print(f"SKIP full disk: cannot mount a tmpfs here ({mounted.stderr.strip()})")
        return
    server = Daemon(durability="fsync", extra_args=["--segment-size", "65536"], data=mount / "data", log_path=work / "disk-full.log")
    try:
        server.start()
        status, session = server.request("POST", "/api/sessions", {"title": "full", "browserMode": "local-browser-service"})
        sid = session["id"]
        acked, refused = [], []

        def append(text, timeout=10):
            try:
                status, body = server.request(
                    "POST", f"/v1/sessions/{sid}/events", {"type": "message", "role": "assistant", "text": text}, timeout=timeout)
            except OSError:
                return None, None  # no answer in time: in flight, neither acknowledged nor refused
            if status == 201:
                acked.append((body["positions"][0], text))
            return status, body

        for n in range(20):
            append(f"before full {n}")
        filler = fill(mount)
        answers = [append(f"while full {n} " + "z" * 2000, timeout=3) for n in range(40)]
        full = [(s, b) for s, b in answers if s == 507]
        # 507 from the log means nothing was recorded; from the projections (SQLite full first), that the
        # change may be in the log but could not be applied yet.
        refused = [f"while full {n} " for n, (s, b) in enumerate(answers)
                   if s == 507 and "nothing was recorded" in b["error"]["message"]]
        checks.expect(len(refused) > 0, f"a full disk: native appends answer 507, nothing recorded ({[s for s, _ in answers]})")
        checks.expect(all(b and b.get("error", {}).get("code") == "insufficient_storage" and "disk is full" in b["error"]["message"]
                          for _, b in full), f"a full disk: native envelope says insufficient_storage, disk is full: {full[:1]}")
        status, body = server.request("POST", f"/api/sessions/{sid}/messages", {"text": "mix while full"}, timeout=3)
        checks.expect(status == 507 and "disk is full" in str(body), f"a full disk: Mix append answers 507 with a clear message: {status} {body}")
        status, body = server.request("POST", "/v1/agents/sessions", {"agent_config": {}}, timeout=3, headers=MIXPEEK)
        checks.expect(status == 507 and body and body.get("status") == 507 and "disk is full" in body["error"]["message"],
                      f"a full disk: Mixpeek create answers 507 in its envelope: {status} {body}")
        try:
            status, body = server.upload(sid, "full.bin", b"f" * (1 << 20), timeout=3)
        except OSError as error:
            status, body = None, str(error)
        checks.expect(status == 507 and "file was not stored" in str(body),
                      f"a full disk: a file upload answers 507, not stored: {status} {body}")

        filler.unlink()
        # The replay loop retries once a second; until it has, a writer hears 507 "may be recorded", so the
        # client retries with the same Idempotency-Key, as the message says.
        deadline = time.monotonic() + 15
        while True:
            status, body = server.request(
                "POST", f"/v1/sessions/{sid}/events", {"type": "message", "role": "assistant", "text": "after space returned"},
                timeout=10, headers={"Idempotency-Key": "after-space-returned"})
            if status in (200, 201) or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        if status in (200, 201):
            acked.append((body["positions"][0], "after space returned"))
        checks.expect(status in (200, 201), f"space returned: appends are acknowledged again without a restart ({status} {body})")
        try:
            status, _ = server.upload(sid, "full.bin", b"f" * (1 << 20), timeout=10)
        except OSError:
            status = None
        fetched = server.request("GET", f"/api/sessions/{sid}/files", timeout=10)
        checks.expect(status == 201 and fetched[0] == 200 and [f["name"] for f in fetched[1]] == ["full.bin"],
                      f"space returned: the refused upload succeeds when sent again and lists alone ({status} {fetched})")
        events = server.all_events()
        by_position = {e["position"]: e for e in events}
        checks.expect(all(by_position.get(p, {}).get("data", {}).get("text") == t for p, t in acked),
                      f"a full disk: all {len(acked)} acknowledged events read back at their positions")
        texts = [e["data"].get("text", "") for e in events]
        checks.expect(not any(t.startswith(prefix) for t in texts for prefix in refused),
                      "a full disk: no refused (507) append is in the log")
        checks.expect([e["position"] for e in events] == list(range(1, len(events) + 1)), "a full disk: positions have no gaps")
        checks.expect(server.stop() == 0, "a full disk: clean shutdown after space returned")
        result = run_cli("verify", "--data", str(mount / "data"))
        checks.expect(result.returncode == 0, f"a full disk: verify passes: {result.stdout.strip()} {result.stderr.strip()}")
    finally:
        server.kill()
        subprocess.run(["umount", str(mount)], check=False)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--keep", action="store_true", help="keep the data directories and daemon logs")
    args = parser.parse_args()
    if not Path(binary()).exists():  # fail early, with a message, when there is nothing to test
        raise SystemExit(f"sessiond binary not found at {binary()}: build it (swift build --product sessiond) or set SESSIOND_BIN")
    work = Path(tempfile.mkdtemp(prefix="sessiond-faults-"))
    checks = Checks()
    started = time.monotonic()
    try:
        check_corrupt_segments(checks, work)
        check_projection_rebuilt(checks, work, "deleted")
        check_projection_rebuilt(checks, work, "garbage")
        check_missing_dictionary(checks, work)
        check_compaction_killed(checks, work)
        check_disk_full(checks, work)
    except Exception as error:  # a broken step is a failure, with what the daemon logged kept
        checks.expect(False, f"unexpected error: {error!r}")
    print(f"fault checks: {checks.passed} passed, {checks.failed} failed in {time.monotonic() - started:.1f} s")
    if args.keep or checks.failed:
        print(f"data directories and daemon logs kept in {work}")
    else:
        shutil.rmtree(work, ignore_errors=True)
    return 1 if checks.failed else 0


if __name__ == "__main__":
    sys.exit(main())
