"""(f) Ratings through the gateway: PUT /v1/providers/{id}/my-rating, each by a different
rater or on a different hospital, against hello-world; and how soon GET /v1/providers/{id}
shows a new rating in its count and score.

A person has one rating of a provider (a second PUT revises it), so the load does not
repeat a request: RATERS signed-in patients rate HOSPITALS hospitals, every (rater,
hospital) pair once, in an order that moves on to another rater and another hospital at
each request. The probe rates hospitals of its own.
"""

import asyncio
import itertools
import math
import time
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import nats
import orjson
import sqlalchemy as sa

from bench import api
from bench.infra import Servers
from bench.load import http_request
from bench.report import Figure, Report
from kit.db import make_engine
from kit.embedded import free_port
from kit.projection import wait_for
from stack.processes import Stack

# 8,192 pairs for the load, 128 for the probe. Hospitals are cheaper to make than raters
# (a sign-up and a sign-in are two password hashes).
RATERS, HOSPITALS, PROBED = 16, 512, 8
STARS = (5, 5, 4, 5, 3, 4, 5, 1, 2, 5, 4, 5)  # skewed towards 5, as ratings are
PATH = "/v1/providers/{}/my-rating"
# The bench's raters sign up from one address, are a minute old and rate each hospital
# hundreds of times an hour: identity's limit of sign-ups per address lifted, its
# first-day sandbox ended at once (SANDBOX_HOURS: ratings refuse sandboxed raters), and
# the ratings' burst rule lifted, so every rating counts rather than waits for a moderator.
LIFTED = {"SIGNUPS_PER_ADDRESS": "1000", "SANDBOX_HOURS": "0",
          "RATINGS_BURST_PER_HOUR": "1000000", "RATINGS_YOUNG_BURST_PER_HOUR": "1000000"}


async def bench(servers: Servers, report: Report) -> None:
    # Hello-world as (c) measured it, or (e) when (c) did not run, or measured here.
    hello = (report.baselines.get("hello")
             or next((f for f in report.figures if f.name == api.HELLO), None)
             or await api.measure_hello(report, servers.run_dir))
    env = {**api.platform_env(servers), **LIFTED}
    stack = Stack(env, servers.run_dir / "logs-f", free_port())
    try:
        await asyncio.to_thread(stack.start)
        started = time.perf_counter()
        hospitals = await listed(stack.url, env, HOSPITALS + PROBED)
        middle = time.perf_counter()
        tokens = await signed_in(stack.url, RATERS)
        report.notes.append(f"(f) {len(hospitals)} hospitals listed in {middle - started:.1f}"
                            f" s, {RATERS} raters signed up and in in "
                            f"{time.perf_counter() - middle:.1f} s")
        await directory_settled(servers.nats_url)
        supply = Supply(stack.gateway_port, tokens, hospitals[:HOSPITALS])
        probe = asyncio.create_task(reflected(stack.url, tokens, hospitals[HOSPITALS:]))
        grouped = await api.group_commits(stack, "ratings")
        rated = await api.measure(report, "gateway PUT /v1/providers/{id}/my-rating",
                                  stack.gateway_port, iter(supply))
        report.add(await finished_probe(probe, report))
        report.notes.append(f"(f) {await api.grouped_since(stack, 'ratings', grouped)}")
        report.notes.append(await tally(servers.database_url, supply))
    finally:
        await asyncio.to_thread(stack.stop)
    report.compare("(f) PUT my-rating / hello-world", rated, hello, None)
    report.notes.append(
        f"(f) PUT /v1/providers/{{id}}/my-rating: {api.CONCURRENCY} keep-alive connections, "
        f"{api.WARMUP_S:.0f} s warm-up, then {api.MEASURE_S:.0f} s, as (c); every request a "
        f"first rating (stars and two criteria, no review text) by one of {RATERS} patients "
        f"of one of {HOSPITALS} hospitals, no pair twice; env {LIFTED}, so that none is "
        f"refused or held")


async def listed(url: str, env: dict[str, str], count: int) -> list[str]:
    """`count` hospitals, listed at once as the admin suggests them."""
    async with httpx.AsyncClient(base_url=url, timeout=30) as client:
        token = await client.post("/v1/auth/token", data={
            "username": env["ADMIN_EMAIL"], "password": env["ADMIN_PASSWORD"]})
        token.raise_for_status()
        admin = {"Authorization": f"Bearer {token.json()['access_token']}"}

        async def hospital(n: int) -> str:
            reply = await client.post("/v1/providers", headers=admin, json={
                "kind": "hospital", "name": f"Bench General Hospital {n}", "city": "Pune",
                "state": "Maharashtra", "type": ("government", "private", "charitable")[n % 3]})
            reply.raise_for_status()
            return str(reply.json()["provider_id"])
        ids: list[str] = []
        for start in range(0, count, 16):
            ids += await asyncio.gather(*(hospital(n) for n in range(start,
                                                                     min(start + 16, count))))
    return ids


async def signed_in(url: str, count: int) -> list[dict[str, str]]:
    """`count` patients, signed in a few at a time: identity sheds what its password
    hashing cannot take at once (503), and a busy machine may make a sign-up late (504)."""
    tokens: list[dict[str, str]] = []
    while len(tokens) < count:
        tokens += await asyncio.gather(*(patient(url)
                                         for _ in range(min(api.USERS, count - len(tokens)))))
    return tokens


