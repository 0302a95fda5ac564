"""Conditional item reads (items_cache.py, decision 0120): a session read before is revalidated with
`If-None-Match` and answered `304` while unchanged, its own writes keep it current, and a read is always as
current as an unconditional one — another client's write is seen at once. The unit tests drive the cache alone;
the others a real `sessiond serve`."""

import json

import pytest

from sessiond_client import AsyncSessiondClient, NotFoundError, SessiondClient
from sessiond_client.agents import SessiondSession
from sessiond_client.items_cache import ItemsCache


def body(version: int, items: list) -> bytes:
    # As the route writes it: `items` last, then a newline.
    return json.dumps({"sessionId": "s", "version": version, "items": items}, separators=(",", ":")).encode() + b"\n"


ITEMS = [{"role": "user", "content": "Hi"}, {"type": "function_call", "items": [1, {"items": "x"}], "name": "f"}]


def test_a_kept_answer_is_revalidated_and_read_back_as_new_objects():
    cache = ItemsCache()
    assert cache.etag("s", None) is None
    assert cache.store("s", None, body(3, ITEMS)) == ITEMS
    assert cache.etag("s", None) == '"3"'
    first = cache.hit("s", None, '"3"')
    assert first == ITEMS
    first[0]["content"] = "changed by the caller"
    first[1]["items"][1]["items"] = "changed deep down"
    first.append("more")
    assert cache.hit("s", None, '"3"') == ITEMS
    stored = cache.store("t", None, body(1, ITEMS))  # the parsed answer is the caller's too
    stored[0]["content"] = "changed"
    stored[1]["items"].append(3)
    assert cache.hit("t", None, '"1"') == ITEMS
    assert cache.hit("s", None, '"2"') is None  # the entry is not the state the server confirmed


def test_limited_reads_are_answered_from_any_entry_holding_enough_items():
    cache = ItemsCache()
    cache.store("s", 1, body(3, ITEMS[1:]))
    assert cache.etag("s", None) is None
    assert cache.etag("s", 2) is None
    assert cache.hit("s", 1, '"3"') == ITEMS[1:]
    assert cache.hit("s", 0, '"3"') == []
    cache.store("s", None, body(3, ITEMS))  # the whole list at the same version is wider: kept
    assert cache.hit("s", 1, '"3"') == ITEMS[1:]
    assert cache.hit("s", 5, '"3"') == ITEMS
    cache.store("s", 1, body(3, ITEMS[1:]))  # narrower at the same version: not kept
    assert cache.etag("s", None) == '"3"'
    cache.store("s", None, body(2, ITEMS[:1]))  # older: not kept
    assert cache.hit("s", None, '"3"') == ITEMS


def test_many_own_appends_stay_in_order():
    cache = ItemsCache()
    cache.store("s", None, body(1, []))
    added = [{"n": n, "pair": (n, n)} for n in range(30)]
    for n, item in enumerate(added):
        cache.after_append("s", [{"type": "message", "item": item}], {"version": n + 2, "events": ["message.appended"]})
    # As a fresh read would answer them: through JSON.
    assert cache.hit("s", None, '"31"') == [{"n": n, "pair": [n, n]} for n in range(30)]


def test_own_writes_keep_the_entry_current_only_when_nobody_else_wrote_between():
    cache = ItemsCache()
    cache.store("s", None, body(3, []))
    new = {"role": "assistant", "content": "é"}
    cache.after_append("s", [{"type": "message", "role": "assistant", "item": new}],
                       {"version": 4, "events": ["message.appended"]})
    assert cache.hit("s", None, '"4"') == [new]
    cache.after_append("s", [{"type": "message", "item": ITEMS[0]}, {"type": "message", "item": ITEMS[1]}],
                       {"version": 6, "events": ["message.appended", "message.appended"]})
    assert cache.hit("s", None, '"6"') == [new, *ITEMS]
    cache.after_append("s", [{"type": "pop"}], {"version": 7, "events": ["messages.removed"], "removedItems": [ITEMS[1]]})
    assert cache.hit("s", None, '"7"') == [new, ITEMS[0]]
    # Version 9 after one event: someone else wrote version 8, so what the items are is unknown.
    cache.after_append("s", [{"type": "message", "item": ITEMS[1]}], {"version": 9, "events": ["message.appended"]})
    assert cache.etag("s", None) == '"7"'
    cache.after_append("s", [{"type": "message", "item": ITEMS[1]}],
                       {"version": 7, "events": ["message.appended"], "deduplicated": True})
    assert cache.etag("s", None) == '"7"'
    cache.after_append("s", [{"type": "state", "delta": {"k": 1}}], {"version": 8, "events": ["state.updated"]})
    assert cache.etag("s", None) == '"7"'  # not an item append: left for the next read to fetch
    cache.after_append("s", [{"type": "clear"}], {"version": 8, "events": ["messages.removed"]})
    assert cache.hit("s", 3, '"8"') == []


