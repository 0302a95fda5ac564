"""openai-agents' own expectations of a session store (its SQLiteSession tests, ported), run case by case
against the SDK's SQLiteSession and against SessiondSession on a real `sessiond serve`."""

import asyncio

import pytest
from agents import Agent, Runner, SQLiteSession
from agents.memory.session_settings import SessionSettings

from scripted_models import ScriptedOpenAIModel, openai_text
from sessiond_client.agents import SessiondSession

STORES = ["sqlite", "sessiond"]


@pytest.fixture(params=STORES)
async def make_session(request, tmp_path, unique):
    """A factory of sessions on the store under test, closed afterwards."""
    made = []

    def make(session_id: str, settings: SessionSettings | None = None):
        if request.param == "sqlite":
            session = SQLiteSession(session_id, tmp_path / "sessions.db", session_settings=settings)
        else:
            session = SessiondSession(
                f"{unique}-{session_id}", configuration=request.getfixturevalue("configuration"), session_settings=settings)
        made.append(session)
        return session

    yield make
    for session in made:
        if isinstance(session, SQLiteSession):
            session.close()
        else:
            await session.close()


async def test_add_get_and_clear(make_session):
    session = make_session("direct_test")
    items = [{"role": "user", "content": "Hello"}, {"role": "assistant", "content": "Hi there!"}]
    await session.add_items(items)
    retrieved = await session.get_items()
    assert [(i.get("role"), i.get("content")) for i in retrieved] == [("user", "Hello"), ("assistant", "Hi there!")]
    await session.clear_session()
    assert await session.get_items() == []


async def test_pop_item(make_session):
    session = make_session("pop_test")
    assert await session.pop_item() is None
    await session.add_items([
        {"role": "user", "content": "Hello"},
        {"role": "assistant", "content": "Hi there!"},
        {"role": "user", "content": "How are you?"},
    ])
    assert len(await session.get_items()) == 3
    popped = await session.pop_item()
    assert (popped.get("role"), popped.get("content")) == ("user", "How are you?")
    remaining = await session.get_items()
    assert len(remaining) == 2 and remaining[-1].get("content") == "Hi there!"
    assert (await session.pop_item()).get("content") == "Hi there!"
    assert (await session.pop_item()).get("content") == "Hello"
    assert await session.pop_item() is None
    assert await session.get_items() == []


async def test_pop_affects_only_its_session(make_session):
    one, two = make_session("session_1"), make_session("session_2")
    await one.add_items([{"role": "user", "content": "Session 1 message"}])
    await two.add_items([
        {"role": "user", "content": "Session 2 message 1"}, {"role": "user", "content": "Session 2 message 2"},
    ])
    assert (await two.pop_item()).get("content") == "Session 2 message 2"
    assert [i.get("content") for i in await one.get_items()] == ["Session 1 message"]
    assert [i.get("content") for i in await two.get_items()] == ["Session 2 message 1"]


async def test_get_items_with_limit(make_session):
    session = make_session("count_test")
    contents = ["Message 1", "Response 1", "Message 2", "Response 2", "Message 3", "Response 3"]
    await session.add_items([
        {"role": "user" if n % 2 == 0 else "assistant", "content": text} for n, text in enumerate(contents)
    ])
    assert [i.get("content") for i in await session.get_items()] == contents
    assert [i.get("content") for i in await session.get_items(limit=2)] == contents[-2:]
    assert [i.get("content") for i in await session.get_items(limit=4)] == contents[-4:]
    assert [i.get("content") for i in await session.get_items(limit=10)] == contents
    assert await session.get_items(limit=0) == []


async def test_session_settings_limit_is_the_default(make_session):
    session = make_session("settings_test", SessionSettings(limit=3))
    await session.add_items([{"role": "user", "content": f"m{n}"} for n in range(5)])
    assert [i.get("content") for i in await session.get_items()] == ["m2", "m3", "m4"]
    assert len(await session.get_items(limit=5)) == 5


async def test_items_round_trip_exactly(make_session):
    session = make_session("unicode_test")
    items = [
        {"role": "user", "content": "こんにちは 😊 \"quoted\" \\ back/slash \n newline"},
        {"type": "function_call", "call_id": "call_1", "name": "lookup", "arguments": '{"q": "ü", "n": 3}', "id": "fc_1",
         "status": "completed"},
        {"type": "function_call_output", "call_id": "call_1", "output": "{\"answer\": 42, \"ratio\": 0.5, \"ok\": true}"},
        {"role": "assistant", "content": [{"type": "output_text", "text": "42", "annotations": []}], "type": "message",
         "id": "msg_1", "status": "completed"},
    ]
    await session.add_items(items)
    assert await session.get_items() == items


async def test_concurrent_adds_all_land(make_session):
    session = make_session("concurrent_test")
    await asyncio.gather(*(session.add_items([{"role": "user", "content": f"m{n}"}]) for n in range(10)))
    assert sorted(i.get("content") for i in await session.get_items()) == sorted(f"m{n}" for n in range(10))


async def test_runner_keeps_history_between_turns(make_session):
    session = make_session("runner_test")
    model = ScriptedOpenAIModel([[openai_text("San Francisco")], [openai_text("California")]])
    agent = Agent(name="test", model=model)
    first = await Runner.run(agent, "What city is the Golden Gate Bridge in?", session=session)
    assert first.final_output == "San Francisco"
    second = await Runner.run(agent, "What state is it in?", session=session)
    assert second.final_output == "California"
    assert len(model.inputs[-1]) == 3  # the first question, its answer, and the new question
    assert len(await session.get_items()) == 4


async def test_runner_sessions_are_separate(make_session):
    cats, dogs = make_session("cats"), make_session("dogs")
    model = ScriptedOpenAIModel([[openai_text("cats")], [openai_text("dogs")], [openai_text("you said cats")]])
    agent = Agent(name="test", model=model)
    await Runner.run(agent, "I like cats", session=cats)
    await Runner.run(agent, "I like dogs", session=dogs)
    result = await Runner.run(agent, "What did I say I like?", session=cats)
    assert result.final_output == "you said cats"
    assert [i.get("content") for i in model.inputs[-1] if i.get("role") == "user"] == [
        "I like cats", "What did I say I like?"]
