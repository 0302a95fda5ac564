"""The peer of tools/pg/bench: durable appends with the `eventsourcing` library (PyPI, its PostgreSQL persistence)
on the same PostgreSQL server. Each of --threads threads owns one aggregate and saves one new event per call (a
commit each, synchronous_commit on, as the library does by default) for --seconds; prints one JSON object:
{"appends", "seconds", "p50_ms", "p99_ms"}. Run with .venv-pgbench/bin/python (tools/pg/requirements.txt)."""

import argparse
import json
import threading
import time
from urllib.parse import urlparse

from eventsourcing.application import Application
from eventsourcing.domain import Aggregate, event


class AgentSession(Aggregate):
    @event("Created")
    def __init__(self, title):
        self.title = title

    @event("MessageAppended")
    def append_message(self, text):
        pass


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True, help="postgres://USER@HOST:PORT/DB (an empty database)")
    parser.add_argument("--threads", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=10)
    args = parser.parse_args()
    url = urlparse(args.url)
    app = Application(env={
        "PERSISTENCE_MODULE": "eventsourcing.postgres", "POSTGRES_DBNAME": url.path.lstrip("/"),
        "POSTGRES_HOST": url.hostname, "POSTGRES_PORT": str(url.port or 5432), "POSTGRES_USER": url.username,
        "POSTGRES_PASSWORD": url.password or "", "POSTGRES_POOL_SIZE": str(args.threads),
        "CREATE_TABLE": "y"})
    latencies, lock = [], threading.Lock()
    deadline = [0.0]
    ready = threading.Barrier(args.threads + 1)

    def worker(number):
        aggregate = AgentSession(f"peer {number}")
        app.save(aggregate)
        mine = []
        ready.wait()
        while time.monotonic() < deadline[0]:
            aggregate.append_message(f"message {len(mine)} " + "x" * 200)
            started = time.monotonic()
            app.save(aggregate)
            mine.append(time.monotonic() - started)
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(args.threads)]
    for thread in threads:
        thread.start()
    deadline[0] = time.monotonic() + args.seconds
    started = time.monotonic()
    ready.wait()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    ordered = sorted(latencies)
    pick = lambda p: ordered[min(len(ordered) - 1, int(p * len(ordered)))] * 1000 if ordered else 0.0
    print(json.dumps({"appends": len(ordered), "seconds": elapsed, "p50_ms": pick(0.5), "p99_ms": pick(0.99)}))


if __name__ == "__main__":
    main()
