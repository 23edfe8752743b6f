"""The demo profile's data (what `make run` loads) through the API: one account per role."""

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from stack import demo
from stack.secrets import DEMO_ACCOUNTS, demo_secrets
from tests.platform import Platform, running_platform


@pytest.fixture(scope="module")
def secrets(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    return demo_secrets(Path(tmp_path_factory.mktemp("demo")))


@pytest.fixture(scope="module")
async def platform(postgres_url: str, tmp_path_factory: pytest.TempPathFactory,
                   secrets: dict[str, str]) -> AsyncIterator[Platform]:
    async for running in running_platform(
            postgres_url, tmp_path_factory.mktemp("demo-platform"),
            ADMIN_EMAIL=DEMO_ACCOUNTS["admin"], ADMIN_PASSWORD=secrets["password_admin"],
            SANDBOX_POSTS_PER_HOUR="5"):
        yield running


async def test_demo_data_gives_one_account_per_role_and_loads_once(
        platform: Platform, secrets: dict[str, str]) -> None:
    demo.load(platform.url, secrets)
    demo.load(platform.url, secrets)  # a second `make run`: nothing more
    async with httpx.AsyncClient(base_url=platform.url) as client:
        for role, email in DEMO_ACCOUNTS.items():
            token = (await client.post("/v1/auth/token", data={
                "username": email, "password": secrets[f"password_{role}"]})).json()
            me = (await client.get("/v1/me", headers={
                "Authorization": f"Bearer {token['access_token']}"})).json()
            assert role in me["roles"], (role, me["roles"])
            assert me["verified"] is (role == "professional")
    assert await platform.count("feed.posts") == len(demo.POSTS)
    drafts = sum(1 for _, form in demo.ADR_REPORTS if form["draft"])
    assert await platform.count("pharmacovigilance.reports") == len(demo.ADR_REPORTS)
    assert await platform.scalar("SELECT count(*) FROM pharmacovigilance.reports WHERE "
                                 "status = 'received'") == len(demo.ADR_REPORTS) - drafts
