"""Two processes of the feed and of pharmacovigilance on one database and NATS (issue 15):
requests are shared through the queue group, one outbox relay publishes at a time, and when
the leading process is killed (SIGKILL) under a write load the other takes over: every
write the client saw acknowledged is in the read models exactly once, nothing is published
twice, and no client sees a 500."""

import functools
import re

import httpx

from tests.platform import Platform, eventually
from tests.write_load import (
    REPORTERS,
    REPORTS_EACH,
    WriteLoad,
    assert_nothing_lost_nor_twice,
)

REPLICATED = ("feed", "pharmacovigilance")


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


async def test_the_leading_replica_killed_under_load_loses_and_duplicates_nothing(
        platform: Platform) -> None:
    for service in REPLICATED:
        platform.stack.start_replica(service, 2)
    logs = platform.tmp / "logs"

    async def replicas_started() -> bool:
        return all("service_started" in (logs / f"{s}-2.log").read_text(errors="replace")
                   for s in REPLICATED)
    await eventually(replicas_started, timeout=60)

    async def leads(service: str, process: str | None) -> bool:
        """`process` leads the service's relay (None: one of its processes does)."""
        leading = await leader(platform, service)
        return leading is not None if process is None else leading == process

    async with httpx.AsyncClient(base_url=platform.url, timeout=30) as client:
        load = WriteLoad(client)
        await load.start()
        await eventually(lambda: load.written(posts=60, reports=6), timeout=60)
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
        before = len(load.posts), len(load.reports)
        # The survivors answer, and each takes its service's outbox over.
        for service, survivor in survivors.items():
            await eventually(functools.partial(leads, service, survivor), timeout=30)
        await eventually(lambda: load.written(posts=before[0] + 60), timeout=60)
        await load.stop()
        assert len(load.reports) > before[1] or len(load.reports) == REPORTERS * REPORTS_EACH
        await platform.settled(timeout=60)
        await assert_nothing_lost_nor_twice(platform, load)

