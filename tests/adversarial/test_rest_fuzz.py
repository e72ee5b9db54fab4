"""Every REST route, fuzzed from the app's own OpenAPI schema (schemathesis) with and without a
token, against the real app and both databases: whatever arrives, no answer is a 5xx, and every
error is JSON with a message.

``PEERPREP_FUZZ_EXAMPLES`` raises the number of cases per route and token for a longer run by hand.
"""

from __future__ import annotations

import json
import os
import uuid
from typing import Any

import httpx
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.core.result import Ok
from schemathesis.generation.case import Case

from tests.helpers.accounts import mint_token
from tests.helpers.servers import RunningApp

EXAMPLES = int(os.environ.get("PEERPREP_FUZZ_EXAMPLES", "12"))


def _operations(base_url: str) -> list[Any]:
    schema = schemathesis.openapi.from_url(f"{base_url}/openapi.json")
    operations = []
    for result in schema.get_all_operations():
        assert isinstance(result, Ok), result
        operations.append(result.ok())
    return operations


def test_no_route_answers_a_5xx_to_anything(app_server: RunningApp) -> None:
    student = {"Authorization": f"Bearer {mint_token(uuid.uuid4())}"}
    operations = _operations(app_server.base_url)
    assert len(operations) >= 15
    seen: list[str] = []
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            database=None,
        )
        def fuzz(case: Case[Any]) -> None:
            for headers in ({}, student):
                response = case.call(base_url=app_server.base_url, headers=headers, timeout=20)
                where = (case.method, case.formatted_path, response.text[:500])
                assert response.status_code < 500, where
                if response.status_code >= 400:
                    body = response.json()
                    assert isinstance(body.get("message"), str), where
                    assert body["message"], where

        fuzz()
        seen.append(f"{operation.method.upper()} {operation.path}")
    assert "POST /attempts" in seen


# Every field name our bodies have, so that generated bodies get past "unknown field" and reach
# the checks that matter; plus names of nothing.
FIELDS = [
    "question_id", "status", "question", "title", "code", "language", "started_at",
    "submitted_at", "email", "password", "username", "first_name", "last_name", "description",
    "difficulty", "topics", "id", "examples", "constraints", "nothing",
]  # fmt: skip
# Text no database stores or gives back as it came (lone surrogates, NUL), with ordinary text.
HOSTILE_TEXT = st.text(
    st.characters(codec=None, categories=["Cs"])
    # NUL is refused everywhere already: one in a body hides whatever else it holds.
    | st.characters(codec=None, categories=["Cc", "Lu", "Ll", "Nd"], exclude_characters="\x00")
)
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | HOSTILE_TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.sampled_from(FIELDS), inner),
    max_leaves=12,
)
# Most of our fields are text or objects of text: most generated values are too.
VALUES = HOSTILE_TEXT | st.dictionaries(st.sampled_from(FIELDS), HOSTILE_TEXT, max_size=4) | JSON
BODIES = st.dictionaries(st.sampled_from(FIELDS), VALUES, max_size=8)


def _body_routes(base_url: str) -> dict[tuple[str, str], list[str]]:
    """Every route a student may send a body to (the question bank's are for admins), with the
    fields its body schema names."""
    schema = httpx.get(f"{base_url}/openapi.json", timeout=10).json()
    components = schema["components"]["schemas"]
    routes: dict[tuple[str, str], list[str]] = {}
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if "requestBody" not in operation or path.startswith("/questions"):
                continue
            body = operation["requestBody"]["content"]["application/json"]["schema"]
            model = components[body["$ref"].rsplit("/", 1)[-1]] if "$ref" in body else body
            routes[(method.upper(), path)] = sorted(model.get("properties", {}))
    return routes


def test_hostile_bodies_are_refused_or_stored_so_that_they_read_back(
    app_server: RunningApp,
) -> None:
    """What a route accepts, every later read gives back: a body with a lone surrogate once
    stored fine and then made every listing of its user's attempts fail with a 500."""
    student = {"Authorization": f"Bearer {mint_token(uuid.uuid4())}"}
    routes = _body_routes(app_server.base_url)
    assert "question" in routes[("POST", "/attempts")]
    # One of the route's own fields made hostile in an otherwise valid body (so that what a
    # route stores gets tried), or any of its fields, or stray ones.
    bodies = {
        route: st.sampled_from(fields).flatmap(lambda name: st.fixed_dictionaries({name: VALUES}))
        | st.fixed_dictionaries({}, optional=dict.fromkeys(fields, VALUES))
        | BODIES
        for route, fields in routes.items()
    }

    bases: dict[str, dict[str, Any]] = {
        "/attempts": {"question_id": 1, "status": "completed"},
        "/profile/me": {},
    }

    @given(
        route_and_extra=st.sampled_from(sorted(routes)).flatmap(
            lambda route: st.tuples(st.just(route), bodies[route])
        ),
        keep_base=st.booleans(),
    )
    @settings(
        max_examples=EXAMPLES * 40,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        database=None,
    )
    def fuzz(route_and_extra: tuple[tuple[str, str], dict[str, Any]], keep_base: bool) -> None:
        (method, path), extra = route_and_extra
        # A valid body with hostile fields added (or laid over it), so that some get stored.
        base = bases.get(path, {})
        body = {**extra, **base} if keep_base else {**base, **extra}
        raw = json.dumps(body).encode()
        response = httpx.request(
            method,
            f"{app_server.base_url}{path}",
            content=raw,
            headers={**student, "Content-Type": "application/json"},
            timeout=20,
        )
        assert response.status_code < 500, (method, path, raw[:300], response.text[:300])
        for read in ("/attempts", "/profile/me"):
            again = httpx.get(f"{app_server.base_url}{read}", headers=student, timeout=20)
            assert again.status_code == 200, (method, path, raw[:300], read, again.text[:300])

    fuzz()
