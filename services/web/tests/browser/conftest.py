"""The browser tier: Playwright driving Debian's Chromium (never a downloaded browser),
axe-core from the npm registry, screenshots at a phone's size.

axe-core is fetched at test time with `npm pack axe-core@AXE_VERSION` into
`.data/browser-tests/` (npm ships with this kind of machine), its tarball checked against
the registry's pinned integrity, so the repository carries no copy of it."""

import base64
import hashlib
import os
import re
import shutil
import subprocess
import tarfile
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.async_api import BrowserContext, Page, async_playwright, expect

from tests.platform import Platform

ROOT = Path(__file__).resolve().parents[4]
CACHE = ROOT / ".data" / "browser-tests"
SHOTS = ROOT / ".data" / "screenshots"
AXE_VERSION = "4.14.1"
AXE_INTEGRITY = ("sha512-FHfa+lmNjQZfJz1q8wKqIDwC6DExcHt/pkjNQb09a3NPjCKg2rhu5qb2S4r76ASyF"
                 "NNtuFooJpZe37OgudVGtQ==")
PASSWORD = "a-long-password-1"
NO_CHROMIUM = "no Chromium: install the chromium package"
PHONE = {"width": 360, "height": 740}


def chromium() -> str | None:
    """Debian's Chromium (or the one CHROMIUM names)."""
    for candidate in (os.environ.get("CHROMIUM"), "/usr/bin/chromium",
                      shutil.which("chromium")):
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    return None


def axe_source() -> str:
    """axe.min.js of the pinned version, fetched once from the npm registry."""
    script = CACHE / f"axe-core-{AXE_VERSION}" / "axe.min.js"
    if not script.is_file():
        _fetch_axe(script)
    return script.read_text("utf-8")


def _fetch_axe(script: Path) -> None:
    npm = shutil.which("npm")
    if npm is None:
        pytest.skip("no npm to fetch axe-core from the npm registry")
    CACHE.mkdir(parents=True, exist_ok=True)
    done = subprocess.run([npm, "pack", f"axe-core@{AXE_VERSION}", "--pack-destination",
                           str(CACHE)], capture_output=True, text=True, timeout=180)
    tarball = CACHE / f"axe-core-{AXE_VERSION}.tgz"
    if done.returncode != 0 or not tarball.is_file():
        pytest.skip(f"npm could not fetch axe-core {AXE_VERSION}: {done.stderr[-300:]}")
    digest = base64.b64encode(hashlib.sha512(tarball.read_bytes()).digest()).decode()
    assert f"sha512-{digest}" == AXE_INTEGRITY, "axe-core's tarball is not the pinned one"
    with tarfile.open(tarball) as archive:
        member = archive.extractfile("package/axe.min.js")
        assert member is not None
        script.parent.mkdir(parents=True, exist_ok=True)
        script.write_bytes(member.read())


def local(url: str) -> bool:
    return urlsplit(url).hostname in ("127.0.0.1", "localhost", "::1") or url.startswith(
        ("data:", "about:", "blob:"))


RAN: list[str] = []


@pytest.fixture(scope="module")
async def chromium_browser() -> AsyncIterator[object]:
    path = chromium()
    assert path is not None  # else pytest_collection_modifyitems skipped the tests
    axe_source()  # fetched now: a skip, if it must be, before any platform starts
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=path)
        RAN.append(f"{path} ({browser.version})")
        yield browser
        await browser.close()


BUDGET = 100 * 1024  # bytes transferred by a page and everything it loads
WEIGHT = """() => {
  const size = e => e.transferSize || e.encodedBodySize || 0;
  const [navigation] = performance.getEntriesByType('navigation');
  return performance.getEntriesByType('resource').reduce((n, e) => n + size(e), size(navigation));
}"""
AXE = """async () => (await axe.run(document, {resultTypes: ['violations']})).violations
  .filter(v => v.impact === 'serious' || v.impact === 'critical')
  .map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', '))"""


