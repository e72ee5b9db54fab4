"""Fixtures shared by the web tests, on top of the suite's ``tests/conftest.py``."""

from __future__ import annotations

import pytest

from tests.helpers.accounts import Account, Accounts


@pytest.fixture
async def admin(accounts: Accounts) -> Account:
    """A fresh account with the admin role, for the tests that manage questions."""
    return await accounts.signup(admin=True)
