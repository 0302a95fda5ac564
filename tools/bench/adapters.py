"""The framework adapters' benchmark row (issue 10): each framework on its built-in store and on sessiond,
same workload, same run.

For each framework and each concurrency (1 agent, 32 agents: asyncio tasks, one session each), every agent
appends N items one call at a time (SDK `add_items([item])`, ADK `append_event(session, event)`), then one
session of N items is loaded whole (SDK `get_items()`, ADK `get_session`) `--loads` times unchanged, then
`--loads` times each right after another writer (a second store object or client, untimed) appended one more
item: a load the reader cannot answer from what it kept (decision 0120). Prints a markdown
table and writes one JSON object per row to --out. Each row also carries the CPU time each append and each load
cost: this Python process's (`time.process_time()`, where a built-in store does all its work) and the daemon's
(its utime + stime from /proc), load-independent where the wall-clock figures are not.

Built-in stores: `SQLiteSession` on a file, `DatabaseSessionService` on SQLite through aiosqlite (the stores
the issue names); sessiond: a `sessiond serve` started here (tools/conformance/daemon.py), fsync durability,
every session of a row sharing one client (one connection pool and one group commit), as docs/frameworks.md
advises.

    .venv-adapters/bin/python tools/bench/adapters.py [--items 200] [--agents 1,32] [--loads 20]
        [--binary .build/release/sessiond] [--out bench-results/adapters.json] [--appends-in-flight N]

`tools/bench/run` runs it after the peers (rows in its table.md and results.json).
"""

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools" / "conformance"))

from daemon import Daemon  # noqa: E402

# Extra ClientConfiguration fields for the sessiond side (--appends-in-flight).
CLIENT_OPTIONS: dict = {}


def openai_item(agent: int, n: int) -> dict:
    if n % 3 == 0:
        return {"role": "user", "content": f"Question {n} from agent {agent}: what is the weather in Paris?"}
    if n % 3 == 1:
        return {"type": "function_call", "call_id": f"call_{agent}_{n}", "name": "get_weather",
                "arguments": json.dumps({"city": "Paris", "units": "metric"})}
    return {"type": "function_call_output", "call_id": f"call_{agent}_{n - 1}",
            "output": json.dumps({"forecast": "Sunny, 21 °C", "wind": "light"})}


def adk_event(agent: int, n: int):
    from google.adk.events.event import Event
    from google.genai import types

    if n % 2 == 0:
        return Event(author="user", invocation_id=f"inv{agent}-{n}",
                     content=types.Content(role="user", parts=[types.Part(text=f"Question {n}: weather in Paris?")]))
    return Event(author="weather_agent", invocation_id=f"inv{agent}-{n}",
                 content=types.Content(role="model", parts=[types.Part(text="Sunny, 21 °C, light wind.")]),
                 usage_metadata=types.GenerateContentResponseUsageMetadata(
                     prompt_token_count=120, candidates_token_count=30, total_token_count=150))


class OpenAISide:
    framework = "OpenAI Agents SDK"

    def __init__(self, store: str, directory: str, url: str | None) -> None:
        self.store, self.directory, self.url = store, directory, url
        self.made = []
        self.client = None

    def session(self, sid: str):
        if self.store == "built-in":
            from agents import SQLiteSession
            session = SQLiteSession(sid, os.path.join(self.directory, "agents.sqlite"))
        else:
            from sessiond_client import AsyncSessiondClient, ClientConfiguration
            from sessiond_client.agents import SessiondSession
            if self.client is None:
                self.client = AsyncSessiondClient(ClientConfiguration(base_url=self.url, **CLIENT_OPTIONS))
            session = SessiondSession(sid, client=self.client)
        self.made.append(session)
        return session

    async def agent(self, index: int, items: int, prefix: str):
        session = self.session(f"{prefix}-{index}")
        for n in range(items):
            await session.add_items([openai_item(index, n)])
        return session

    async def load(self, session) -> int:
        return len(await session.get_items())

    async def write_elsewhere(self, session, n: int) -> None:
        """One more item appended to `session` by another writer: a second store object, or another client."""
        if self.store == "built-in":
            from agents import SQLiteSession
            other = SQLiteSession(session.session_id, os.path.join(self.directory, "agents.sqlite"))
        else:
            from sessiond_client import AsyncSessiondClient, ClientConfiguration
            from sessiond_client.agents import SessiondSession
            other_client = AsyncSessiondClient(ClientConfiguration(base_url=self.url, **CLIENT_OPTIONS))
            other = SessiondSession(session.session_id, client=other_client)
        await other.add_items([openai_item(-1, n)])
        if self.store == "built-in":
            other.close()
        else:
            await other_client.aclose()

    async def close(self) -> None:
        for session in self.made:
            result = session.close()
            if asyncio.iscoroutine(result):
                await result
        if self.client is not None:
            await self.client.aclose()


