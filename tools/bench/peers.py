"""Loads the corpus of `sessiond-bench corpus` into each peer session store and measures it.

Each peer runs in this one process, one after another, on a fresh directory: every corpus item is one call
in the peer's own API (in corpus order, one call at a time, committed as the peer commits by default), then
the bytes on disk, the full-transcript load of the long session, an as-of read where the peer has one, and
the time to reopen the store and read the long session again. Writes one JSON object per peer to --out.
"""

import argparse
import asyncio
import json
import os
import shutil
import sqlite3
import statistics
import sys
import time
import uuid

LONG = "long-session"


def percentile(samples, p):
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(len(ordered) * p))] if ordered else 0.0


def tree_size(path):
    total = 0
    for root, _, files in os.walk(path):
        for name in files:
            total += os.path.getsize(os.path.join(root, name))
    return total


def journal_mode(db_path):
    """WAL or rollback journal, read from the database header (bytes 18-19 are 2 in WAL mode)."""
    with open(db_path, "rb") as f:
        header = f.read(20)
    return "WAL" if len(header) == 20 and header[18] == 2 else "rollback journal"


class Tracker:
    """Message ids per session in order, so a rewind knows which messages it removes."""

    def __init__(self):
        self.ids = {}

    def add(self, session, message_id):
        self.ids.setdefault(session, []).append(message_id)

    def rewind(self, session, to_id):
        ids = self.ids[session]
        keep = ids.index(to_id) + 1
        removed, self.ids[session] = ids[keep:], ids[:keep]
        return removed


# --- OpenAI Agents SDK: SQLiteSession --------------------------------------------------------------------

class OpenAIAgents:
    name = "OpenAI Agents SQLiteSession"
    as_of = None

    def __init__(self, directory):
        from agents import SQLiteSession
        self.SQLiteSession = SQLiteSession
        self.path = os.path.join(directory, "agents.sqlite")
        self.sessions = {}
        self.tracker = Tracker()

    def session(self, sid):
        if sid not in self.sessions:
            self.sessions[sid] = self.SQLiteSession(sid, self.path)
        return self.sessions[sid]

    async def apply(self, item):
        sid, kind, body = item["session"], item["kind"], item["body"]
        s = self.session(sid)
        if kind == "create":
            # A session exists once it has items; its title is stored as a system item.
            await s.add_items([{"role": "system", "content": body["title"]}])
            self.tracker.add(sid, "create")
        elif kind == "message":
            if body["role"] == "user":
                items = [{"role": "user", "content": body["text"]}]
            else:
                items = []
                if body.get("text"):
                    items.append({"type": "message", "role": "assistant", "status": "completed",
                                  "id": body["messageId"],
                                  "content": [{"type": "output_text", "text": body["text"], "annotations": []}]})
                for call in body.get("toolCalls", []):
                    items.append({"type": "function_call", "call_id": call["id"], "name": call["name"],
                                  "arguments": call["input"]})
            await s.add_items(items)
            for _ in items:
                self.tracker.add(sid, body["messageId"])
        elif kind == "tool_result":
            await s.add_items([{"type": "function_call_output", "call_id": body["toolCallId"], "output": body["result"]}])
            self.tracker.add(sid, body["messageId"])
        elif kind == "rewind":
            # Destructive, as the SDK offers it: pop the items after the kept message.
            for _ in self.tracker.rewind(sid, body["messageId"]):
                await s.pop_item()

    async def transcript(self, sid):
        return await self.session(sid).get_items()

    def reopen(self):
        for s in self.sessions.values():
            s.close()
        self.sessions = {}

    def durability(self):
        conn = self.session(LONG)._get_connection()
        sync = conn.execute("PRAGMA synchronous").fetchone()[0]
        return f"SQLite {journal_mode(self.path)}, synchronous={sync}, commit per add_items"


# --- Google ADK: DatabaseSessionService on SQLite ---------------------------------------------------------

