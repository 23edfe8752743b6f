"""Two processes of the feed and of pharmacovigilance on one database and NATS (issue 15):
requests are shared through the queue group, one outbox relay publishes at a time, and when
the leading process is killed (SIGKILL) under a write load the other takes over: every
write the client saw acknowledged is in the read models exactly once, nothing is published
twice, and no client sees a 500."""

import asyncio
import functools
import itertools
import re
import uuid

import httpx
import nats
import sqlalchemy as sa

from contracts.registry import ALL
from tests.adr import report
from tests.platform import Platform, eventually, patient

REPLICATED = ("feed", "pharmacovigilance")
COMMUNITIES = ("diabetes", "cancer", "hiv")
REPORTERS, REPORTS_EACH = 6, 10  # ADR_REPORTS_PER_DAY's default: a reporter's day


async def metric(platform: Platform, process: str, name: str, **labels: str) -> float:
    """The sum of a metric's samples with these labels on a process's /metrics (0 when the
    process is gone or has none)."""
    port = platform.stack.metrics_ports[process]
    try:
        async with httpx.AsyncClient(timeout=5) as client:
            text = (await client.get(f"http://127.0.0.1:{port}/metrics")).text
    except httpx.HTTPError:
        return 0.0
    total = 0.0
    for line in text.splitlines():
        match = re.match(rf"^{name}\{{(.*)\}} (\S+)$", line)
        if match and all(f'{k}="{v}"' in match.group(1) for k, v in labels.items()):
            total += float(match.group(2))
    return total


async def leader(platform: Platform, service: str) -> str | None:
    """Which of the service's two processes publishes its outbox now."""
    leading = [process for process in (service, f"{service}-2")
               if process in platform.stack.processes
               and await metric(platform, process, "pu_outbox_leader", service=service) == 1]
    return leading[0] if len(leading) == 1 else None


async def handled(platform: Platform, process: str, subject: str) -> float:
    return await metric(platform, process, "pu_rpc_requests_total", subject=subject)


async def stream_messages(platform: Platform, stream: str) -> int:
    nc = await nats.connect(platform.nats.url)
    try:
        return (await nc.jetstream().stream_info(stream)).state.messages
    finally:
        await nc.close()


async def test_the_leading_replica_killed_under_load_loses_and_duplicates_nothing(
        platform: Platform) -> None:
    for service in REPLICATED:
        platform.stack.start_replica(service, 2)
    logs = platform.tmp / "logs"

    async def replicas_started() -> bool:
        return all("service_started" in (logs / f"{s}-2.log").read_text(errors="replace")
                   for s in REPLICATED)
    await eventually(replicas_started, timeout=60)
    acknowledged_posts: list[str] = []
    acknowledged_reports: list[str] = []
    posts, reports = acknowledged_posts, acknowledged_reports
    refused: list[httpx.Response] = []
    stop = asyncio.Event()

    async def post(client: httpx.AsyncClient, headers: dict[str, str], n: int) -> None:
        for i in itertools.count():
            if stop.is_set():
                return
            reply = await client.post("/v1/posts", headers=headers, json={
                "community": COMMUNITIES[(n + i) % 3], "body": f"replica writer {n}: {i}"})
            (posts.append(reply.json()["post_id"]) if reply.status_code == 201
             else refused.append(reply))

    async def report_side_effects(client: httpx.AsyncClient, reporter: dict[str, str]) -> None:
        for _ in range(REPORTS_EACH):
            if stop.is_set():
                return
            reply = await client.post("/v1/adr-reports", headers=reporter, json=report())
            (reports.append(reply.json()["report_id"]) if reply.status_code == 201
             else refused.append(reply))
            await asyncio.sleep(0.2)

    async def written(posts: int = 0, reports: int = 0) -> bool:
        return len(acknowledged_posts) >= posts and len(acknowledged_reports) >= reports

    async def leads(service: str, process: str | None) -> bool:
        """`process` leads the service's relay (None: one of its processes does)."""
        leading = await leader(platform, service)
        return leading is not None if process is None else leading == process

    async with httpx.AsyncClient(base_url=platform.url, timeout=30) as client:
        writer = await patient(client, "Writer")
        reporters = [await patient(client, f"Reporter{n}") for n in range(REPORTERS)]
        tasks = [asyncio.create_task(post(client, writer, n)) for n in range(4)]
        tasks += [asyncio.create_task(report_side_effects(client, r)) for r in reporters]
        await eventually(lambda: written(posts=60, reports=6), timeout=60)
        # The queue group shares the requests: each process of each service answered some.
        for service, subject in (("feed", "rpc.feed.create_post"),
                                 ("pharmacovigilance", "rpc.pharmacovigilance.submit_report")):
            for process in (service, f"{service}-2"):
                assert await handled(platform, process, subject) > 0, process
        leaders: dict[str, str | None] = {}
        for service in REPLICATED:
            await eventually(functools.partial(leads, service, None), timeout=30)
            leaders[service] = await leader(platform, service)
        for leading in leaders.values():
            assert leading is not None
            platform.stack.kill(leading)  # SIGKILL: no goodbye to NATS or Postgres
        survivors = {service: (f"{service}-2" if leaders[service] == service else service)
                     for service in REPLICATED}
        before = len(posts), len(reports)
        # The survivors answer, and each takes its service's outbox over.
        for service, survivor in survivors.items():
            await eventually(functools.partial(leads, service, survivor), timeout=30)
        await eventually(lambda: written(posts=before[0] + 60), timeout=60)
        stop.set()
        await asyncio.gather(*tasks)
        assert len(reports) > before[1] or len(reports) == REPORTERS * REPORTS_EACH
        await platform.settled(timeout=60)
        mine = []
        for reporter in reporters:
            listed = await client.get("/v1/me/adr-reports", headers=reporter,
                                      params={"limit": 100})
            mine += [item["report_id"] for item in listed.json()["items"]]
    # A request in flight to the killed process times out (504) or finds no one (503):
    # never a 500, and nothing acknowledged is lost.
    assert {r.status_code for r in refused} <= {503, 504}, [
        (r.status_code, r.text[:200]) for r in refused]
    async with platform.engine.connect() as conn:
        timeline: dict[str, int] = dict((await conn.execute(sa.text(
            "SELECT post_id::text, count(*) FROM feed.timeline WHERE post_id = ANY(:ids)"
            " GROUP BY 1"), {"ids": [uuid.UUID(p) for p in posts]})).all())
    assert timeline == {p: 1 for p in posts}
    assert set(reports) <= set(mine) and len(mine) == len(set(mine))
    # Nothing published twice: each service's stream holds its published events, one each.
    published = [kind.event_type for kind in ALL.classes if kind.published]
    for service, stream in (("feed", "PU_FEED"), ("pharmacovigilance", "PU_PHARMACOVIGILANCE")):
        async with platform.engine.connect() as conn:
            events = await conn.scalar(sa.text(
                f"SELECT count(*) FROM {service}.events WHERE event_type = ANY(:published)"),
                {"published": published})
        assert await stream_messages(platform, stream) == events, service

