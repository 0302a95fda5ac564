"""Mixpeek agent-sessions API driven by mixpeek==1.3.783 (the generated client validates every response)."""

import uuid

import pytest
from mixpeek import AgentSessionsApi, ApiClient, Configuration, ListSessionsRequest, SessionStatus
from mixpeek.exceptions import NotFoundException, UnauthorizedException
from mixpeek.rest import ApiException


def client(server_url, namespace, token="sk_test"):
    cfg = Configuration(host=server_url)
    if token is not None:
        cfg.access_token = token
    if namespace is not None:
        cfg.api_key = {"NamespaceHeader": namespace}
    return ApiClient(cfg)


@pytest.fixture()
def namespace():
    return "ns_" + uuid.uuid4().hex[:8]


@pytest.fixture()
def api(server_url, namespace):
    with client(server_url, namespace) as c:
        yield AgentSessionsApi(c)


def create(api, **kwargs):
    from mixpeek import AgentConfig, CreateSessionRequest

    return api.create_session_agents(CreateSessionRequest(agent_config=AgentConfig(), **kwargs))


def test_create_get_patch_terminate(api, namespace):
    created = create(api, user_id="u1", user_memory={"likes": "tea"})
    assert created.session_id.startswith("ses_")
    assert created.namespace_id == namespace
    assert created.status == SessionStatus.ACTIVE
    fetched = api.get_session_agents(created.session_id)
    assert fetched.user_id == "u1"
    assert fetched.user_memory == {"likes": "tea"}
    assert fetched.agent_config.model == "claude-sonnet-4-5-20250929"
    from mixpeek import PatchSessionRequest

    patched = api.patch_session_agents(created.session_id, PatchSessionRequest(user_memory={"likes": "coffee"}))
    assert patched.session_id == created.session_id
    assert api.get_session_agents(created.session_id).user_memory == {"likes": "coffee"}
    terminated = api.terminate_session_agents(created.session_id)
    assert terminated.status == SessionStatus.TERMINATED
    assert api.get_session_agents(created.session_id).status == SessionStatus.TERMINATED


def test_history(api):
    created = create(api)
    history = api.get_history_agents_sessions(created.session_id, limit=10)
    assert history.session_id == created.session_id
    assert history.messages == [] and history.total_messages == 0 and history.has_more is False


def test_unknown_session_is_404(api):
    with pytest.raises(NotFoundException) as raised:
        api.get_session_agents("ses_missing")
    assert raised.value.status == 404
    assert raised.value.data.error.type == "NotFoundError"
    with pytest.raises(NotFoundException):
        api.terminate_session_agents("ses_missing")


def test_missing_key_is_401(server_url, namespace):
    with client(server_url, namespace, token=None) as c:
        with pytest.raises(UnauthorizedException) as raised:
            AgentSessionsApi(c).list_sessions_agents()
    assert raised.value.status == 401
    assert raised.value.data.success is False
    assert raised.value.data.status == 401


def test_missing_namespace_is_401(server_url):
    with client(server_url, None) as c:
        with pytest.raises(UnauthorizedException):
            AgentSessionsApi(c).list_sessions_agents()


def test_other_namespace_is_404(api, server_url):
    created = create(api)
    with client(server_url, "ns_someone_else") as c:
        other = AgentSessionsApi(c)
        with pytest.raises(NotFoundException):
            other.get_session_agents(created.session_id)
        with pytest.raises(NotFoundException):
            other.terminate_session_agents(created.session_id)
        listed = other.list_sessions_agents(include_total=True)
        assert created.session_id not in [s.session_id for s in listed.results]


def test_list_by_status(api):
    active = create(api)
    terminated = create(api)
    api.terminate_session_agents(terminated.session_id)
    for status, expected in [(SessionStatus.ACTIVE, active), (SessionStatus.TERMINATED, terminated)]:
        page = api.list_sessions_agents(list_sessions_request=ListSessionsRequest(status=status), include_total=True)
        assert [s.session_id for s in page.results] == [expected.session_id]
        assert page.total == 1
    for status in (SessionStatus.IDLE, SessionStatus.ARCHIVED):
        page = api.list_sessions_agents(list_sessions_request=ListSessionsRequest(status=status))
        assert page.results == [] and page.total == 0


def test_list_filters_and_sort(api):
    a = create(api, user_id="alice")
    b = create(api, user_id="bob")
    c = create(api, user_id="alice")
    page = api.list_sessions_agents(list_sessions_request=ListSessionsRequest(filters={"user_id": "alice"}))
    assert [s.session_id for s in page.results] == [c.session_id, a.session_id]  # default: created_at desc
    page = api.list_sessions_agents(
        list_sessions_request=ListSessionsRequest(
            filters={"user_id": {"in": ["alice", "bob"]}}, sort={"field": "created_at", "direction": "asc"}
        )
    )
    assert [s.session_id for s in page.results] == [a.session_id, b.session_id, c.session_id]
    page = api.list_sessions_agents(
        list_sessions_request=ListSessionsRequest(filters={"user_id": {"$ne": "alice"}, "message_count": {"gte": 0}})
    )
    assert [s.session_id for s in page.results] == [b.session_id]
    page = api.list_sessions_agents(
        list_sessions_request=ListSessionsRequest(
            filters={"OR": [{"field": "user_id", "operator": "eq", "value": "BOB"}], "case_sensitive": False}
        )
    )
    assert [s.session_id for s in page.results] == [b.session_id]
    page = api.list_sessions_agents(
        list_sessions_request=ListSessionsRequest(filters={"agent_config.model": {"starts_with": "claude"}})
    )
    assert page.total == 3


def test_list_unknown_filter_field_is_400(api):
    from mixpeek.exceptions import BadRequestException

    with pytest.raises(BadRequestException) as raised:
        api.list_sessions_agents(list_sessions_request=ListSessionsRequest(filters={"no_such_field": 1}))
    assert "no_such_field" in raised.value.data.error.message
    with pytest.raises(BadRequestException) as raised:
        api.list_sessions_agents(list_sessions_request=ListSessionsRequest(filters={"user_id": {"$regexp": "x"}}))
    assert "$regexp" in raised.value.data.error.message


def test_cursor_paging_to_the_end(api):
    created = {create(api).session_id for _ in range(5)}
    seen = []
    page = api.list_sessions_agents(limit=2, include_total=True)
    assert page.total == 5
    while True:
        seen.extend(s.session_id for s in page.results)
        cursor = page.pagination.get("next_cursor")
        if not cursor:
            assert page.pagination["has_more"] is False
            break
        page = api.list_sessions_agents(limit=2, cursor=cursor, include_total=True)
        assert page.total == 5
    assert len(seen) == 5 and set(seen) == created
    # Aliases: page_size for limit, next_cursor / after for cursor, page for offset.
    first = api.list_sessions_agents(page_size=3)
    assert len(first.results) == 3
    rest = api.list_sessions_agents(page_size=3, after=first.pagination["next_cursor"])
    assert len(rest.results) == 2
    second_page = api.list_sessions_agents(limit=2, page=2)
    assert [s.session_id for s in second_page.results] == seen[2:4]


def test_empty_list_body_is_accepted(api):
    page = api.list_sessions_agents()
    assert page.total == 0 and page.results == []


def test_undeclared_key_is_422(server_url, namespace):
    import httpx

    response = httpx.post(
        server_url + "/v1/agents/sessions/list",
        json={"bogus": 1},
        headers={"Authorization": "Bearer sk", "X-Namespace": namespace},
    )
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "extra_forbidden"
