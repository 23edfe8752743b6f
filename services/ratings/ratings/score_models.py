"""The score read models kept (SCORES.md, "How they are kept"): a counted rating's
contribution moved into and out of its provider's and its kind's day buckets, the provider's
materialised score made again from its buckets, and the periodic refresh that moves the
window and the kinds' priors on. The projection `scores` (ratings/projections.py) and the
refresh task call these, one at a time (an advisory lock)."""

import asyncio
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from kit.logging import get_logger
from ratings import buckets, scores
from ratings.adapters import sql

log = get_logger(__name__)
SCORES_LOCK = 7712  # advisory lock: the projection's batches and the refresh take turns
KINDS = ("doctor", "hospital", "scheme")


async def take_turns(conn: AsyncConnection) -> None:
    await conn.execute(sa.text("SELECT pg_advisory_xact_lock(:lock)"), {"lock": SCORES_LOCK})


def bucket_of(row: Any | None) -> buckets.Bucket:
    if row is None:
        return buckets.Bucket()
    h = row.histogram
    return buckets.Bucket(count=row.count, total=row.total, squares=row.squares,
                          histogram=(h[0], h[1], h[2], h[3], h[4]),
                          criteria={k: (v[0], v[1]) for k, v in row.criteria.items()})


def contribution_of(row: Any) -> buckets.Contribution:
    return buckets.Contribution(day=row.day, stars=row.stars, criteria=dict(row.criteria))


async def move(conn: AsyncConnection, provider_id: UUID, kind: str,
               contribution: buckets.Contribution, sign: int) -> None:
    """Add (+1) or take out (-1) one counted rating's contribution, exactly: its provider's
    bucket of its day and its kind's; a bucket left empty is deleted."""
    day = contribution.day
    after = buckets.moved(bucket_of(await sql.bucket(conn, provider_id, day)), contribution,
                          sign)
    where = (sql.provider_buckets.c.provider_id == provider_id,
             sql.provider_buckets.c.day == day)
    if after.empty:
        await conn.execute(sql.provider_buckets.delete().where(*where))
    else:
        values = {"count": after.count, "total": after.total, "squares": after.squares,
                  "histogram": list(after.histogram),
                  "criteria": {k: list(v) for k, v in after.criteria.items()}}
        statement = insert(sql.provider_buckets).values(provider_id=provider_id, day=day,
                                                        **values)
        await conn.execute(statement.on_conflict_do_update(
            index_elements=["provider_id", "day"], set_=values))
    stars = contribution.stars
    k = sql.kind_buckets
    statement = insert(k).values(kind=kind, day=day, count=sign, total=sign * stars,
                                 squares=sign * stars * stars)
    await conn.execute(statement.on_conflict_do_update(
        index_elements=["kind", "day"],
        set_={"count": k.c.count + statement.excluded.count,
              "total": k.c.total + statement.excluded.total,
              "squares": k.c.squares + statement.excluded.squares}))
    await conn.execute(k.delete().where(k.c.kind == kind, k.c.day == day, k.c.count == 0))


def materialised_score(prior_mean: Any, prior_weight: int = scores.PRIOR_WEIGHT
                       ) -> sa.ColumnElement[Any]:
    """SCORES.md's Bayesian average in SQL over a provider_scores row (Postgres does the
    arithmetic on every path, so that a refresh and a rebuild give the same bits)."""
    c = sql.provider_scores.c
    return sa.case((c.count > 0, (prior_weight * prior_mean + c.total)
                    / sa.cast(prior_weight + c.count, sa.Float)), else_=None)


