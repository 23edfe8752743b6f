"""The API documentation loads nothing from outside the platform."""

import re

import httpx

from gateway.app import create_app
from gateway.settings import GatewaySettings

ASSET = re.compile(r"""(?:src|href)=["']([^"']+)["']|url: ?["']([^"']+)["']""")


async def same_origin_assets(page: str) -> list[str]:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=create_app(
            GatewaySettings())), base_url="http://gateway") as client:
        reply = await client.get(page)
        assert reply.status_code == 200
        urls = [a or b for a, b in ASSET.findall(reply.text)]
        assert urls, "the page names no asset"
        for url in urls:
            assert url.startswith("/") and not url.startswith("//"), url
            assert (await client.get(url)).status_code == 200, url
        return urls


async def test_swagger_ui_is_served_from_the_gateway_itself() -> None:
    urls = await same_origin_assets("/docs")
    assert {"/openapi.json", "/docs/assets/swagger-ui-bundle.js",
            "/docs/assets/swagger-ui.css"} <= set(urls)


async def test_redoc_is_served_from_the_gateway_itself() -> None:
    assert "/docs/assets/redoc.standalone.js" in await same_origin_assets("/redoc")
