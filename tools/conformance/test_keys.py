"""API keys with the real clients: a daemon with keys (made by `sessiond keys create`) refuses requests without
a valid one and scopes each key to its namespace; the Mix SDK sends the key through its httpx client's headers,
the Mixpeek client through `access_token`. On the PostgreSQL store, nodes on one database share their keys
(decision 0168), so these daemons get a database of their own: the suite's other nodes must stay open."""

import contextlib
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import httpx
import pytest
from mix_python_sdk import Mix, errors, models
from mixpeek import AgentSessionsApi, ApiClient, Configuration
from mixpeek.exceptions import NotFoundException, UnauthorizedException

import contract
from conftest import eventually, next_event, running
from daemon import Daemon

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "pg"))
from database import FreshDatabase  # noqa: E402

LOG = os.environ.get("SESSIOND_CONFORMANCE_LOG", "")
on_postgres = pytest.mark.skipif(not LOG.startswith("postgres"), reason="the PostgreSQL store")


@contextlib.contextmanager
def own_log():
    """A log of their own for daemons with keys: a fresh database on the PostgreSQL store, else the data directory."""
    if not LOG.startswith("postgres"):
        yield None
        return
    with FreshDatabase(LOG, "keys") as url:
        yield url


def keys_cli(daemon, *args):
    """Runs `sessiond keys ARGS` on the daemon's data directory; returns its standard output."""
    return subprocess.run([daemon.binary, "keys", *args, "--data", str(daemon.data)], check=True,
                          capture_output=True, text=True).stdout


def create_key(daemon, namespace):
    return keys_cli(daemon, "create", "--namespace", namespace).strip()


@pytest.fixture(scope="module")
def keyed():
    with own_log() as log:
        daemon = Daemon(log=log)
        keys = {"a": create_key(daemon, "team-a"), "b": create_key(daemon, "team-b")}
        listed = keys_cli(daemon, "list")
        assert "team-a" in listed and "team-b" in listed
        assert keys["a"] not in listed and keys["b"] not in listed, "keys list must never show a key"
        with running(daemon) as url:
            yield url, keys, daemon


def mix_client(url, key):
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    return Mix(server_url=url, client=httpx.Client(headers=headers, event_hooks={"response": [contract.check]}))


def test_mix_sdk_with_a_key_and_namespace_scoping(keyed):
    url, keys, _ = keyed
    with mix_client(url, keys["a"]) as mix_a, mix_client(url, keys["b"]) as mix_b:
        created = mix_a.sessions.create(title="keyed", browser_mode="local-browser-service")
        assert mix_a.sessions.get(id=created.id).id == created.id
        with pytest.raises(errors.ErrorResponse) as raised:
            mix_b.sessions.get(id=created.id)
        assert raised.value.status_code == 404
        assert created.id not in [s.id for s in mix_b.sessions.list()]


def creations_and_deletions_until(stream, sentinel):
    """The `session_created` and `session_deleted` events a Mix stream sends until `sentinel`'s creation."""
    seen = []
    while True:
        event = next_event(stream)
        if event.event in ("session_created", "session_deleted"):
            seen.append((event.event, event.data.session_id, getattr(event.data, "title", None)))
            if event.event == "session_created" and event.data.session_id == sentinel:
                return seen


def test_the_mix_stream_shows_only_the_keys_namespace_and_no_deleted_title(keyed):
    url, keys, _ = keyed
    with mix_client(url, keys["a"]) as mix_a, mix_client(url, keys["b"]) as mix_b:
        theirs = mix_a.sessions.create(title="team a's secret", browser_mode="local-browser-service")
        doomed = mix_b.sessions.create(title="deleted for good", browser_mode="local-browser-service")
        mix_b.sessions.delete(id=doomed.id)
        mix_a.sessions.delete(id=theirs.id)
        own = mix_b.sessions.create(title="listening", browser_mode="local-browser-service")
        # From the log's start: everything the stream replays, then live.
        response = mix_b.streaming.stream_events(session_id=own.id, last_event_id="0", timeout_ms=20000)
        with response.result as stream:
            assert next_event(stream).event == "connected"
            replayed = creations_and_deletions_until(stream, own.id)
            mix_a.sessions.create(title="team a's live secret", browser_mode="local-browser-service")
            sentinel = mix_b.sessions.create(title="live", browser_mode="local-browser-service")
            live = creations_and_deletions_until(stream, sentinel.id)
    assert ("session_deleted", doomed.id, None) in replayed
    assert [seen for seen in replayed if seen[1] == doomed.id] == [("session_deleted", doomed.id, None)]
    assert all(session != theirs.id for _, session, _ in replayed)
    assert all("team a" not in (title or "") for _, _, title in replayed + live)
    assert live == [("session_created", sentinel.id, "live")]


def test_missing_or_wrong_key_is_401(keyed):
    url, _, _ = keyed
    for key in (None, "sk_" + uuid.uuid4().hex):
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        response = httpx.get(url + "/api/sessions", headers=headers)
        assert response.status_code == 401
        assert response.json()["error"]["type"] == "unauthorized"
    assert httpx.get(url + "/health").status_code == 200


