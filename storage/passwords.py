"""How passwords are kept: Argon2id hashes, never the password."""

from __future__ import annotations

import asyncio

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError


class Passwords:
    """Argon2id hashing, run off the event loop because each hash costs tens of milliseconds."""

    def __init__(self, concurrency: int = 4) -> None:
        self._hasher = PasswordHasher()
        # A crowd of logins queues here rather than in the thread pool that everything shares.
        self._slots = asyncio.Semaphore(concurrency)
        # Unknown accounts are checked against this so both failures take as long.
        self._dummy = self._hasher.hash("peerprep-timing-equaliser")

    async def hash(self, password: str) -> str:
        async with self._slots:
            return await asyncio.to_thread(self._hasher.hash, password)

    async def verify(self, stored_hash: str | None, password: str) -> bool:
        async with self._slots:
            return await asyncio.to_thread(self._verify, stored_hash, password)

    def _verify(self, stored_hash: str | None, password: str) -> bool:
        try:
            return self._hasher.verify(stored_hash or self._dummy, password) and bool(stored_hash)
        except (VerificationError, InvalidHashError):
            return False

    def needs_rehash(self, stored_hash: str) -> bool:
        return self._hasher.check_needs_rehash(stored_hash)