async def rescore(conn: AsyncConnection, provider_id: UUID, kind: str) -> None:
    """The provider's tallies and score again from its buckets, with its kind's prior and
    window as of the last refresh (all of its buckets and the neutral prior before any)."""
    stored = await sql.stored_prior(conn, kind)
    p = (scores.Prior(stored.mean, stored.variance) if stored is not None
         else scores.prior_of(0, 0, 0))
    since = buckets.window_start(stored.as_of) if stored is not None else None
    rows = await sql.buckets_of(conn, provider_id, since)
    tally = buckets.summed(bucket_of(row) for row in rows)
    values = {"kind": kind, "count": tally.count, "total": tally.total,
              "squares": tally.squares, "histogram": [tally.histogram[s] for s in range(1, 6)],
              "criteria": {k: list(v) for k, v in sorted(tally.criteria.items())},
              "oldest_day": rows[0].day if rows else None,
              "prior_mean": p.mean, "prior_variance": p.variance}
    statement = insert(sql.provider_scores).values(provider_id=provider_id, **values)
    await conn.execute(statement.on_conflict_do_update(index_elements=["provider_id"],
                                                       set_=values))
    await conn.execute(sql.provider_scores.update()
                       .where(sql.provider_scores.c.provider_id == provider_id)
                       .values(score=materialised_score(sa.cast(p.mean, sa.Float))))


async def refresh(conn: AsyncConnection, now: datetime) -> dict[str, int]:
    """Move the window and the kinds' priors to `now`: each kind's prior from its buckets
    in the window; the providers with a bucket that left the window made again from their
    buckets; every score of a kind whose prior changed computed again with it. How many
    providers were re-scored, by kind."""
    await take_turns(conn)
    since = buckets.window_start(now)
    done: dict[str, int] = {}
    for kind in KINDS:
        p = scores.prior_of(*await sql.kind_sums(conn, kind, since))
        statement = insert(sql.kind_priors).values(kind=kind, mean=p.mean,
                                                   variance=p.variance, as_of=now)
        await conn.execute(statement.on_conflict_do_update(
            index_elements=["kind"], set_={"mean": p.mean, "variance": p.variance,
                                           "as_of": now}))
        s = sql.provider_scores.c
        left = (await conn.execute(sa.select(s.provider_id).where(
            s.kind == kind, s.oldest_day < since))).scalars().all()
        for provider_id in left:
            await rescore(conn, provider_id, kind)
        moved = await conn.execute(sql.provider_scores.update().where(
            s.kind == kind, sa.or_(s.prior_mean != p.mean, s.prior_variance != p.variance))
            .values(prior_mean=p.mean, prior_variance=p.variance,
                    score=materialised_score(sa.cast(p.mean, sa.Float))))
        done[kind] = len(left) + moved.rowcount
    return done


async def refresh_now(engine: AsyncEngine, clock: Callable[[], datetime]) -> None:
    async with engine.begin() as conn:
        rescored = await refresh(conn, clock())
    log.info("scores_refreshed", rescored=rescored)


async def refresh_every(engine: AsyncEngine, clock: Callable[[], datetime],
                        period_s: float) -> None:
    """The periodic refresh (the one at start runs before the projection starts)."""
    while True:
        await asyncio.sleep(period_s)
        try:
            await refresh_now(engine, clock)
        except Exception as error:  # the next period tries again; the scores stay as they were
            log.warning("scores_refresh_failed", error=type(error).__name__)


def prior_view(stored: Mapping[str, Any], kind: str) -> scores.Prior:
    row = stored.get(kind)
    return (scores.Prior(row.mean, row.variance) if row is not None
            else scores.prior_of(0, 0, 0))


def tally_of(row: Mapping[str, Any], prefix: str = "") -> scores.Tally:
    """A materialised provider_scores row (its columns under `prefix`) as a tally."""
    h = row[f"{prefix}histogram"]
    return scores.Tally(count=row[f"{prefix}count"], total=row[f"{prefix}total"],
                        squares=row[f"{prefix}squares"],
                        histogram={s: h[s - 1] for s in range(1, 6)},
                        criteria={k: (v[0], v[1]) for k, v in row[f"{prefix}criteria"].items()})


