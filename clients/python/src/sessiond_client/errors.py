"""The errors sessiond answers with, as exceptions: one class per status that callers act on."""

from __future__ import annotations

from typing import Any



class SessiondError(Exception):
    """A request sessiond refused or could not serve; carries the status, code, message and field."""

    def __init__(self, status: int, code: str, message: str, field: str | None = None) -> None:
        super().__init__(f"{status} {code}: {message}" + (f" ({field})" if field else ""))
        self.status = status
        self.code = code
        self.message = message
        self.field = field


class NotFoundError(SessiondError):
    """404: the session does not exist (or is another namespace's)."""


class ConflictError(SessiondError):
    """409: an expected version (If-Match) no longer holds, or an id is taken."""


def raise_for_response(response: Any) -> None:
    """Raises the matching :class:`SessiondError` for a 4xx/5xx response (an ``httpx.Response``, or anything with
    its ``status_code``, ``content`` and ``json()``); returns for anything else."""
    if response.status_code < 400:
        return
    try:
        body: Any = response.json()
    except ValueError:
        body = None
    raise error_for(response.status_code, body.get("error") if isinstance(body, dict) else None,
                    response.content[:200].decode(errors="replace"))


def error_for(status: int, error: Any, fallback_message: str = "") -> SessiondError:
    """The :class:`SessiondError` of a status and the ``error`` object of its body (native or Mix envelope)."""
    code, message, field = "http_error", fallback_message, None
    if isinstance(error, dict):
        # The native envelope names the code as a string; Mix's carries the status and a `type`.
        raw_code = error.get("code")
        code = raw_code if isinstance(raw_code, str) else str(error.get("type") or code)
        message = str(error.get("message") or message)
        field = error.get("field")
    kind = {404: NotFoundError, 409: ConflictError}.get(status, SessiondError)
    return kind(status, code, message, field)