class GoogleADK:
    name = "Google ADK DatabaseSessionService"
    as_of = None

    def __init__(self, directory):
        from google.adk.sessions import DatabaseSessionService
        from google.adk.events import Event
        from google.genai import types
        self.Event, self.types = Event, types
        self.path = os.path.join(directory, "adk.sqlite")
        self.service = DatabaseSessionService(db_url=f"sqlite+aiosqlite:///{self.path}")
        self.sessions = {}

    async def apply(self, item):
        sid, kind, body = item["session"], item["kind"], item["body"]
        t = self.types
        if kind == "create":
            self.sessions[sid] = await self.service.create_session(
                app_name="bench", user_id="user", session_id=sid, state={"title": body["title"]})
            return
        if kind == "message":
            parts = [t.Part(text=body["text"])] if body.get("text") else []
            for call in body.get("toolCalls", []):
                parts.append(t.Part(function_call=t.FunctionCall(id=call["id"], name=call["name"],
                                                                  args=json.loads(call["input"]))))
            usage = None
            if body["role"] == "assistant":
                usage = t.GenerateContentResponseUsageMetadata(
                    prompt_token_count=body.get("inputTokens"), candidates_token_count=body.get("outputTokens"),
                    cached_content_token_count=body.get("cacheReadTokens"))
            event = self.Event(author="user" if body["role"] == "user" else "agent", invocation_id=sid,
                               content=t.Content(role="user" if body["role"] == "user" else "model", parts=parts),
                               usage_metadata=usage, custom_metadata={"messageId": body["messageId"]})
        elif kind == "tool_result":
            event = self.Event(author="agent", invocation_id=sid, content=t.Content(role="user", parts=[
                t.Part(function_response=t.FunctionResponse(id=body["toolCallId"], name="tool",
                                                            response={"result": body["result"]}))]))
        else:
            # No rewind in the service: recorded as an event, as an application would.
            event = self.Event(author="user", invocation_id=sid, custom_metadata={"rewindTo": body["messageId"]})
        await self.service.append_event(self.sessions[sid], event)

    async def transcript(self, sid):
        return await self.service.get_session(app_name="bench", user_id="user", session_id=sid)

    def reopen(self):
        from google.adk.sessions import DatabaseSessionService
        self.service = DatabaseSessionService(db_url=f"sqlite+aiosqlite:///{self.path}")

    def durability(self):
        return f"SQLite {journal_mode(self.path)}, synchronous default (FULL), commit per append_event (SQLAlchemy + aiosqlite)"


# --- LangGraph: SqliteSaver under a MessagesState graph ---------------------------------------------------

