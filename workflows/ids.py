"""Every workflow id, built in one place so the Temporal UI reads the same way everywhere."""

from __future__ import annotations


def match_request_id(user_id: str) -> str:
    """One id per user: at most one live request each (a second join reaches the same run)."""
    return f"match-{user_id}"


def session_id(room_id: str) -> str:
    return f"session-{room_id}"


def room_id_for(pair_uuid: str) -> str:
    return f"room-{pair_uuid}"
