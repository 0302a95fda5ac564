"""Scripted models for the end-to-end tests: each framework's model interface, answering from a list of
prepared turns instead of the network, with token usage on every answer."""

from __future__ import annotations

import uuid
from collections.abc import AsyncGenerator, AsyncIterator
from typing import Any

from agents.items import ModelResponse
from agents.models.interface import Model
from agents.usage import Usage
from google.adk.models.base_llm import BaseLlm
from google.adk.models.llm_request import LlmRequest
from google.adk.models.llm_response import LlmResponse
from google.genai import types
from openai.types.responses import ResponseFunctionToolCall, ResponseOutputMessage, ResponseOutputText


def openai_text(text: str) -> ResponseOutputMessage:
    return ResponseOutputMessage(
        id=f"msg_{uuid.uuid4().hex[:12]}", type="message", role="assistant", status="completed",
        content=[ResponseOutputText(text=text, type="output_text", annotations=[])])


def openai_call(name: str, arguments: str, call_id: str) -> ResponseFunctionToolCall:
    return ResponseFunctionToolCall(id=f"fc_{call_id}", call_id=call_id, type="function_call", name=name, arguments=arguments)


class ScriptedOpenAIModel(Model):
    """Answers each model call with the next scripted output; records every input it was given."""

    def __init__(self, turns: list[list[Any]], input_tokens: int = 100, output_tokens: int = 20) -> None:
        self.turns = list(turns)
        self.inputs: list[Any] = []
        self.usage = (input_tokens, output_tokens)

    async def get_response(self, system_instructions, input, model_settings, tools, output_schema, handoffs,
                           tracing, *, previous_response_id, conversation_id, prompt) -> ModelResponse:
        self.inputs.append(input)
        output = self.turns.pop(0)
        inputs, outputs = self.usage
        usage = Usage(requests=1, input_tokens=inputs, output_tokens=outputs, total_tokens=inputs + outputs)
        return ModelResponse(output=output, usage=usage, response_id=None)

    def stream_response(self, *args: Any, **kwargs: Any) -> AsyncIterator[Any]:
        raise NotImplementedError("the scripted model does not stream")


class ScriptedGemini(BaseLlm):
    """An ADK model answering from scripted contents, each with usage metadata."""

    model: str = "scripted-gemini"
    turns: list[types.Content] = []
    requests: list[LlmRequest] = []

    async def generate_content_async(self, llm_request: LlmRequest, stream: bool = False) -> AsyncGenerator[LlmResponse, None]:
        self.requests.append(llm_request)
        content = self.turns.pop(0)
        yield LlmResponse(
            content=content, model_version=self.model,
            usage_metadata=types.GenerateContentResponseUsageMetadata(
                prompt_token_count=120, candidates_token_count=30, total_token_count=150))
