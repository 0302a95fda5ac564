"""A real agent loop per framework with a scripted model (no network), stored through the adapter on its own
`sessiond serve`: then `sessiond export --position` of the middle of the conversation equals what the
framework had at that point, and the session's stats count its tokens and tool calls."""

import json
import subprocess

from agents import Agent, Runner, function_tool
from daemon import Daemon
from google.adk.agents import LlmAgent
from google.adk.events._rewind_events import _apply_rewinds
from google.adk.runners import Runner as AdkRunner
from google.genai import types

from scripted_models import ScriptedGemini, ScriptedOpenAIModel, openai_call, openai_text
from sessiond_client import AsyncSessiondClient, ClientConfiguration
from sessiond_client.adk import SessiondSessionService, sessiond_session_id
from sessiond_client.agents import SessiondSession

CITIES = ["Paris", "Rome", "Oslo"]


def export(daemon: Daemon, session_id: str, position: int) -> dict:
    """`sessiond export` on the stopped daemon's data directory, as of a log position."""
    completed = subprocess.run(
        [daemon.binary, "export", session_id, "--position", str(position), "--data", str(daemon.data)],
        check=True, capture_output=True, text=True)
    return json.loads(completed.stdout)


def exported_items(document: dict) -> list:
    return [message["item"] for message in document["messages"] if "item" in message]


async def test_openai_agent_loop_exports_as_the_framework_saw_it():
    daemon = Daemon()
    with daemon:
        client = AsyncSessiondClient(ClientConfiguration(base_url=daemon.url, retries=0))
        session = SessiondSession("e2e-openai", client=client)

        @function_tool
        def get_weather(city: str) -> str:
            """The weather in a city."""
            return f"Sunny in {city}"

        turns = []
        for n, city in enumerate(CITIES):
            turns += [[openai_call("get_weather", json.dumps({"city": city}), f"call_{n}")], [openai_text(f"Sunny in {city}.")]]
        model = ScriptedOpenAIModel(turns, input_tokens=100, output_tokens=20)
        agent = Agent(name="weather", model=model, tools=[get_weather])
        snapshots = []
        for city in CITIES:
            result = await Runner.run(agent, f"Weather in {city}?", session=session)
            assert result.final_output == f"Sunny in {city}."
            page = await client.items("e2e-openai")
            snapshots.append((page["items"][-1]["position"], await session.get_items()))
        popped = await session.pop_item()
        stats = await client.get_session("e2e-openai")
        await client.aclose()

    position, framework_items = snapshots[1]
    assert len(snapshots[0][1]) < len(framework_items) < len(snapshots[2][1])
    assert exported_items(export(daemon, "e2e-openai", position)) == framework_items
    # The pop is an event: the latest export lacks the item, an export before it still has it.
    last_position, all_items = snapshots[2]
    assert exported_items(export(daemon, "e2e-openai", last_position)) == all_items
    assert popped == all_items[-1]
    assert stats["totalToolCalls"] == 3
    assert stats["totalTokens"] == 6 * (100 + 20)


def weather(city: str) -> dict:
    """The weather in a city."""
    return {"forecast": f"Sunny in {city}"}


async def test_adk_agent_loop_exports_as_the_framework_saw_it():
    daemon = Daemon()
    with daemon:
        client = AsyncSessiondClient(ClientConfiguration(base_url=daemon.url, retries=0))
        service = SessiondSessionService(client=client)
        turns = []
        for city in CITIES:
            turns.append(types.Content(role="model", parts=[types.Part(function_call=types.FunctionCall(name="weather", args={"city": city}))]))
            turns.append(types.Content(role="model", parts=[types.Part(text=f"Sunny in {city}.")]))
        agent = LlmAgent(name="weather_agent", model=ScriptedGemini(turns=turns), tools=[weather])
        runner = AdkRunner(agent=agent, app_name="weather", session_service=service)
        await service.create_session(app_name="weather", user_id="u1", session_id="e2e", state={"user:units": "metric"})
        sessiond_id = sessiond_session_id("weather", "u1", "e2e")
        snapshots = []
        for city in CITIES:
            message = types.Content(role="user", parts=[types.Part(text=f"Weather in {city}?")])
            async for _ in runner.run_async(user_id="u1", session_id="e2e", new_message=message):
                pass
            page = await client.items(sessiond_id)
            held = await service.get_session(app_name="weather", user_id="u1", session_id="e2e")
            snapshots.append((page["items"][-1]["position"], [json.loads(e.model_dump_json(exclude_none=True)) for e in held.events]))
        stats = await client.get_session(sessiond_id)
        assert stats["state"]["user:units"] == "metric"
        # ADK's rewind of the last turn: ADK reads back every event, sessiond's live items are what ADK's model
        # sees after it, and the rewind is sessiond's own.
        last_turn = snapshots[2][1][len(snapshots[1][1])]["invocation_id"]
        await runner.rewind_async(user_id="u1", session_id="e2e", rewind_before_invocation_id=last_turn)
        rewound = await service.get_session(app_name="weather", user_id="u1", session_id="e2e")
        live = [entry["item"]["id"] for entry in (await client.items(sessiond_id))["items"]]
        after_rewind = await client.get_session(sessiond_id)
        await client.aclose()
    assert len(rewound.events) == len(snapshots[2][1]) + 1
    assert live == [event.id for event in _apply_rewinds(rewound.events)] == [e["id"] for e in snapshots[1][1]]
    assert after_rewind["version"] > stats["version"]

    position, framework_events = snapshots[1]
    assert len(snapshots[0][1]) < len(framework_events) < len(snapshots[2][1])
    assert exported_items(export(daemon, sessiond_id, position)) == framework_events
    assert stats["totalToolCalls"] == 3
    assert stats["totalTokens"] == 6 * 150
