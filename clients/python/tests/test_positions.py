"""Read-your-writes across nodes: the clients carry `Sessiond-Position` from every answer to their later requests
(positions.py), so behind a balancer that alternates between two nodes sharing one PostgreSQL log a read sees the
client's own write at once; and a log replaced under a client (the position it carries is past the new log's end)
does not leave it refused."""

import asyncio
import os
import shutil
import subprocess
import uuid

import pytest
from alternating import Alternating
from daemon import Daemon

from sessiond_client import AsyncSessiondClient, ClientConfiguration, SessiondClient
from sessiond_client.positions import PositionFloor

ROUNDS = 60


def item(text: str) -> dict:
    return {"type": "message", "role": "user", "text": text, "item": {"role": "user", "content": text}}


@pytest.fixture(scope="module")
def balancer():
    """Two nodes on a fresh database of the test PostgreSQL server, behind a round-robin proxy that does not carry
    positions itself."""
    url = os.environ.get("SESSIOND_TEST_POSTGRES_URL")
    if not url:
        pytest.skip("SESSIOND_TEST_POSTGRES_URL is not set (tools/test starts a PostgreSQL server)")
    database = "adapters_" + uuid.uuid4().hex[:8]
    subprocess.run(["psql", url, "-X", "-q", "-c", f"CREATE DATABASE {database}"], check=True)
    log = f"{url.split('?')[0].rsplit('/', 1)[0]}/{database}?sslmode=disable"
    nodes = [Daemon(log=log), Daemon(log=log)]
    for node in nodes:
        node.start()
    proxy = Alternating([node.port for node in nodes], carry_position=False).start()
    yield proxy
    proxy.stop()
    for node in nodes:
        assert node.stop() == 0, f"sessiond did not shut down cleanly; see {node.log_path}"


def assert_every_request_carried_what_came_before(proxy: Alternating) -> None:
    """Each request (one at a time here) carried at least the highest position an earlier answer reported."""
    highest = 0
    for carried, answered in proxy.exchanges:
        if highest:
            assert carried is not None and carried >= highest, (carried, highest)
        highest = max(highest, answered or 0)
    assert highest > 0


def test_the_sync_client_reads_its_writes_on_either_node(balancer, unique):
    balancer.exchanges.clear()
    with SessiondClient(ClientConfiguration(base_url=balancer.url, retries=0)) as client:
        session_id = f"{unique}-sync"
        client.create_session(session_id)
        for n in range(ROUNDS):
            client.append(session_id, item(f"turn {n}"))
            # A fresh read each time (not the client's kept items): the node that answers must have the write.
            assert [i["content"] for i in client.items(session_id, bodies_only=True)["items"]][-1] == f"turn {n}"
            assert client.item_bodies(session_id)[-1]["content"] == f"turn {n}"
    assert_every_request_carried_what_came_before(balancer)


def test_the_async_client_reads_its_writes_on_either_node(balancer, unique):
    balancer.exchanges.clear()

    async def run() -> None:
        async with AsyncSessiondClient(ClientConfiguration(base_url=balancer.url, retries=0)) as client:
            session_id = f"{unique}-async"
            await client.create_session(session_id)
            for n in range(ROUNDS):
                await client.append(session_id, item(f"turn {n}"))
                page = await client.items(session_id, bodies_only=True)
                assert [i["content"] for i in page["items"]][-1] == f"turn {n}"
                assert (await client.item_bodies(session_id))[-1]["content"] == f"turn {n}"

    asyncio.run(run())
    assert_every_request_carried_what_came_before(balancer)


def test_a_client_whose_log_was_replaced_starts_its_position_again(unique):
    node = Daemon(log="")
    node.start()
    try:
        with SessiondClient(ClientConfiguration(base_url=node.url, retries=0)) as client:
            for n in range(5):
                client.create_session(f"{unique}-before-{n}")
            assert client._floor.value >= 5
            assert client.item_bodies(f"{unique}-before-0") == [] and len(client._items) == 1
            # The data directory wiped under the client: its position is past the new log's end.
            assert node.stop() == 0
            shutil.rmtree(node.data)
            node.start(keep_port=True)
            assert client.list_sessions() == []
            assert len(client._items) == 0  # the replaced log's items are not kept
            client.create_session(f"{unique}-after")
            assert client.get_session(f"{unique}-after")["id"] == f"{unique}-after"
            assert client.item_bodies(f"{unique}-after") == []
            assert client._floor.value < 5
    finally:
        assert node.stop() == 0


def test_a_refusal_resets_only_the_position_it_refused():
    """Two requests refused for the old log's position: the second refusal must not undo the position another
    answer brought from the new log meanwhile."""
    floor = PositionFloor()
    refusal = b'{"error":{"field":"Sessiond-Position","message":"position 10 is past the end of the log (3)"}}'
    floor.saw("10")
    assert floor.refused(400, refusal, carried=10) and floor.value == 0
    floor.saw("3")
    assert floor.refused(400, refusal, carried=10) and floor.value == 3
    assert not floor.refused(404, refusal, carried=3) and floor.value == 3
    assert not floor.refused(400, b'{"error":{"field":"title"}}', carried=3) and floor.value == 3