def test_an_answer_of_the_items_appended_since_extends_the_entry_it_was_asked_for():
    cache = ItemsCache()
    cache.store("s", None, body(3, ITEMS[:1]))
    assert cache.holding_all("s") == 3
    delta = json.dumps({"sessionId": "s", "version": 5, "afterVersion": 3, "items": ITEMS[1:]}).encode() + b"\n"
    assert cache.store("s", None, delta) == ITEMS
    assert cache.hit("s", None, '"5"') == ITEMS
    nothing = json.dumps({"sessionId": "s", "version": 6, "afterVersion": 5, "items": []}).encode()
    assert cache.store("s", None, nothing) == ITEMS
    assert cache.etag("s", None) == '"6"'
    stale = json.dumps({"sessionId": "s", "version": 7, "afterVersion": 4, "items": ITEMS[:1]}).encode()
    assert cache.store("s", None, stale) is None  # not for the entry held: the caller reads the whole list
    assert cache.etag("s", None) == '"6"'
    more = [{"n": n} for n in range(12)]  # past the parts an entry keeps apart: merged, still in order
    for n, item in enumerate(more):
        answer = {"sessionId": "s", "version": 7 + n, "afterVersion": 6 + n, "items": [item]}
        assert cache.store("s", None, json.dumps(answer).encode()) == [*ITEMS, *more[:n + 1]]
    assert cache.hit("s", None, '"18"') == [*ITEMS, *more]


def test_memory_is_bounded_least_recently_used_first_out():
    cache = ItemsCache(max_bytes=400, max_sessions=2)
    for name in "abc":
        cache.store(name, None, body(1, ITEMS))
    assert len(cache) == 2 and cache.etag("a", None) is None
    assert cache.hit("b", None, '"1"') == ITEMS  # b is now the most recently used
    cache.store("d", None, body(1, [{"big": "x" * 250}]))
    assert cache.size <= 400
    assert cache.etag("b", None) == '"1"' and cache.etag("c", None) is None
    cache.store("e", None, body(1, [{"big": "x" * 500}]))  # larger than the whole bound: not kept
    assert cache.etag("e", None) is None and cache.etag("b", None) == '"1"'
    assert ItemsCache(max_bytes=0).store("s", None, body(1, ITEMS)) == ITEMS  # disabled: parsed, not kept


class Statuses:
    """Records the status (and answer) of every items read a client makes."""

    def __init__(self, client) -> None:
        self.seen: list[int] = []
        self.answers: list[dict] = []
        get = client._get

        async def spy(target, etag):
            response = await get(target, etag)
            if "/items?" in target:
                self.seen.append(response.status_code)
                self.answers.append(response.json() if response.status_code == 200 else {})
            return response

        client._get = spy


async def test_an_unchanged_session_loads_in_a_304_and_own_writes_stay_current(configuration, unique):
    async with AsyncSessiondClient(configuration) as client:
        statuses = Statuses(client)
        session = SessiondSession(f"{unique}-own", client=client)
        assert await session.get_items() == []
        await session.add_items(ITEMS)
        assert await session.get_items() == ITEMS
        assert await session.get_items() == ITEMS
        assert statuses.seen == [404, 200, 304]
        await session.add_items([{"role": "user", "content": "again"}])
        assert await session.get_items() == [*ITEMS, {"role": "user", "content": "again"}]
        assert await session.get_items(limit=2) == [ITEMS[1], {"role": "user", "content": "again"}]
        assert await session.pop_item() == {"role": "user", "content": "again"}
        assert await session.get_items() == ITEMS
        await session.clear_session()
        assert await session.get_items() == []
        assert await session.get_items(limit=1) == []
        assert statuses.seen == [404, 200, 304, 304, 304, 304, 304, 304]


