"""The vendor's Mix OpenAPI spec (spec/mix-openapi.yaml) as a contract test, and sessiond's own OpenAPI document.

Every response of a Mix session or message route (/api/sessions…, /api/messages…) that the conformance suite
receives — through the SDK or raw httpx — is checked: its status must be declared for the operation and its
JSON body must validate against the declared schema (JSON Schema 2020-12, as OpenAPI 3.1 specifies). A
mismatch fails the test that made the request.

Where this project answers differently from the spec on purpose, the difference is listed in EXCEPTIONS with
the decision behind it (reference/mix-api.md, "Decisions for this project"); nothing else is tolerated.

Every response of any route is also checked against sessiond's own document (Sources/SessionAPI/OpenAPI/openapi.json,
the one `/openapi.json` serves), with no exceptions: a route, status or body shape it does not describe fails.
"""

import json
import re
from pathlib import Path

import yaml
from jsonschema import Draft202012Validator

SPEC = yaml.safe_load((Path(__file__).parent / "spec" / "mix-openapi.yaml").read_text())

# (method, path template, status) → why our answer is not the spec's. Each one is a documented decision.
EXCEPTIONS = {
    # Decision (d): messages of an unknown session are 404 with the error envelope; the spec declares no 404
    # for POST …/messages.
    ("POST", "/api/sessions/{id}/messages", 404): "decision (d)",
    # Decision (b): cancel of an unknown session is 404 (error envelope); the spec declares only 200.
    ("POST", "/api/sessions/{id}/cancel", 404): "decision (b)",
    # Decision (c): rewind to an unknown message is 404 (error envelope).
    ("POST", "/api/sessions/{id}/rewind", 404): "decision (c)",
    # Mix's server (and so this project) answers 400 for a malformed or invalid callbacks body; the spec
    # declares no 400 for PATCH …/callbacks (mix-api.md §2.0: lenient decoder, "Invalid JSON" → 400).
    ("PATCH", "/api/sessions/{id}/callbacks", 400): "mix-api.md §2.0 / §2.5",
    # Bodies are bounded (issue 4, docs/api.md "Limits"): too large is 413 in the Mix envelope; the spec declares
    # 413 only for file uploads.
    ("POST", "/api/sessions", 413): "docs/api.md Limits",
}

class SpecChecker:
    """Checks responses against one OpenAPI document: the status must be declared for the operation and a JSON
    body must validate against the declared schema (JSON Schema 2020-12, as OpenAPI 3.1 specifies)."""

    def __init__(self, spec, covers, exceptions=None, name="the spec"):
        self.spec = spec
        self.covers = covers
        self.exceptions = exceptions or {}
        self.name = name
        self.validated = []  # (method, template, status) of every checked response
        self.tolerated = []  # the same for responses that matched an exceptions entry
        self.routes = []
        for template, item in spec["paths"].items():
            if covers(template):
                pattern = re.compile("^" + re.sub(r"\{[^/]+\}", "[^/]+", template) + "$")
                self.routes.append((template, pattern, item))
        # Literal paths before templated ones (/api/sessions/{id} must not swallow a literal sibling).
        self.routes.sort(key=lambda route: route[0].count("{"))

    def operation(self, method, path):
        for template, pattern, item in self.routes:
            if pattern.match(path) and method.lower() in item:
                return template, item[method.lower()]
        return None, None

    def check(self, response):
        """Raises AssertionError when `response` breaks the document (an httpx response hook)."""
        request = response.request
        path = request.url.path
        if not self.covers(path):
            return
        method = request.method
        template, op = self.operation(method, path)
        assert op is not None, f"{method} {path}: no such operation in {self.name}"
        status = response.status_code
        key = (method, template, status)
        declared = op.get("responses", {})
        spec_response = declared.get(str(status)) or declared.get(f"{str(status)[0]}XX") or declared.get("default")
        if spec_response is None:
            if key in self.exceptions:
                self.tolerated.append(key)
                return
            raise AssertionError(f"{method} {template} answered {status}, which {self.name} does not declare "
                                 f"(declared: {sorted(declared)})")
        content_type = response.headers.get("content-type", "").split(";")[0].strip()
        schema = (spec_response.get("content") or {}).get("application/json", {}).get("schema")
        if schema is None or content_type != "application/json":  # never read an event stream here
            self.validated.append(key)
            return
        response.read()
        if not response.content.strip():
            self.validated.append(key)
            return
        body = json.loads(response.content)
        validator = Draft202012Validator({**schema, "components": self.spec["components"]})
        errors = sorted(validator.iter_errors(body), key=lambda e: list(e.path))
        if errors:
            detail = "; ".join(f"{'/'.join(map(str, e.path)) or '<root>'}: {e.message}" for e in errors[:5])
            raise AssertionError(f"{method} {template} {status} does not match {self.name}: {detail}")
        self.validated.append(key)


def is_contract_route(path):
    return path.startswith("/api/sessions") or path.startswith("/api/messages")


vendor = SpecChecker(SPEC, is_contract_route, EXCEPTIONS, name="the spec")
# sessiond's own document, served at /openapi.json: every route, every face, no exceptions.
own = SpecChecker(
    json.loads((Path(__file__).parents[2] / "Sources" / "SessionAPI" / "OpenAPI" / "openapi.json").read_text()),
    lambda path: True, name="sessiond's openapi.json")
validated = vendor.validated
tolerated = vendor.tolerated


def check(response):
    """Checks a response against the vendor's Mix spec and against sessiond's own document."""
    vendor.check(response)
    own.check(response)
