import httpx

from tests.helpers.accounts import Accounts


async def test_signup_then_me(http: httpx.AsyncClient, accounts: Accounts) -> None:
    account = await accounts.signup()
    response = await http.get("/auth/me", headers=account.headers)
    assert response.status_code == 200
    assert response.json()["username"] == account.username
