"""The vendor's Mix OpenAPI spec (spec/mix-openapi.yaml) as a contract test.

Every response of a Mix session or message route (/api/sessions…, /api/messages…) that the conformance suite
receives — through the SDK or raw httpx — is checked: its status must be declared for the operation and its
JSON body must validate against the declared schema (JSON Schema 2020-12, as OpenAPI 3.1 specifies). A
mismatch fails the test that made the request.

Where this project answers differently from the spec on purpose, the difference is listed in EXCEPTIONS with
the decision behind it (reference/mix-api.md, "Decisions for this project"); nothing else is tolerated.
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
}

_ROUTES = []
for _template, _item in SPEC["paths"].items():
    if not (_template.startswith("/api/sessions") or _template.startswith("/api/messages")):
        continue
    _pattern = re.compile("^" + re.sub(r"\{[^/]+\}", "[^/]+", _template) + "$")
    _ROUTES.append((_template, _pattern, _item))
# Literal paths before templated ones (/api/sessions/{id} must not swallow a literal sibling).
_ROUTES.sort(key=lambda route: route[0].count("{"))

validated = []  # (method, template, status) of every checked response, for the suite's own sanity test
tolerated = []  # the same for responses that matched an EXCEPTIONS entry


def is_contract_route(path):
    return path.startswith("/api/sessions") or path.startswith("/api/messages")


def operation(method, path):
    for template, pattern, item in _ROUTES:
        if pattern.match(path) and method.lower() in item:
            return template, item[method.lower()]
    return None, None


def check(response):
    """Raises AssertionError when `response` breaks the spec (an httpx response hook)."""
    request = response.request
    path = request.url.path
    if not is_contract_route(path):
        return
    method = request.method
    template, op = operation(method, path)
    assert op is not None, f"{method} {path}: no such operation in the Mix spec"
    status = response.status_code
    key = (method, template, status)
    declared = op.get("responses", {})
    spec_response = declared.get(str(status)) or declared.get(f"{str(status)[0]}XX") or declared.get("default")
    if spec_response is None:
        if key in EXCEPTIONS:
            tolerated.append(key)
            return
        raise AssertionError(f"{method} {template} answered {status}, which the spec does not declare "
                             f"(declared: {sorted(declared)})")
    response.read()
    schema = (spec_response.get("content") or {}).get("application/json", {}).get("schema")
    if schema is None or not response.content.strip():
        validated.append(key)
        return
    body = json.loads(response.content)
    validator = Draft202012Validator({**schema, "components": SPEC["components"]})
    errors = sorted(validator.iter_errors(body), key=lambda e: list(e.path))
    if errors:
        detail = "; ".join(f"{'/'.join(map(str, e.path)) or '<root>'}: {e.message}" for e in errors[:5])
        raise AssertionError(f"{method} {template} {status} does not match the spec: {detail}")
    validated.append(key)