class Visitor:
    """One person's browser: every page it opens is checked and photographed."""

    def __init__(self, context: BrowserContext, page: Page, base: str, who: str) -> None:
        self.context, self.page, self.base, self.who = context, page, base, who
        self.outside: list[str] = []
        self.shots = SHOTS

    async def open(self, path: str) -> Page:
        await self.page.goto(self.base + path)
        return await self.checked(path)

    async def checked(self, name: str) -> Page:
        """The page now shown: under the budget, no serious or critical axe violation,
        nothing asked of another site; its screenshot saved."""
        page = self.page
        await page.wait_for_load_state("load")
        weight = await page.evaluate(WEIGHT)
        assert 0 < weight < BUDGET, f"{page.url} weighs {weight} bytes"
        await page.add_script_tag(content=axe_source())
        assert await page.evaluate(AXE) == [], page.url
        assert self.outside == [], f"{page.url} asked for {self.outside}"
        slug = re.sub(r"[^a-z0-9]+", "-", f"{self.who}-{name}".lower()).strip("-")
        await page.screenshot(path=SHOTS / f"{slug}.png", full_page=True)
        return page

    async def submit(self, button: str, name: str) -> Page:
        async with self.page.expect_navigation():
            await self.page.get_by_role("button", name=button).click()
        return await self.checked(name)

    async def fill(self, fields: dict[str, str]) -> None:
        for name, value in fields.items():
            control = self.page.locator(f'[name="{name}"]')
            tag = await control.evaluate("e => e.tagName + (e.type || '')")
            if tag == "INPUTcheckbox":
                await control.check()
            elif tag.startswith("SELECT"):
                await control.select_option(value)
            else:
                await control.fill(value)

    async def until(self, path: str, selector: str, timeout_s: float = 60) -> Page:
        """Open `path` again until `selector` is on it (a server-rendered page does not
        change by itself)."""
        for _ in range(int(timeout_s)):
            await self.page.goto(self.base + path)
            try:
                await expect(self.page.locator(selector).first).to_be_visible(timeout=1000)
                return await self.checked(path)
            except AssertionError:
                continue
        raise AssertionError(f"{selector} never showed on {path}")

    async def sign_in(self, username: str, password: str = PASSWORD) -> None:
        await self.open("/signin")
        await self.fill({"username": username, "password": password})
        await self.submit("Sign in", "signed-in")


@pytest.fixture(scope="module")
def web(platform: Platform) -> str:
    shutil.rmtree(SHOTS, ignore_errors=True)  # this run's screenshots only
    SHOTS.mkdir(parents=True)
    return platform.stack.web_url


@pytest.fixture
async def people(chromium_browser: Any, web: str) -> AsyncIterator[Any]:
    """`await people("who")`: a fresh phone-sized browser of its own for each person."""
    contexts: list[BrowserContext] = []

    async def person(who: str) -> Visitor:
        context = await chromium_browser.new_context(
            viewport=PHONE, locale="en-IN", bypass_csp=True)  # our CSP forbids axe's script
        contexts.append(context)
        visitor = Visitor(context, await context.new_page(), web, who)

        async def guard(route: Any) -> None:
            if local(route.request.url):
                await route.continue_()
            else:
                visitor.outside.append(route.request.url)
                await route.abort()

        await context.route("**/*", guard)
        return visitor

    yield person
    for context in contexts:
        await context.close()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Without a Chromium, the browser tier is skipped before any platform starts."""
    if chromium() is None:
        here = Path(__file__).parent
        for item in items:
            if here in item.path.parents:
                item.add_marker(pytest.mark.skip(reason=NO_CHROMIUM))


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if RAN:
        terminalreporter.write_line(f"browser tier: ran in {RAN[0]}; screenshots in {SHOTS}")
    elif chromium() is None:
        terminalreporter.write_line(f"browser tier: skipped, {NO_CHROMIUM}")