async def test_another_clients_write_is_seen_by_the_next_read(configuration, unique):
    async with AsyncSessiondClient(configuration) as writer_client, AsyncSessiondClient(configuration) as reader_client:
        writer = SessiondSession(f"{unique}-shared", client=writer_client)
        reader = SessiondSession(f"{unique}-shared", client=reader_client)
        statuses = Statuses(reader_client)
        await writer.add_items(ITEMS[:1])
        assert await reader.get_items() == ITEMS[:1]
        assert await reader.get_items(limit=1) == ITEMS[:1]
        await writer.add_items(ITEMS[1:])
        assert await reader.get_items(limit=1) == ITEMS[1:]
        # The whole list the reader holds was brought up to date with what was appended since its version.
        assert statuses.answers[-1]["afterVersion"] == statuses.answers[0]["version"]
        assert statuses.answers[-1]["items"] == ITEMS[1:]
        assert await reader.get_items() == ITEMS
        assert statuses.seen[-1] == 304
        await writer.add_items([{"role": "user", "content": "third"}])
        assert await reader.get_items() == [*ITEMS, {"role": "user", "content": "third"}]
        assert statuses.answers[-1]["items"] == [{"role": "user", "content": "third"}]
        assert await writer.pop_item() == {"role": "user", "content": "third"}
        assert await writer.pop_item() == ITEMS[1]
        assert await reader.get_items() == ITEMS[:1]
        assert "afterVersion" not in statuses.answers[-1]  # removed since: the whole list
        await writer.clear_session()
        assert await reader.get_items() == []
        await writer.add_items(ITEMS)
        assert await reader.get_items() == ITEMS


def test_the_blocking_client_revalidates_too(configuration, unique):
    with SessiondClient(configuration) as writer, SessiondClient(configuration) as reader:
        sid = f"{unique}-sync"
        writer.create_session(sid)
        with pytest.raises(NotFoundError):
            reader.item_bodies(f"{unique}-missing")
        writer.append(sid, {"type": "message", "role": "user", "item": ITEMS[0]})
        assert reader.item_bodies(sid) == ITEMS[:1]
        assert reader.item_bodies(sid) == ITEMS[:1]
        writer.append(sid, {"type": "message", "role": "assistant", "item": ITEMS[1]})
        assert reader.item_bodies(sid) == ITEMS
        assert writer.item_bodies(sid, limit=1) == ITEMS[1:]


async def test_a_kept_own_append_reads_back_exactly_as_the_server_answers_it(configuration, unique):
    # Unsorted keys, a tuple, an integral float and an integer past 2^53: kept as the server stores them, so a
    # load from the kept items and one from the server give the same JSON text.
    item = {"z": 1, "role": "user", "content": "x", "meta": {"b": 2.0, "a": (1, 2.5), "big": 1732400000123456789}}
    async with AsyncSessiondClient(configuration) as writer_client, AsyncSessiondClient(configuration) as fresh_client:
        statuses = Statuses(writer_client)
        writer = SessiondSession(f"{unique}-form", client=writer_client)
        await writer.add_items(ITEMS[:1])
        assert await writer.get_items() == ITEMS[:1]
        await writer.add_items([item])
        kept = (await writer.get_items())[1:]
        assert statuses.seen[-1] == 304  # answered from the kept items
        served = (await SessiondSession(f"{unique}-form", client=fresh_client).get_items())[1:]
        assert json.dumps(kept) == json.dumps(served)
        assert list(kept[0]) == sorted(item) and kept[0]["meta"]["b"] == 2 and isinstance(kept[0]["meta"]["b"], int)


def test_a_negative_limit_is_refused_whatever_is_kept(configuration, unique):
    with SessiondClient(configuration) as client:
        sid = f"{unique}-negative"
        client.create_session(sid)
        client.item_bodies(sid)
        with pytest.raises(ValueError):
            client.item_bodies(sid, limit=-1)


def test_the_bytes_kept_follow_appends_extensions_and_pops():
    cache = ItemsCache()
    cache.store("s", None, body(1, ITEMS))
    stored = cache.size
    assert stored > 0
    cache.after_append("s", [{"type": "message", "item": {"role": "user", "content": "x" * 100}}],
                       {"version": 2, "events": ["message.appended"]})
    assert cache.size > stored + 100
    cache.after_append("s", [{"type": "pop"}], {"version": 3, "events": ["messages.removed"]})
    assert cache.size == stored
    cache.store("s", None, json.dumps({"sessionId": "s", "version": 4, "afterVersion": 3, "items": [ITEMS[1]]}).encode())
    assert cache.size > stored and cache.hit("s", None, '"4"') == [*ITEMS, ITEMS[1]]
    cache.after_append("s", [{"type": "clear"}], {"version": 5, "events": ["messages.removed"]})
    assert cache.size == 0