async def patient(url: str, attempts: int = 5) -> dict[str, str]:
    for attempt in range(attempts):
        try:
            return await api.sign_in(url)  # a new email each time
        except httpx.HTTPStatusError as error:
            if error.response.status_code not in (503, 504) or attempt == attempts - 1:
                raise
            await asyncio.sleep(1.0)
    raise AssertionError("unreachable")


async def directory_settled(nats_url: str) -> None:
    """The ratings' directory has seen every account: a rater it does not know is held."""
    nc = await nats.connect(nats_url)
    try:
        js = nc.jetstream()
        last = (await js.stream_info("PU_IDENTITY")).state.last_seq
        await wait_for(js, "ratings-projections", "PU_IDENTITY", last, timeout=60)
    finally:
        await nc.close()


def body(n: int) -> bytes:
    return orjson.dumps({"stars": STARS[n % len(STARS)], "criteria": {
        "cleanliness": STARS[(n + 3) % len(STARS)], "waiting_time": STARS[(n + 7) % len(STARS)]}})


@dataclass
class Supply:
    """Every (rater, hospital) pair once, as raw PUTs: round j has rater i rate hospital
    (i + j) mod HOSPITALS, so consecutive requests differ in both."""

    port: int
    tokens: list[dict[str, str]]
    hospitals: list[str]
    sent: int = 0

    @property
    def pairs(self) -> int:
        return len(self.tokens) * len(self.hospitals)

    def __iter__(self) -> Iterator[bytes]:
        for j, (i, token) in itertools.product(range(len(self.hospitals)),
                                               enumerate(self.tokens)):
            hospital = self.hospitals[(i + j) % len(self.hospitals)]
            self.sent += 1
            yield http_request("PUT", PATH.format(hospital), self.port,
                               {**token, "Content-Type": "application/json"}, body(self.sent))


@dataclass
class Reflected:
    samples: list[float]  # ms from the PUT's 200 to the count on GET /v1/providers/{id}
    first_get: int = 0  # samples whose first GET already showed it


async def reflected(url: str, tokens: list[dict[str, str]], hospitals: list[str]) -> Reflected:
    """While the load runs: a first rating of one of the probe's hospitals, then GET the
    hospital until its count includes it; each sample is the time from the PUT's 200."""
    seen, counts = Reflected([]), dict.fromkeys(hospitals, 0)
    pairs = itertools.product(range(len(hospitals)), enumerate(tokens))
    async with httpx.AsyncClient(base_url=url, timeout=30) as client:
        await asyncio.sleep(api.WARMUP_S)  # measured with the load, not its warm-up
        deadline = time.monotonic() + api.MEASURE_S
        for j, (i, token) in pairs:
            if time.monotonic() >= deadline:
                break
            hospital = hospitals[(i + j) % len(hospitals)]
            reply = await client.put(PATH.format(hospital), content=body(j), headers={
                **token, "Content-Type": "application/json"})
            accepted, counts[hospital] = time.perf_counter(), counts[hospital] + 1
            if reply.status_code != 200 or reply.json()["status"] != "counted":
                raise RuntimeError(f"the probe's rating was not counted: {reply.text[:200]}")
            gets = 0
            while await count_of(client, hospital) < counts[hospital]:
                gets += 1
                await asyncio.sleep(0.001)
            seen.samples.append((time.perf_counter() - accepted) * 1000)
            seen.first_get += gets == 0
            await asyncio.sleep(0.05)
    return seen


async def count_of(client: httpx.AsyncClient, hospital: str) -> int:
    reply = await client.get(f"/v1/providers/{hospital}")
    reply.raise_for_status()
    return int(reply.json()["rating"]["count"])


async def finished_probe(probe: asyncio.Task[Reflected], report: Report) -> Figure:
    seen = await probe
    samples = sorted(seen.samples)

    def at(q: float) -> float:
        return samples[min(len(samples) - 1, int(q * len(samples)))] if samples else math.nan
    report.notes.append(
        f"(f) a rating in GET /v1/providers/{{id}} {at(0.5):.1f} ms after its PUT's 200 "
        f"(p50), {at(0.99):.1f} ms (p99), {len(samples)} samples under the rating load, the "
        f"GETs' own latency under the load included; {seen.first_get} of them on the first "
        f"GET. This is the scores projection's lag (services/ratings/SCORES.md): the PUT "
        f"commits the event and the inline ratings.ratings row, the outbox relays the event "
        f"to PU_RATINGS, and the projection ratings-scores moves it into the day buckets "
        f"GET /v1/providers/{{id}} sums, so the sample is relay + projection + the read")
    return Figure("rating in GET /v1/providers/{id} after its 200", len(samples),
                  api.MEASURE_S, "samples", at(0.5), at(0.99))


async def tally(database_url: str, supply: Supply) -> str:
    """What the ratings' read model holds after the run: every rating counted, none held."""
    engine = make_engine(database_url, 1)
    try:
        async with engine.connect() as conn:
            rows = (await conn.execute(sa.text(
                "SELECT status, count(*) FROM ratings.ratings GROUP BY status"))).all()
    finally:
        await engine.dispose()
    by_status = dict(sorted((str(status), int(n)) for status, n in rows))
    if set(by_status) - {"counted"}:  # held or hidden: the figure would not be of counting
        raise RuntimeError(f"ratings not counted: {by_status}")
    ran_out = (f"; the {supply.pairs} pairs ran out, so the run ended early"
               if supply.sent >= supply.pairs else "")
    return (f"(f) {supply.sent} ratings sent by the load (warm-up included, of "
            f"{supply.pairs} pairs){ran_out}; ratings.ratings after the run, by status, the "
            f"probe's included: {by_status}")
