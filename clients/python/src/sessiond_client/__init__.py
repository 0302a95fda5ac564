"""sessiond's Python client, and drop-in session stores for agent frameworks.

- :class:`SessiondClient`, :class:`AsyncSessiondClient`: the native HTTP API.
- ``sessiond_client.agents.SessiondSession``: the OpenAI Agents SDK's ``Session`` (extra ``agents``).
- ``sessiond_client.adk.SessiondSessionService``: Google ADK's ``BaseSessionService`` (extra ``adk``).
"""

from .client import AsyncSessiondClient, ClientConfiguration, SessiondClient
from .errors import ConflictError, NotFoundError, SessiondError

__all__ = [
    "AsyncSessiondClient",
    "ClientConfiguration",
    "ConflictError",
    "NotFoundError",
    "SessiondClient",
    "SessiondError",
]
