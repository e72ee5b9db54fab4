"""Settings for a process under test: the test signing secret, an operator, generous limits."""

from __future__ import annotations

from pathlib import Path

from settings import Settings, get_settings

TEST_SECRET = "test-secret-" + "x" * 40
# The room's document cap under the browser tests' `peerprep up`.
BROWSER_DOCUMENT_BYTES = 4096

# Every test signs up from 127.0.0.1: the per-address limits would stop the suite. The tests of
# the limits themselves set theirs.
TEST_OPERATOR_TOKEN = "operator-" + "o" * 40
OPERATOR = {"Authorization": f"Bearer {TEST_OPERATOR_TOKEN}"}
GENEROUS_LIMITS: dict[str, object] = {
    "operator_token": TEST_OPERATOR_TOKEN,
    "limit_signups": "100000/hour",
    "limit_logins_per_address": "100000/minute",
    "limit_attempt_reports": "100000/day",
}

# Short enough to keep tests quick, long enough that a slow shared machine does not trip them.
LIVE_DEFAULTS: dict[str, object] = {
    "match_timeout_seconds": 30.0,
    "match_relax_topics_seconds": 30.0,
    "match_relax_difficulty_seconds": 60.0,
    "match_disconnect_grace_seconds": 30.0,
    # Sessions in tests last seconds; the points rule's tests set their own minimum.
    "points_min_session_seconds": 0.0,
    # A stack runs an executor only where a test runs code (tests/web/test_code_runs.py).
    "exec_in_up": False,
    # Documents start empty, so that tests can say what they hold; the starter code's own
    # tests turn it on.
    "starter_code": False,
}


def make_settings(
    data_dir: Path, database_url: str, temporal_address: str, **extra: object
) -> Settings:
    return get_settings(
        data_dir=data_dir,
        database_url=database_url,
        temporal_address=temporal_address,
        jwt_secret=TEST_SECRET,
        **{**GENEROUS_LIMITS, **extra},
    )