class LangGraph:
    name = "LangGraph SqliteSaver"
    as_of = "state at an earlier checkpoint"

    def __init__(self, directory):
        self.path = os.path.join(directory, "langgraph.sqlite")
        self.tracker = Tracker()
        self.checkpoints = {}
        self.open()

    def open(self):
        from langgraph.checkpoint.sqlite import SqliteSaver
        from langgraph.graph import START, MessagesState, StateGraph
        self.conn = sqlite3.connect(self.path, check_same_thread=False)
        self.saver = SqliteSaver(self.conn)
        builder = StateGraph(MessagesState)
        builder.add_node("agent", lambda state: {})
        builder.add_edge(START, "agent")
        self.graph = builder.compile(checkpointer=self.saver)

    async def apply(self, item):
        from langchain_core.messages import AIMessage, HumanMessage, RemoveMessage, SystemMessage, ToolMessage
        sid, kind, body = item["session"], item["kind"], item["body"]
        config = {"configurable": {"thread_id": sid}}
        if kind == "create":
            update = [SystemMessage(content=body["title"], id=f"{sid}:title")]
        elif kind == "message":
            mid = f"{sid}:{body['messageId']}"
            self.tracker.add(sid, mid)
            if body["role"] == "user":
                update = [HumanMessage(content=body["text"], id=mid)]
            else:
                calls = [{"name": c["name"], "args": json.loads(c["input"]), "id": c["id"], "type": "tool_call"}
                         for c in body.get("toolCalls", [])]
                usage = {"input_tokens": body.get("inputTokens", 0), "output_tokens": body.get("outputTokens", 0),
                         "total_tokens": body.get("inputTokens", 0) + body.get("outputTokens", 0)}
                update = [AIMessage(content=body.get("text") or "", id=mid, tool_calls=calls, usage_metadata=usage,
                                    response_metadata={"model": body.get("model"), "cost": body.get("cost")})]
        elif kind == "tool_result":
            mid = f"{sid}:{body['messageId']}"
            self.tracker.add(sid, mid)
            update = [ToolMessage(content=body["result"], tool_call_id=body["toolCallId"], id=mid)]
        else:
            update = [RemoveMessage(id=m) for m in self.tracker.rewind(sid, f"{sid}:{body['messageId']}")]
        result = self.graph.update_state(config, {"messages": update}, as_node="agent")
        if sid == LONG:
            self.checkpoints.setdefault(sid, []).append(result)

    async def transcript(self, sid):
        return self.graph.get_state({"configurable": {"thread_id": sid}}).values["messages"]

    async def read_as_of(self, sid):
        history = self.checkpoints[sid]
        return self.graph.get_state(history[len(history) // 2]).values["messages"]

    def reopen(self):
        self.conn.close()
        self.open()

    def durability(self):
        sync = self.conn.execute("PRAGMA synchronous").fetchone()[0]
        return f"SQLite {journal_mode(self.path)}, synchronous={sync}, commit per checkpoint"


# --- eventsourcing on SQLite ------------------------------------------------------------------------------

class EventSourcing:
    name = "eventsourcing (SQLite)"
    as_of = "aggregate at an earlier version"

    def __init__(self, directory):
        from eventsourcing.application import Application
        from eventsourcing.domain import Aggregate, event

        class AgentSession(Aggregate):
            @event("Created")
            def __init__(self, title):
                self.title = title
                self.messages = []

            @event("MessageAppended")
            def append_message(self, message):
                self.messages.append(message)

            @event("ToolResultRecorded")
            def record_tool_result(self, result):
                self.messages.append(result)

            @event("Rewound")
            def rewind(self, message_id):
                ids = [m.get("messageId") for m in self.messages]
                self.messages = self.messages[: ids.index(message_id) + 1]

        self.AgentSession = AgentSession
        self.path = os.path.join(directory, "eventsourcing.sqlite")
        self.Application = Application
        self.open()
        self.aggregates = {}

    def open(self):
        self.app = self.Application(env={"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": self.path})

    async def apply(self, item):
        sid, kind, body = item["session"], item["kind"], item["body"]
        if kind == "create":
            aggregate = self.AgentSession(body["title"])
            self.aggregates[sid] = aggregate
        else:
            # The aggregate stays in memory, as in a long-running agent process (no load per command).
            aggregate = self.aggregates[sid]
            if kind == "message":
                aggregate.append_message(body)
            elif kind == "tool_result":
                aggregate.record_tool_result(body)
            else:
                aggregate.rewind(body["messageId"])
        self.app.save(aggregate)

    async def transcript(self, sid):
        return self.app.repository.get(self.aggregates[sid].id).messages

    async def read_as_of(self, sid):
        aggregate = self.aggregates[sid]
        return self.app.repository.get(aggregate.id, version=aggregate.version // 2).messages

    def reopen(self):
        self.app.close()
        self.open()

    def durability(self):
        return f"SQLite {journal_mode(self.path)}, synchronous default (FULL), commit per save"


PEERS = {"openai-agents": OpenAIAgents, "google-adk": GoogleADK, "langgraph": LangGraph, "eventsourcing": EventSourcing}


async def load(peer, items):
    """Applies the items one after the other; returns each call's latency (ms) and the wall time (s)."""
    latencies = []
    start = time.perf_counter()
    for item in items:
        t = time.perf_counter()
        await peer.apply(item)
        latencies.append((time.perf_counter() - t) * 1000)
    return latencies, time.perf_counter() - start


async def measure(cls, items, directory, reads):
    shutil.rmtree(directory, ignore_errors=True)
    os.makedirs(directory)
    peer = cls(directory)
    # The same two phases as sessiond-bench: every session but the long one (the throughput figure; one
    # Python process, one call per item, as each peer is used), then the long session alone.
    concurrent = [item for item in items if item["session"] != LONG]
    sequential = [item for item in items if item["session"] == LONG]
    latencies, seconds = await load(peer, concurrent)
    result = {
        "system": cls.name, "durability": peer.durability(), "appends_per_s": len(concurrent) / seconds,
        "append_p50_ms": percentile(latencies, 0.5), "append_p99_ms": percentile(latencies, 0.99),
    }
    if sequential:
        one, one_seconds = await load(peer, sequential)
        result["sequential_appends_per_s"] = len(sequential) / one_seconds
        result["sequential_p50_ms"] = percentile(one, 0.5)
        result["sequential_p99_ms"] = percentile(one, 0.99)
    result["bytes_on_disk"] = tree_size(directory)
    has_long = any(item["session"] == LONG for item in items)
    if has_long:
        samples = []
        for _ in range(reads):
            t = time.perf_counter()
            await peer.transcript(LONG)
            samples.append((time.perf_counter() - t) * 1000)
        result["transcript_p50_ms"] = percentile(samples, 0.5)
        result["transcript_p99_ms"] = percentile(samples, 0.99)
        if cls.as_of:
            samples = []
            for _ in range(reads):
                t = time.perf_counter()
                await peer.read_as_of(LONG)
                samples.append((time.perf_counter() - t) * 1000)
            result["as_of_p50_ms"] = percentile(samples, 0.5)
            result["as_of_p99_ms"] = percentile(samples, 0.99)
            result["as_of"] = cls.as_of
    t = time.perf_counter()
    peer.reopen()
    if has_long:
        await peer.transcript(LONG)
    result["recover_s"] = time.perf_counter() - t
    result["recover"] = "reopen + first read of the long session"
    print(f"{cls.name}: {result['appends_per_s']:,.0f} items/s, p99 {result['append_p99_ms']:.2f} ms, "
          f"{result['bytes_on_disk']:,} bytes, transcript p50 {result.get('transcript_p50_ms', 0):.2f} ms", flush=True)
    return result


def limits(items, directory, batch):
    """The physical-limit row: zstd decompression of the corpus, raw SQLite inserts in one transaction."""
    import zstandard
    os.makedirs(directory, exist_ok=True)
    raw = b"".join(json.dumps(item["body"], separators=(",", ":")).encode() + b"\n" for item in items)
    compressed = zstandard.ZstdCompressor(level=3).compress(raw)
    decompressor = zstandard.ZstdDecompressor()
    t = time.perf_counter()
    for _ in range(10):
        decompressor.decompress(compressed)
    zstd_seconds = (time.perf_counter() - t) / 10
    path = os.path.join(directory, "raw.sqlite")
    if os.path.exists(path):
        os.remove(path)
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE item (session TEXT, seq INTEGER, kind TEXT, body TEXT, PRIMARY KEY (session, seq))")
    rows = [(item["session"], i, item["kind"], json.dumps(item["body"], separators=(",", ":")))
            for i, item in enumerate(items)]
    t = time.perf_counter()
    with conn:
        conn.executemany("INSERT INTO item VALUES (?, ?, ?, ?)", rows)
    insert_seconds = time.perf_counter() - t
    conn.close()
    # write + fdatasync per batch, from Python too, to check the Swift loop's figure.
    bodies = [json.dumps(item["body"], separators=(",", ":")).encode() for item in items]
    path = os.path.join(directory, "raw-sync")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    t = time.perf_counter()
    for start in range(0, len(bodies), batch):
        os.write(fd, b"".join(bodies[start:start + batch]))
        os.fdatasync(fd)
    sync_seconds = time.perf_counter() - t
    os.close(fd)
    os.remove(path)
    result = {
        "system": "physical limits", "zstd_decompress_mb_per_s": len(raw) / zstd_seconds / 1e6,
        "zstd_decompress_items_per_s": len(items) / zstd_seconds, "zstd_ratio": len(raw) / len(compressed),
        "sqlite_one_transaction_rows_per_s": len(items) / insert_seconds,
        "python_fdatasync_per_s": len(items) / sync_seconds, "fdatasync_batch": batch,
    }
    print(f"limits: zstd decompress {result['zstd_decompress_mb_per_s']:,.0f} MB/s, sqlite one transaction "
          f"{result['sqlite_one_transaction_rows_per_s']:,.0f} rows/s, fdatasync per {batch} "
          f"{result['python_fdatasync_per_s']:,.0f} items/s", flush=True)
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--corpus", required=True, help="JSON lines from `sessiond-bench corpus`")
    parser.add_argument("--dir", required=True, help="scratch directory for the peers' databases")
    parser.add_argument("--out", required=True, help="JSON file for the results")
    parser.add_argument("--peers", default=",".join(PEERS), help="comma-separated subset of " + ",".join(PEERS))
    parser.add_argument("--reads", type=int, default=20, help="transcript loads to time per peer")
    parser.add_argument("--batch", type=int, default=32, help="items per fdatasync in the limits row")
    args = parser.parse_args()
    with open(args.corpus) as f:
        items = [json.loads(line) for line in f]
    results = [limits(items, os.path.join(args.dir, "limits"), args.batch)]
    for name in [p for p in args.peers.split(",") if p]:
        if name not in PEERS:
            sys.exit(f"unknown peer {name!r}; known: {', '.join(PEERS)}")
        results.append(asyncio.run(measure(PEERS[name], items, os.path.join(args.dir, name), args.reads)))
    with open(args.out, "w") as f:
        json.dump(results, f, indent=2)


if __name__ == "__main__":
    main()
