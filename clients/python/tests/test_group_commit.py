"""The clients' group commit: appends made at once through one client leave together as one
`POST /v1/events/batch`, each answered (and failing) on its own; a lone append is sent at once."""

import asyncio
import random
import threading
import time
from dataclasses import replace

import httpx
import pytest

from sessiond_client import AsyncSessiondClient, ConflictError, NotFoundError, SessiondClient

BATCH_PATH = "/v1/events/batch"


def message(text: str) -> dict:
    return {"type": "message", "role": "user", "text": text, "item": {"role": "user", "content": text}}


class Counter:
    """Counts the append requests a client sends and the appends they carry."""

    def __init__(self) -> None:
        self.requests = 0
        self.appends = 0

    def count(self, request: httpx.Request) -> None:
        if request.url.path == BATCH_PATH:
            self.requests += 1
            self.appends += request.content.count(b'"sessionId"')

    async def acount(self, request: httpx.Request) -> None:
        self.count(request)


async def contents(client: AsyncSessiondClient, session_id: str) -> list[str]:
    page = await client.items(session_id)
    return [entry["item"]["content"] for entry in page["items"]]


def async_client(configuration, counter: Counter, transport: httpx.AsyncBaseTransport | None = None) -> AsyncSessiondClient:
    http = httpx.AsyncClient(base_url=configuration.base_url, event_hooks={"request": [counter.acount]},
                             transport=transport)
    return AsyncSessiondClient(configuration, http=http)


async def test_concurrent_appends_share_requests_and_keep_each_sessions_order(configuration, unique):
    counter = Counter()
    async with async_client(configuration, counter) as client:
        ids = [f"{unique}-agent-{n}" for n in range(24)]
        for session_id in ids:
            await client.create_session(session_id)

        async def agent(session_id: str) -> None:
            for turn in range(6):
                answer = await client.append(session_id, message(f"{session_id} turn {turn}"))
                assert answer["status"] == 201 and answer["version"] == turn + 2

        await asyncio.gather(*(agent(session_id) for session_id in ids))
        assert counter.appends == 24 * 6
        # With two requests in flight, the appends made meanwhile leave together in the next ones.
        assert counter.requests <= counter.appends // 4, (counter.requests, counter.appends)
        for session_id in ids:
            assert await contents(client, session_id) == [f"{session_id} turn {turn}" for turn in range(6)]


async def test_a_lone_append_is_sent_at_once(configuration, unique):
    counter = Counter()
    async with async_client(configuration, counter) as client:
        await client.create_session(f"{unique}-alone")
        for turn in range(3):
            await client.append(f"{unique}-alone", message(f"turn {turn}"))
            assert (counter.requests, counter.appends) == (turn + 1, turn + 1)


async def test_one_failing_append_fails_only_itself(configuration, unique):
    async with AsyncSessiondClient(configuration) as client:
        ids = [f"{unique}-ok-{n}" for n in range(8)]
        for session_id in ids:
            await client.create_session(session_id)
        outcomes = await asyncio.gather(
            *(client.append(session_id, message("fine")) for session_id in ids),
            client.append(f"{unique}-missing", message("lost")),
            client.append(ids[0], message("stale"), if_match=7),
            client.append_batch(ids[1], [message("fine"), {"type": "message", "role": "robot"}]),
            return_exceptions=True)
        assert all(outcome["status"] == 201 for outcome in outcomes[:8])
        assert isinstance(outcomes[8], NotFoundError) and outcomes[8].code == "session_not_found"
        assert isinstance(outcomes[9], ConflictError) and outcomes[9].code == "wrong_expected_version"
        assert outcomes[10].status == 400 and outcomes[10].field == "items[1].role"
        assert await contents(client, ids[0]) == ["fine"]
        assert await contents(client, ids[1]) == ["fine"]


