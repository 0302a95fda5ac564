"""One keep-alive HTTP/1.1 connection to a sessiond node, for load generators (a fresh connection per request
would run out of ephemeral ports at thousands of requests per second). Reconnects on the next request after a
failure, to the node's current port."""

import http.client
import json
from typing import Callable


class KeepAlive:
    def __init__(self, port: Callable[[], int], timeout: float = 30):
        self.port = port
        self.timeout = timeout
        self.connection: http.client.HTTPConnection | None = None

    def request(self, method: str, path: str, body=None, headers=None) -> tuple[int, dict | list | None]:
        """Sends one request; returns (status, decoded JSON or None). Raises ConnectionError when the node cannot
        be reached or the connection breaks mid-request (the outcome is then unknown). A kept-alive connection the
        node had closed before this request is replaced once, as HTTP clients do (the request never reached it)."""
        reused = self.connection is not None
        try:
            return self._send(method, path, body, headers)
        except ConnectionError as error:
            if not (reused and isinstance(error.__cause__, (http.client.RemoteDisconnected, BrokenPipeError,
                                                            ConnectionResetError))):
                raise
        return self._send(method, path, body, headers)

    def _send(self, method: str, path: str, body, headers) -> tuple[int, dict | list | None]:
        if self.connection is None:
            self.connection = http.client.HTTPConnection("127.0.0.1", self.port(), timeout=self.timeout)
        payload = None if body is None else json.dumps(body).encode()
        sent = {"Content-Type": "application/json"} if payload is not None else {}
        sent.update(headers or {})
        try:
            self.connection.request(method, path, body=payload, headers=sent)
            response = self.connection.getresponse()
            raw = response.read()
        except (OSError, http.client.HTTPException) as error:
            self.close()
            raise ConnectionError(str(error)) from error
        try:
            return response.status, (json.loads(raw) if raw else None)
        except ValueError:
            return response.status, None

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None
