"""(g) The web app on a slow phone network: first contentful paint of the feed and of a PV
case page, in Debian's Chromium under its own network emulation (slow 3G) and CPU
throttling, beside a bare static page served by a plain HTTP server measured the same way.

The platform is started as (c) does; a patient (who posts, so that the feed is not empty,
and sends a side-effect report through the API) and a PV officer sign in through the web
app's own form. Each sample is a first visit: the browser's cache is off, so the page's
stylesheet and icon come over the emulated network every time.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import statistics
import threading
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx

from bench import api
from bench.infra import Servers, create_database, drop_database
from bench.pv import adr_report
from bench.report import Paint, Report
from kit.db import asyncpg_dsn
from kit.embedded import free_port
from stack.processes import Stack

SAMPLES = int(os.environ.get("BENCH_FCP_SAMPLES", "5"))
POSTS = 20  # the patient's posts on the feed's first page
PASSWORD = "a-long-password-1"
# Slow 3G as the brief sets it: 400 ms added to each request, 400 kbit/s each way.
SLOW_3G = {"offline": False, "latency": 400, "downloadThroughput": 400_000 / 8,
           "uploadThroughput": 400_000 / 8}
CPU_SLOWDOWN = 4
BASELINE = "bare static page (baseline)"
PHONE = {"width": 360, "height": 740}
FCP = """() => new Promise(resolve => {
  const seen = () => performance.getEntriesByName('first-contentful-paint')[0];
  if (seen()) return resolve(seen().startTime);
  new PerformanceObserver(() => seen() && resolve(seen().startTime))
    .observe({type: 'paint', buffered: true});
  setTimeout(() => resolve(seen() ? seen().startTime : null), 30000);
})"""
WEIGHT = """() => {
  const size = e => e.transferSize || e.encodedBodySize || 0;
  const [navigation] = performance.getEntriesByType('navigation');
  return performance.getEntriesByType('resource').reduce((n, e) => n + size(e), size(navigation));
}"""
BARE = (b"<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
        b"<meta name=\"viewport\" content=\"width=device-width\"><title>Bare</title></head>"
        b"<body><h1>Patients' Union</h1><p>A bare static page: the baseline.</p></body></html>")


def chromium() -> str | None:
    """Debian's Chromium, or the one CHROMIUM names (as the browser tests find it)."""
    for candidate in (os.environ.get("CHROMIUM"), "/usr/bin/chromium",
                      shutil.which("chromium")):
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    return None


async def bench(servers: Servers, report: Report) -> None:
    path = chromium()
    if path is None:
        report.notes.append("(g) skipped: no Chromium (install the chromium package, or name "
                            "one in CHROMIUM)")
        return
    try:
        from playwright.async_api import async_playwright
    except ImportError:
        report.notes.append("(g) skipped: Playwright for Python is not installed")
        return
    # A database of its own, as (d): (c)'s platform left its admin and data keys behind.
    own = replace(servers, database_url=await create_database(
        asyncpg_dsn(servers.database_url)))
    stack = Stack(api.platform_env(own), servers.run_dir / "logs-g", free_port())
    try:
        await asyncio.to_thread(stack.start)
        patient, officer = await accounts(stack)
        case_id = await a_case(stack.url, patient, officer)
        async with async_playwright() as playwright, bare_server() as bare_url:
            browser = await playwright.chromium.launch(executable_path=path)
            try:
                await measure(browser, report, stack.web_url, bare_url, patient, officer,
                              case_id)
            finally:
                await browser.close()
    finally:
        await asyncio.to_thread(stack.stop)
        await drop_database(own.database_url)


async def accounts(stack: Stack) -> tuple[str, str]:
    """A patient with posts on the feed, and a PV officer given the role by the admin."""
    env = stack.env
    patient = f"bench-patient-{uuid.uuid4().hex[:6]}@example.in"
    officer = f"bench-officer-{uuid.uuid4().hex[:6]}@example.in"
    async with httpx.AsyncClient(base_url=stack.url, timeout=30) as client:
        ids = []
        for email, name in ((patient, "Meera"), (officer, "Officer")):
            reply = await client.post("/v1/accounts", json={
                "email": email, "password": PASSWORD, "display_name": name,
                "role": "patient", "preferred_language": "en",
                "consents": [{"purpose": "terms", "version": "2026-11"},
                             {"purpose": "health_data_processing", "version": "2026-11"}]})
            reply.raise_for_status()
            ids.append(reply.json()["user_id"])
        admin = await token(client, env["ADMIN_EMAIL"], env["ADMIN_PASSWORD"])
        reply = await client.put(f"/v1/admin/users/{ids[1]}/roles", headers=admin,
                                 json={"roles": ["pv_officer"]})
        reply.raise_for_status()
        headers = await token(client, patient)
        for n in range(POSTS):
            reply = await client.post("/v1/posts", headers=headers, json={
                "community": "diabetes", "title": f"Walking after dinner, week {n + 1}",
                "body": "Twenty minutes of walking after dinner lowered my fasting sugar "
                        "more than anything else. Has anyone else tried it?"})
            reply.raise_for_status()
    return patient, officer


