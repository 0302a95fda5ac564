"""How long a heavy request holds up cheap ones (decision 0142): small-session GETs timed while other keep-alive
connections fetch a long transcript (`GET /api/sessions/{id}/messages`) over and over.

Starts `sessiond serve` (the binary given, else .build/debug/sessiond) with tools/conformance/daemon.py, appends
`--messages` messages of about 200 characters to one session, starts `--heavy` connections reading its transcript,
then for `--seconds` sends GET /v1/sessions/{small} round-robin on four connections (with two event loops, some share
a loop with a heavy one) and prints their latency percentiles and how many heavy reads completed. Wall-clock: quote it
with the machine's load (`uptime`).
"""

import argparse
import http.client
import json
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "conformance"))
from daemon import Daemon  # noqa: E402


def post(connection, path, body):
    connection.request("POST", path, body=json.dumps(body), headers={"Content-Type": "application/json"})
    response = connection.getresponse()
    data = response.read()
    if response.status not in (200, 201):
        raise RuntimeError(f"POST {path}: {response.status} {data[:300]!r}")
    return json.loads(data)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", help="the sessiond binary (default: .build/debug/sessiond)")
    parser.add_argument("--messages", type=int, default=20_000, help="messages in the long transcript")
    parser.add_argument("--heavy", type=int, default=2, help="connections reading the long transcript")
    parser.add_argument("--seconds", type=float, default=15, help="how long the small GETs are timed")
    arguments = parser.parse_args()

    daemon = Daemon(binary=arguments.binary).start()
    try:
        setup = http.client.HTTPConnection("127.0.0.1", daemon.port)
        big = post(setup, "/v1/sessions", {"title": "long"})["id"]
        small = post(setup, "/v1/sessions", {"title": "small"})["id"]
        for start in range(0, arguments.messages, 500):
            items = [{"type": "message", "role": "assistant", "text": f"message {n} " + "x" * 200}
                     for n in range(start, min(start + 500, arguments.messages))]
            post(setup, f"/v1/sessions/{big}/events/batch", {"items": items})

        stop = threading.Event()
        heavy_reads = [0] * arguments.heavy

        def read_transcripts(index):
            connection = http.client.HTTPConnection("127.0.0.1", daemon.port)
            while not stop.is_set():
                connection.request("GET", f"/api/sessions/{big}/messages")
                response = connection.getresponse()
                response.read()
                if response.status != 200:
                    raise RuntimeError(f"transcript read: {response.status}")
                heavy_reads[index] += 1

        threads = [threading.Thread(target=read_transcripts, args=(i,)) for i in range(arguments.heavy)]
        for thread in threads:
            thread.start()
        time.sleep(1)
        latencies = []
        connections = [http.client.HTTPConnection("127.0.0.1", daemon.port) for _ in range(4)]
        end = time.monotonic() + arguments.seconds
        while time.monotonic() < end:
            for connection in connections:
                began = time.perf_counter()
                connection.request("GET", f"/v1/sessions/{small}")
                response = connection.getresponse()
                response.read()
                latencies.append((time.perf_counter() - began) * 1000)
        stop.set()
        for thread in threads:
            thread.join()
        latencies.sort()

        def quantile(q):
            return latencies[min(len(latencies) - 1, int(q * len(latencies)))]

        print(f"small GETs {len(latencies)}  p50 {quantile(0.5):.2f} ms  p90 {quantile(0.9):.2f} ms  "
              f"p99 {quantile(0.99):.2f} ms  max {latencies[-1]:.1f} ms; transcript reads {sum(heavy_reads)}")
    finally:
        daemon.stop()


if __name__ == "__main__":
    main()