class ADKSide:
    framework = "Google ADK"

    def __init__(self, store: str, directory: str, url: str | None) -> None:
        self.store, self.directory, self.url = store, directory, url
        if store == "built-in":
            from google.adk.sessions import DatabaseSessionService
            self.service = DatabaseSessionService(f"sqlite+aiosqlite:///{os.path.join(directory, 'adk.sqlite')}")
        else:
            from sessiond_client import ClientConfiguration
            from sessiond_client.adk import SessiondSessionService
            self.service = SessiondSessionService(configuration=ClientConfiguration(base_url=url, **CLIENT_OPTIONS))

    async def agent(self, index: int, items: int, prefix: str):
        session = await self.service.create_session(app_name="bench", user_id=f"user-{index}", session_id=f"{prefix}-{index}")
        for n in range(items):
            await self.service.append_event(session, adk_event(index, n))
        return session

    async def load(self, session) -> int:
        got = await self.service.get_session(app_name="bench", user_id=session.user_id, session_id=session.id)
        return len(got.events)

    async def write_elsewhere(self, session, n: int) -> None:
        """One more event appended to `session` by another service instance on the same store."""
        other = ADKSide(self.store, self.directory, self.url)
        current = await other.service.get_session(app_name="bench", user_id=session.user_id, session_id=session.id)
        await other.service.append_event(current, adk_event(-1, n))
        await other.close()

    async def close(self) -> None:
        await self.service.close()


def cpu_seconds(pid: int | None) -> float:
    """A process's user + system CPU time so far (0 without one)."""
    if pid is None:
        return 0.0
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def measure(side_class, store: str, agents: int, items: int, loads: int, url: str | None,
                  server_pid: int | None) -> dict:
    with tempfile.TemporaryDirectory(prefix="adapters-bench-") as directory:
        side = side_class(store, directory, url)
        prefix = f"bench-{store}-{agents}-{time.monotonic_ns()}"
        server_pid = server_pid if store == "sessiond" else None
        started, cpu, server_cpu = time.perf_counter(), time.process_time(), cpu_seconds(server_pid)
        # A store that fails under concurrency (SQLite's "database is locked") is a result, not a crash.
        outcomes = await asyncio.gather(*(side.agent(i, items, prefix) for i in range(agents)), return_exceptions=True)
        elapsed = time.perf_counter() - started
        append_cpu, append_server_cpu = time.process_time() - cpu, cpu_seconds(server_pid) - server_cpu
        sessions = [o for o in outcomes if not isinstance(o, BaseException)]
        errors = [o for o in outcomes if isinstance(o, BaseException)]
        samples = []
        cpu, server_cpu = time.process_time(), cpu_seconds(server_pid)
        for _ in range(loads if sessions else 0):
            t0 = time.perf_counter()
            count = await side.load(sessions[0])
            samples.append((time.perf_counter() - t0) * 1000)
            assert count == items, f"{side.framework} on {store} loaded {count} of {items} items"
        load_cpu, load_server_cpu = time.process_time() - cpu, cpu_seconds(server_pid) - server_cpu
        changed, changed_cpu, changed_server_cpu = [], 0.0, 0.0
        for n in range(loads if sessions else 0):
            await side.write_elsewhere(sessions[0], n)
            t0, cpu, server_cpu = time.perf_counter(), time.process_time(), cpu_seconds(server_pid)
            count = await side.load(sessions[0])
            changed.append((time.perf_counter() - t0) * 1000)
            changed_cpu += time.process_time() - cpu
            changed_server_cpu += cpu_seconds(server_pid) - server_cpu
            assert count == items + n + 1, f"{side.framework} on {store} loaded {count} of {items + n + 1} items"
        await side.close()
    appends = max(len(sessions) * items, 1)
    return {
        "framework": side_class.framework, "store": store, "agents": agents, "itemsPerAgent": items,
        "appendsPerSecond": len(sessions) * items / elapsed, "loadMedianMs": statistics.median(samples) if samples else None,
        "clientCpuMsPerAppend": append_cpu * 1000 / appends, "serverCpuMsPerAppend": append_server_cpu * 1000 / appends,
        "clientCpuMsPerLoad": load_cpu * 1000 / max(len(samples), 1),
        "serverCpuMsPerLoad": load_server_cpu * 1000 / max(len(samples), 1),
        "changedLoadMedianMs": statistics.median(changed) if changed else None,
        "clientCpuMsPerChangedLoad": changed_cpu * 1000 / max(len(changed), 1),
        "serverCpuMsPerChangedLoad": changed_server_cpu * 1000 / max(len(changed), 1),
        "failedAgents": len(errors), "firstError": repr(errors[0])[:160] if errors else None,
    }