def test_mixpeek_client_with_keys(keyed):
    url, keys, _ = keyed

    def api(key, namespace):
        cfg = Configuration(host=url)
        cfg.access_token = key
        cfg.api_key = {"NamespaceHeader": namespace}
        return ApiClient(cfg)

    from mixpeek import AgentConfig, CreateSessionRequest

    with api(keys["a"], "team-a") as a, api(keys["b"], "team-b") as b, api("sk_wrong", "team-a") as wrong:
        created = AgentSessionsApi(a).create_session_agents(CreateSessionRequest(agent_config=AgentConfig()))
        assert created.namespace_id == "team-a"
        with pytest.raises(NotFoundException):
            AgentSessionsApi(b).get_session_agents(created.session_id)
        with pytest.raises(UnauthorizedException):
            AgentSessionsApi(wrong).get_session_agents(created.session_id)


def test_revoked_key_stops_working(keyed):
    url, _, daemon = keyed
    key = create_key(daemon, "team-c")
    assert httpx.get(url + "/api/sessions", headers={"Authorization": f"Bearer {key}"}).status_code == 200
    listed = keys_cli(daemon, "list")
    key_id = next(line.split("\t")[0] for line in listed.splitlines() if "\tteam-c\t" in line)
    keys_cli(daemon, "revoke", key_id)
    assert httpx.get(url + "/api/sessions", headers={"Authorization": f"Bearer {key}"}).status_code == 401


def test_a_revoked_keys_open_streams_end(keyed):
    """A stream outlives the check at its start: revoking its key ends it (within a second or two), and resuming
    it is refused."""
    url, _, daemon = keyed
    key = create_key(daemon, "team-d")
    listed = keys_cli(daemon, "list")
    key_id = next(line.split("\t")[0] for line in listed.splitlines() if "\tteam-d\t" in line)
    headers = {"Authorization": f"Bearer {key}", "Accept": "text/event-stream"}
    with httpx.Client(base_url=url, headers=headers, timeout=15) as client:
        created = client.post("/api/sessions", json={"title": "d", "browserMode": "local-browser-service"})
        assert created.status_code == 201
        with client.stream("GET", "/v1/events/stream?after=0") as native, \
                client.stream("GET", f"/stream?sessionId={created.json()['id']}") as mix:
            assert native.status_code == 200 and mix.status_code == 200
            keys_cli(daemon, "revoke", key_id)
            started = time.monotonic()
            for stream in (native, mix):
                for _ in stream.iter_bytes():  # until the daemon ends it; the client's read timeout is 15 s
                    pass
            assert time.monotonic() - started < 10
        resumed = client.get("/v1/events/stream?after=0")
        assert resumed.status_code == 401


def status_with(url, key):
    return httpx.get(url + "/api/sessions", headers={"Authorization": f"Bearer {key}"}).status_code


@on_postgres
def test_keys_created_or_revoked_on_one_node_count_on_every_node():
    with own_log() as log:
        first, second = Daemon(log=log), Daemon(log=log)
        key = create_key(first, "team-a")
        with running(first) as one, running(second) as two:
            # The second node's data directory held no key: it took the first's before serving.
            assert status_with(two, key) == 200
            assert httpx.get(two + "/api/sessions").status_code == 401
            later = create_key(second, "team-b")
            eventually(lambda: status_with(one, later) == 200)
            key_id = next(line.split("\t")[0] for line in keys_cli(second, "list").splitlines() if "\tteam-a\t" in line)
            keys_cli(second, "revoke", key_id)
            eventually(lambda: status_with(one, key) == 401)
            assert status_with(two, key) == 401 and status_with(one, later) == 200
            # A data directory no daemon serves: `--log` merges the change into the shared keys at once.
            spare = Daemon(log=log)
            third = subprocess.run([spare.binary, "keys", "create", "--namespace", "team-c", "--data", str(spare.data),
                                    "--log", log], check=True, capture_output=True, text=True)
            assert "merged with the keys the nodes of the shared log hold" in third.stderr
            eventually(lambda: status_with(one, third.stdout.strip()) == 200)


def test_the_data_directory_is_private_to_its_user(tmp_path):
    """Every file and directory sessiond creates under --data is its user's alone (decision 0176): the log, the
    projections, blobs and keys hold conversations and guard access, whatever the caller's umask."""
    old_mask = os.umask(0o022)  # the common default, which would leave files 0644
    try:
        daemon = Daemon(log="", data=tmp_path / "data", log_path=tmp_path / "server.log")
        key = create_key(daemon, "private")
        with running(daemon) as url, mix_client(url, key) as mix:
            created = mix.sessions.create(title="private", browser_mode="local-browser-service")
            mix.messages.send(id=created.id, text="a secret")
            mix.files.upload_session_file(
                id=created.id, file=models.File(file_name="notes.txt", content=b"secret", content_type="text/plain"))
    finally:
        os.umask(old_mask)
    created_paths = [path for path in (tmp_path / "data").rglob("*")]
    assert any(path.name.endswith(".blob") or "blob" in str(path) for path in created_paths), created_paths
    assert any(path.suffix == ".sqlite" or "projection" in path.name for path in created_paths), created_paths
    shared = [(str(path), oct(path.stat().st_mode & 0o777)) for path in [tmp_path / "data", *created_paths]
              if path.stat().st_mode & 0o077]
    assert shared == []
