#!/usr/bin/env python3
"""Crash harness: appends over HTTP from concurrent clients, SIGKILLs `sessiond serve` at random moments,
restarts it, and checks after every restart that
  (a) every acknowledged event is present with the same position, version and body,
  (b) no event appears that no client sent (acknowledged or in flight when the daemon died),
  (c) `sessiond verify` (daemon stopped) finds the projections equal to a rebuild.

Usage: tools/crash/run [--cycles N] [--seed S] [--clients N] [--sessions-per-client N] [--keep] [--log URL]
Short mode (CI) is the default 20 cycles; the long mode is `--cycles 200`. With `--log postgres://…/DB` (an empty
database) the log is kept in PostgreSQL: the same kills and checks on the PostgreSQL store. SESSIOND_BIN picks the binary
(default .build/debug/sessiond). Exit status 1 when any check failed.
"""

import argparse
import random
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "conformance"))
from daemon import Daemon, run_cli


class Ledger:
    """What the clients sent and what the daemon acknowledged, shared by the client threads."""

    def __init__(self):
        self.lock = threading.Lock()
        self.sent_texts = set()
        self.sent_titles = set()
        self.sessions = {}  # client -> acknowledged session ids
        self.native_acks = []  # {session, position, version, text}
        self.mix_acks = []  # (session, text)
        self.rejected = 0

    def sent(self, text=None, title=None):
        with self.lock:
            if text is not None:
                self.sent_texts.add(text)
            if title is not None:
                self.sent_titles.add(title)


class Client(threading.Thread):
    """Creates a few sessions, then appends native and Mix messages to them until stopped or the daemon dies."""

    def __init__(self, number, daemon, ledger, rng, sessions_wanted, stop, cycle):
        super().__init__(daemon=True)
        self.number, self.server, self.ledger, self.rng = number, daemon, ledger, rng
        self.sessions_wanted, self.stop, self.cycle = sessions_wanted, stop, cycle
        self.sequence = 0

    def run(self):
        try:
            while not self.stop.is_set():
                self.step()
        except OSError:
            pass  # the daemon was killed; what was in flight stays "sent", not acknowledged

    def step(self):
        ledger = self.ledger
        mine = ledger.sessions.setdefault(self.number, [])
        self.sequence += 1
        tag = f"c{self.number}-k{self.cycle}-n{self.sequence}"
        if len(mine) < self.sessions_wanted:
            title = f"crash {tag}"
            ledger.sent(title=title)
            status, body = self.server.request(
                "POST", "/api/sessions", {"title": title, "browserMode": "local-browser-service"})
            if status == 201 or status == 200:
                with ledger.lock:
                    mine.append(body["id"])
            else:
                ledger.rejected += 1
            return
        session = self.rng.choice(mine)
        text = f"message {tag} " + "x" * self.rng.randrange(0, 400)
        ledger.sent(text=text)
        if self.rng.random() < 0.7:
            status, body = self.server.request(
                "POST", f"/v1/sessions/{session}/events",
                {"type": "message", "role": "assistant", "messageId": f"m-{tag}", "text": text})
            if status == 201:
                with ledger.lock:
                    ledger.native_acks.append(
                        {"session": session, "position": body["positions"][0], "version": body["version"], "text": text})
                return
        else:
            status, _ = self.server.request("POST", f"/api/sessions/{session}/messages", {"text": text})
            if status == 202:
                with ledger.lock:
                    ledger.mix_acks.append((session, text))
                return
        with ledger.lock:
            ledger.rejected += 1


class Tally:
    """Passed and failed counts per check, with the first few failures kept for the report."""

    def __init__(self):
        self.counts = {"a": [0, 0], "b": [0, 0], "c": [0, 0]}
        self.failures = []

    def check(self, name, ok, detail):
        self.counts[name][0 if ok else 1] += 1
        if not ok and len(self.failures) < 50:
            self.failures.append(f"({name}) {detail}")

    @property
    def failed(self):
        return sum(failed for _, failed in self.counts.values())