def markdown(rows: list[dict]) -> str:
    """The adapters' table: one line per framework and concurrency, built-in store beside sessiond.
    `rows` alternate built-in, sessiond (as `main` measures them)."""

    def appends(row):
        failed = f" ({row['failedAgents']} of {row['agents']} agents failed)" if row["failedAgents"] else ""
        return f"{row['appendsPerSecond']:.0f}{failed}"

    def load(row, key="loadMedianMs"):
        return "—" if row.get(key) is None else f"{row[key]:.1f}"

    lines = ["| Framework | Agents | Appends/s built-in | Appends/s sessiond | × | Full load built-in (ms) "
             "| Full load sessiond (ms) | Load after a write built-in (ms) | Load after a write sessiond (ms) |",
             "|---|---|---|---|---|---|---|---|---|"]
    for builtin, sessiond in zip(rows[0::2], rows[1::2]):
        ratio = sessiond["appendsPerSecond"] / builtin["appendsPerSecond"] if builtin["appendsPerSecond"] else float("inf")
        lines.append(f"| {builtin['framework']} | {builtin['agents']} | {appends(builtin)} | {appends(sessiond)} "
                     f"| {ratio:.1f} | {load(builtin)} | {load(sessiond)} | {load(builtin, 'changedLoadMedianMs')} "
                     f"| {load(sessiond, 'changedLoadMedianMs')} |")
    lines += ["", "CPU per append / per full load (ms): this process's, and the daemon's for sessiond", "",
              "| Framework | Agents | Append built-in | Append sessiond (client + daemon) | Load built-in "
              "| Load sessiond (client + daemon) | Load after a write built-in "
              "| Load after a write sessiond (client + daemon) |", "|---|---|---|---|---|---|---|---|"]
    for builtin, sessiond in zip(rows[0::2], rows[1::2]):
        lines.append(
            f"| {builtin['framework']} | {builtin['agents']} | {builtin['clientCpuMsPerAppend']:.2f} "
            f"| {sessiond['clientCpuMsPerAppend']:.2f} + {sessiond['serverCpuMsPerAppend']:.2f} "
            f"| {builtin['clientCpuMsPerLoad']:.2f} "
            f"| {sessiond['clientCpuMsPerLoad']:.2f} + {sessiond['serverCpuMsPerLoad']:.2f} "
            f"| {builtin.get('clientCpuMsPerChangedLoad', 0):.2f} "
            f"| {sessiond.get('clientCpuMsPerChangedLoad', 0):.2f} + {sessiond.get('serverCpuMsPerChangedLoad', 0):.2f} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--items", type=int, default=200, help="items (SDK) / events (ADK) per agent")
    parser.add_argument("--agents", default="1,32", help="comma-separated concurrencies")
    parser.add_argument("--loads", type=int, default=20, help="full-session loads per row (median reported)")
    parser.add_argument("--binary", default=str(ROOT / ".build" / "release" / "sessiond"))
    parser.add_argument("--out", default=None, help="write the rows as a JSON list here")
    parser.add_argument("--appends-in-flight", type=int, default=None,
                        help="the client's append requests on the way at once (default: the client's, 1)")
    args = parser.parse_args()
    if args.appends_in_flight is not None:
        CLIENT_OPTIONS["appends_in_flight"] = args.appends_in_flight
    concurrencies = [int(a) for a in args.agents.split(",")]

    rows = []
    with Daemon(binary=args.binary, durability="fsync") as daemon:
        for side in (OpenAISide, ADKSide):
            for agents in concurrencies:
                for store in ("built-in", "sessiond"):
                    rows.append(asyncio.run(measure(side, store, agents, args.items, args.loads, daemon.url, daemon.pid)))
                    print(json.dumps(rows[-1]), file=sys.stderr)

    print(markdown(rows))
    if args.out:
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        Path(args.out).write_text(json.dumps(rows, indent=2) + "\n")


if __name__ == "__main__":
    main()