class DropsFirstAnswer(httpx.AsyncBaseTransport):
    """Delivers the first append request, then loses its answer (as a connection cut after the write would)."""

    def __init__(self) -> None:
        self.inner = httpx.AsyncHTTPTransport()
        self.dropped = False

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        if request.url.path == BATCH_PATH and not self.dropped:
            self.dropped = True
            await response.aread()
            raise httpx.ReadError("connection lost after the request was sent", request=request)
        return response

    async def aclose(self) -> None:
        await self.inner.aclose()


async def test_a_lost_answer_is_retried_without_appending_twice(configuration, unique):
    counter = Counter()
    transport = DropsFirstAnswer()
    async with async_client(replace(configuration, retries=2, backoff=0.01), counter, transport) as client:
        await client.create_session(f"{unique}-retried")
        answer = await client.append(f"{unique}-retried", message("once"))
        assert transport.dropped and counter.requests == 2
        assert answer["deduplicated"] is True and answer["version"] == 2
        assert await contents(client, f"{unique}-retried") == ["once"]


def test_threads_sharing_a_sync_client_share_requests(configuration, unique):
    counter = Counter()
    http = httpx.Client(base_url=configuration.base_url, event_hooks={"request": [counter.count]})
    with SessiondClient(configuration, http=http) as client:
        ids = [f"{unique}-thread-{n}" for n in range(16)]
        for session_id in ids:
            client.create_session(session_id)
        failures: list[BaseException] = []

        def agent(session_id: str) -> None:
            try:
                for turn in range(8):
                    client.append(session_id, message(f"{session_id} turn {turn}"))
                with pytest.raises(NotFoundError):
                    client.append(f"{session_id}-missing", message("lost"))
            except BaseException as failure:  # reported by the main thread
                failures.append(failure)

        threads = [threading.Thread(target=agent, args=(session_id,)) for session_id in ids]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert not failures, failures
        assert not any(thread.is_alive() for thread in threads)
        assert counter.appends == 16 * 9
        assert counter.requests < counter.appends, (counter.requests, counter.appends)
        for session_id in ids:
            items = client.items(session_id)["items"]
            assert [entry["item"]["content"] for entry in items] == [f"{session_id} turn {turn}" for turn in range(8)]


async def test_sessions_made_without_a_client_share_one_per_loop_and_configuration(configuration, unique):
    from sessiond_client.agents import SessiondSession

    first, second = (SessiondSession(f"{unique}-{n}", configuration=configuration) for n in (1, 2))
    other = SessiondSession(f"{unique}-3", configuration=replace(configuration, namespace=f"ns-{unique}"))
    assert first._client is second._client
    assert other._client is not first._client
    # Both sessions' appends go through the one client and land in their own sessions.
    await asyncio.gather(first.add_items([{"role": "user", "content": "one"}]),
                         second.add_items([{"role": "user", "content": "two"}]))
    assert [item["content"] for item in await first.get_items()] == ["one"]
    assert [item["content"] for item in await second.get_items()] == ["two"]


def test_each_event_loop_gets_its_own_shared_client(configuration):
    async def shared():
        return AsyncSessiondClient.shared(configuration)

    assert asyncio.run(shared()) is not asyncio.run(shared())


async def test_a_malformed_append_fails_alone_when_its_batch_is_refused(configuration, unique):
    from sessiond_client import SessiondError

    async with AsyncSessiondClient(configuration) as client:
        ids = [f"{unique}-shape-{n}" for n in range(4)]
        for session_id in ids:
            await client.create_session(session_id)
        # if_match=-1 is not a version: the server refuses the whole request it travels in.
        outcomes = await asyncio.gather(
            *(client.append(session_id, message("fine"), if_match=-1 if n == 2 else None)
              for n, session_id in enumerate(ids)),
            return_exceptions=True)
        assert [type(outcome).__name__ for outcome in outcomes] == ["dict", "dict", "SessiondError", "dict"]
        assert isinstance(outcomes[2], SessiondError) and outcomes[2].status == 400
        for n, session_id in enumerate(ids):
            assert await contents(client, session_id) == ([] if n == 2 else ["fine"])