async def token(client: httpx.AsyncClient, username: str,
                password: str = PASSWORD) -> dict[str, str]:
    reply = await client.post("/v1/auth/token", data={"username": username,
                                                      "password": password})
    reply.raise_for_status()
    return {"Authorization": f"Bearer {reply.json()['access_token']}"}


async def a_case(url: str, patient: str, officer: str, timeout: float = 60.0) -> str:
    """The patient's ADR report through the API, waited for until it is on the officer's
    work list (the case is made from the report's event)."""
    async with httpx.AsyncClient(base_url=url, timeout=30) as client:
        reply = await client.post("/v1/adr-reports", headers={
            **await token(client, patient), "Idempotency-Key": str(uuid.uuid4())},
            json=adr_report("MK"))
        reply.raise_for_status()
        report_id = reply.json()["report_id"]
        headers = await token(client, officer)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            reply = await client.get(f"/v1/pv/cases/{report_id}", headers=headers)
            if reply.status_code == 200:
                return str(report_id)
            await asyncio.sleep(0.2)
    raise TimeoutError(f"the case of report {report_id} never reached the officer")


@contextlib.asynccontextmanager
async def bare_server() -> AsyncIterator[str]:
    """The baseline: a tiny HTML page from Python's own HTTP server, on this machine."""

    class Bare(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # the standard library names it so
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(BARE)))
            self.end_headers()
            self.wfile.write(BARE)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", free_port()), Bare)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(10)


async def measure(browser: Any, report: Report, web: str, bare: str, patient: str,
                  officer: str, case_id: str) -> None:
    throttled: list[bool] = []
    contexts = [await browser.new_context(viewport=PHONE, locale="en-IN") for _ in range(3)]
    try:
        anonymous, as_patient, as_officer = contexts
        await sign_in(as_patient, web, patient)
        await sign_in(as_officer, web, officer)
        measured: dict[str, list[float]] = {}
        for name, context, url in (
                (BASELINE, anonymous, bare),
                ("web GET / (the feed), a signed-in patient", as_patient, web + "/"),
                ("web GET /console/cases/{id}, a PV officer", as_officer,
                 f"{web}/console/cases/{case_id}")):
            samples, weights = await samples_of(context, url, throttled)
            measured[name] = samples
            report.paints.append(Paint(f"(g) FCP {name}", samples, max(weights)))
    finally:
        for context in contexts:
            await context.close()
    cpu = (f"CPU {CPU_SLOWDOWN}x slower (Emulation.setCPUThrottlingRate)" if all(throttled)
           else "CPU not throttled (Emulation.setCPUThrottlingRate refused here)")
    report.notes.append(
        f"(g) first contentful paint in {chromium()} at {PHONE['width']}x{PHONE['height']}, "
        f"{SAMPLES} first visits each (cache off), Network.emulateNetworkConditions "
        f"{SLOW_3G['latency']} ms latency, {SLOW_3G['downloadThroughput'] * 8 / 1000:.0f} "
        f"kbit/s down and {SLOW_3G['uploadThroughput'] * 8 / 1000:.0f} up, {cpu}; the feed "
        f"holds {POSTS} posts; the baseline is {len(BARE)} bytes from Python's http.server")
    base = statistics.median(measured[BASELINE])
    for name, samples in measured.items():
        if name != BASELINE and base:
            report.notes.append(f"(g) {name}: median FCP {statistics.median(samples):.0f} ms, "
                                f"{statistics.median(samples) / base:.1f}x the bare page's")


async def sign_in(context: Any, web: str, email: str) -> None:
    """Through the web app's own sign-in form, as a person would (unthrottled)."""
    page = await context.new_page()
    try:
        await page.goto(web + "/signin")
        await page.locator('[name="username"]').fill(email)
        await page.locator('[name="password"]').fill(PASSWORD)
        async with page.expect_navigation():
            await page.get_by_role("button", name="Sign in").click()
        if "/signin" in page.url:
            raise RuntimeError(f"signing in {email.split('@')[0]} through the web app failed")
    finally:
        await page.close()


async def samples_of(context: Any, url: str, throttled: list[bool]) -> tuple[list[float],
                                                                             list[int]]:
    """SAMPLES first visits of `url`, each in a fresh tab under the emulation."""
    samples: list[float] = []
    weights: list[int] = []
    for _ in range(SAMPLES):
        page = await context.new_page()
        try:
            cdp = await context.new_cdp_session(page)
            await cdp.send("Network.enable")
            await cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
            await cdp.send("Network.emulateNetworkConditions", SLOW_3G)
            try:
                await cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
                throttled.append(True)
            except Exception:  # not every build or mode allows it: said in the notes
                throttled.append(False)
            reply = await page.goto(url, wait_until="load", timeout=120_000)
            if reply is None or reply.status != 200:
                raise RuntimeError(f"{url} answered {reply and reply.status}")
            paint = await page.evaluate(FCP)
            if paint is None:
                raise RuntimeError(f"no first-contentful-paint entry for {url}")
            samples.append(float(paint))
            weights.append(int(await page.evaluate(WEIGHT)))
        finally:
            await page.close()
    return samples, weights
