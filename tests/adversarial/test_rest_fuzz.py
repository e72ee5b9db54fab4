"""Every REST route, fuzzed from the app's own OpenAPI schema (schemathesis) with and without a
token, against the real app and both databases: whatever arrives, no answer is a 5xx, and every
error is JSON with a message.

``PEERPREP_FUZZ_EXAMPLES`` raises the number of cases per route and token for a longer run by hand.
"""

from __future__ import annotations

import os
import uuid
from typing import Any

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.core.result import Ok
from schemathesis.generation.case import Case

from tests.conftest import RunningApp, mint_token

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