def test_a_promoted_caller_whose_append_was_taken_hands_its_turn_on():
    """Threads on a queue with two requests in flight and an instant send: a caller promoted to send whose append
    another sender took must still hand its turn on, or the queue ends with a request slot never given back."""
    from sessiond_client.appends import AppendQueue

    for _ in range(2):
        queue = AppendQueue(lambda entries: [{"status": 201, "entry": entry} for entry in entries], max_in_flight=2)

        def agent(n: int) -> None:
            for turn in range(5000):
                entry = f"{n}-{turn}".encode()
                assert queue.submit(str(n), entry)["entry"] == entry

        threads = [threading.Thread(target=agent, args=(n,)) for n in range(16)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert (queue._in_flight, queue._waiting) == (0, [])



class _Recorder:
    """A send that records which sessions each request carries and whether a session was in two at once."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.on_the_way: set[str] = set()
        self.overlaps: list[str] = []
        self.sent: list[str] = []
        self.requests = 0

    def arrive(self, entries: list[bytes]) -> set[str]:
        sessions = {entry.decode().split(":")[0] for entry in entries}
        with self.lock:
            self.requests += 1
            self.overlaps.extend(sessions & self.on_the_way)
            self.on_the_way |= sessions
            self.sent.extend(entry.decode() for entry in entries)
        return sessions

    def leave(self, sessions: set[str]) -> None:
        with self.lock:
            self.on_the_way -= sessions


def test_a_sessions_appends_never_ride_in_two_requests_at_once():
    """Threads appending to shared sessions, two requests in flight: an append waits while its session has one on
    the way, so one session's appends leave, and are applied, in the order they were made; every append is sent
    once and the queue ends idle. (Without the wait, two threads of one session land in both requests.)"""
    from sessiond_client.appends import AppendQueue

    recorder = _Recorder()

    def send(entries: list[bytes]) -> list[dict]:
        sessions = recorder.arrive(entries)
        time.sleep(0.0005)
        recorder.leave(sessions)
        return [{"status": 201} for _ in entries]

    queue = AppendQueue(send, max_in_flight=2)

    def agent(n: int) -> None:
        for turn in range(150):
            queue.submit(f"s{n % 3}", f"s{n % 3}:{n}-{turn}".encode())

    threads = [threading.Thread(target=agent, args=(n,)) for n in range(9)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert recorder.overlaps == []
    assert sorted(recorder.sent) == sorted(f"s{n % 3}:{n}-{turn}" for n in range(9) for turn in range(150))
    assert recorder.requests < 9 * 150
    assert (queue._in_flight, queue._waiting, dict(+queue._busy)) == (0, [], {})


async def test_async_appends_of_a_session_never_ride_in_two_requests_at_once():
    from sessiond_client.appends import AsyncAppendQueue

    recorder = _Recorder()

    async def send(entries: list[bytes]) -> list[dict]:
        sessions = recorder.arrive(entries)
        await asyncio.sleep(0.0005)
        recorder.leave(sessions)
        return [{"status": 201} for _ in entries]

    queue = AsyncAppendQueue(send, max_in_flight=2)

    pause = random.Random(2026)

    async def agent(n: int) -> None:
        for turn in range(100):
            await queue.submit(f"s{n % 4}", f"s{n % 4}:{n}-{turn}".encode())
            # Out of step, so that appends arrive while a request is on the way and a second one leaves.
            await asyncio.sleep(pause.random() / 2000)

    await asyncio.gather(*(agent(n) for n in range(12)))
    assert recorder.overlaps == []
    assert sorted(recorder.sent) == sorted(f"s{n % 4}:{n}-{turn}" for n in range(12) for turn in range(100))
    assert (queue._in_flight, queue._waiting, dict(+queue._busy)) == (0, [], {})