def check_log(server, ledger, tally, cycle):
    """Checks (a) and (b) against the restarted daemon. Returns the number of acknowledged events checked."""
    events = server.all_events()
    by_position = {event["position"]: event for event in events}
    tally.check("b", [e["position"] for e in events] == list(range(1, len(events) + 1)),
                f"cycle {cycle}: positions are not 1…{len(events)} without gaps")
    messages = {event["data"].get("messageId") for event in events if event["type"] == "message.appended"}
    for event in events:
        data = event["data"]
        kind = event["type"]
        if kind == "message.appended":
            ok = data.get("text") in ledger.sent_texts
        elif kind == "session.created":
            ok = data.get("title") in ledger.sent_titles
        elif kind == "processing.started":
            ok = data.get("messageId") in messages
        else:
            ok = False
        tally.check("b", ok, f"cycle {cycle}: event at {event['position']} ({kind}) was never sent: {data}")

    audits = {}
    for sessions in ledger.sessions.values():
        for session in sessions:
            status, audit = server.request("GET", f"/v1/sessions/{session}/events", timeout=30)
            audits[session] = {entry["position"]: entry for entry in audit} if status == 200 else {}
            tally.check("a", status == 200 and any(
                by_position.get(p, {}).get("type") == "session.created" and by_position[p]["sessionId"] == session
                for p in audits[session]), f"cycle {cycle}: acknowledged session {session} is missing ({status})")
    checked = 0
    for ack in ledger.native_acks:
        event = by_position.get(ack["position"])
        audit = audits.get(ack["session"], {}).get(ack["position"])
        ok = (event is not None and event["sessionId"] == ack["session"] and event["version"] == ack["version"]
              and event["type"] == "message.appended" and event["data"].get("text") == ack["text"]
              and audit is not None and audit["version"] == ack["version"] and audit["eventId"] == event["eventId"])
        tally.check("a", ok, f"cycle {cycle}: acknowledged event at {ack['position']} of {ack['session']} "
                             f"(version {ack['version']}) differs or is missing: {event}")
        checked += 1
    texts = {(e["sessionId"], e["data"].get("text")) for e in events if e["type"] == "message.appended"}
    for session, text in ledger.mix_acks:
        tally.check("a", (session, text) in texts, f"cycle {cycle}: acknowledged Mix message of {session} is missing")
        checked += 1
    return checked


def check_verify(data, log, tally, cycle):
    result = run_cli("verify", "--data", str(data), *(["--log", log] if log else []))
    tally.check("c", result.returncode == 0,
                f"cycle {cycle}: sessiond verify exited {result.returncode}: {result.stdout}{result.stderr}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cycles", type=int, default=20, help="kill/restart cycles (default 20; long mode: 200)")
    parser.add_argument("--seed", type=int, default=None, help="seed for kill moments and client choices (default: random)")
    parser.add_argument("--clients", type=int, default=4, help="concurrent client threads (default 4)")
    parser.add_argument("--sessions-per-client", type=int, default=3, help="sessions each client appends to (default 3)")
    parser.add_argument("--max-load", type=float, default=1.0, help="longest load before a kill, in seconds (default 1.0)")
    parser.add_argument("--keep", action="store_true", help="keep the data directory and daemon log")
    parser.add_argument("--log", help="keep the log in this PostgreSQL database (postgres://…/DB, empty) instead of "
                                      "the data directory")
    args = parser.parse_args()
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(1 << 32)
    print(f"crash harness: {args.cycles} cycles, {args.clients} clients, "
          f"{'log in PostgreSQL' if args.log else 'file log'}, seed {seed} "
          f"(rerun with --seed {seed})", flush=True)
    rng = random.Random(seed)
    work = Path(tempfile.mkdtemp(prefix="sessiond-crash-"))
    data = work / "data"
    server = Daemon(durability="fsync", data=data, log_path=work / "server.log", log=args.log or "")
    ledger, tally = Ledger(), Tally()
    started = time.monotonic()
    checked_total = checked_last = 0
    try:
        server.start()
        for cycle in range(1, args.cycles + 1):
            stop = threading.Event()
            clients = [Client(n, server, ledger, random.Random(rng.random()), args.sessions_per_client, stop, cycle)
                       for n in range(args.clients)]
            for client in clients:
                client.start()
            time.sleep(rng.uniform(0.05, args.max_load))
            server.kill()
            stop.set()
            for client in clients:
                client.join()
            check_verify(data, args.log, tally, cycle)
            server.start()
            checked_last = check_log(server, ledger, tally, cycle)
            checked_total += checked_last
        code = server.stop()
        tally.check("c", code == 0, f"final SIGTERM: sessiond exited {code}")
        check_verify(data, args.log, tally, "final")
    finally:
        server.kill()
    elapsed = time.monotonic() - started
    for failure in tally.failures:
        print("FAIL", failure)
    names = {"a": "acknowledged events present, same position and body",
             "b": "no event that was never sent", "c": "sessiond verify equals a rebuild"}
    for key, (passed, failed) in tally.counts.items():
        print(f"({key}) {names[key]}: {passed} passed, {failed} failed")
    print(f"{args.cycles} kill cycles in {elapsed:.1f} s; {len(ledger.native_acks) + len(ledger.mix_acks)} "
          f"acknowledged appends ({len(ledger.native_acks)} native, {len(ledger.mix_acks)} Mix), "
          f"{checked_total} acknowledged-event checks over all restarts, {ledger.rejected} rejected requests; seed {seed}")
    if args.keep or tally.failed:
        print(f"data directory and daemon log kept in {work}")
    else:
        shutil.rmtree(work, ignore_errors=True)
    return 1 if tally.failed else 0


if __name__ == "__main__":
    sys.exit(main())
