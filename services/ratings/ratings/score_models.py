"""The score read models kept (SCORES.md, "How they are kept"): a counted rating's
contribution moved into and out of its provider's and its kind's day buckets, the provider's
materialised score made again from its buckets, and the periodic refresh that moves the
window and the kinds' priors on. The projection `scores` (ratings/projections.py) and the
refresh task call these, one at a time (an advisory lock)."""

import asyncio
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from contracts.events import Event
from contracts.ratings.events import ProviderRated, RatingModerated, RatingWithdrawn
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


@dataclass
class _Scored:
    """A rating as the projection keeps it (scored_ratings)."""

    provider_id: UUID
    kind: str
    day: date
    stars: int
    criteria: dict[str, int]
    counted: bool

    @property
    def contribution(self) -> buckets.Contribution:
        return buckets.Contribution(self.day, self.stars, self.criteria)


Move = tuple[UUID, str, buckets.Contribution, int]  # provider, kind, contribution, ±1


def decided(state: dict[UUID, _Scored | None], event: Event) -> list[Move]:
    """How one rating event moves contributions, given the ratings as kept so far (changed
    in place: None once withdrawn)."""
    old = state.get(event.rating_id)  # type: ignore[attr-defined]
    moves: list[Move] = []
    if isinstance(event, ProviderRated):  # RatingRevised too
        if old is not None and old.counted:
            moves.append((old.provider_id, old.kind, old.contribution, -1))
        new = _Scored(event.provider_id, event.kind, buckets.day_of(event.rated_at),
                      event.stars, dict(event.criteria), counted=not event.held)
        state[event.rating_id] = new
        if new.counted:
            moves.append((new.provider_id, new.kind, new.contribution, 1))
    elif isinstance(event, RatingWithdrawn):
        if old is not None and old.counted:
            moves.append((old.provider_id, old.kind, old.contribution, -1))
        state[event.rating_id] = None
    elif isinstance(event, RatingModerated):
        counts = event.decision == "release"
        if old is not None and old.counted != counts:
            moves.append((old.provider_id, old.kind, old.contribution, 1 if counts else -1))
            state[event.rating_id] = replace(old, counted=counts)
    return moves


async def project(conn: AsyncConnection, events: Sequence[Event]) -> None:
    """A run of rating events into the score read models, with a few statements for the
    whole run: the ratings kept, the buckets they move (each exactly, in order), and the
    providers touched re-scored."""
    await take_turns(conn)
    t = sql.scored_ratings
    ids = list({e.rating_id for e in events})  # type: ignore[attr-defined]
    state: dict[UUID, _Scored | None] = {
        row.rating_id: _Scored(row.provider_id, row.kind, row.day, row.stars,
                               dict(row.criteria), row.counted)
        for row in await conn.execute(sa.select(t).where(t.c.rating_id.in_(ids)))}
    moves = [move for event in events for move in decided(state, event)]
    await _keep(conn, state)
    await _move(conn, moves)
    touched = {e.provider_id: e.kind for e in state.values() if e is not None}
    touched |= {provider_id: kind for provider_id, kind, _, _ in moves}
    if touched:
        await rescore(conn, touched)


async def _keep(conn: AsyncConnection, state: Mapping[UUID, _Scored | None]) -> None:
    t = sql.scored_ratings
    gone = [rating_id for rating_id, kept in state.items() if kept is None]
    if gone:
        await conn.execute(t.delete().where(t.c.rating_id.in_(gone)))
    rows = [{"rating_id": rating_id, "provider_id": kept.provider_id, "kind": kept.kind,
             "day": kept.day, "stars": kept.stars, "criteria": kept.criteria,
             "counted": kept.counted} for rating_id, kept in state.items() if kept is not None]
    if rows:
        statement = insert(t).values(rows)
        await conn.execute(statement.on_conflict_do_update(
            index_elements=["rating_id"],
            set_={k: statement.excluded[k] for k in rows[0] if k != "rating_id"}))


async def _move(conn: AsyncConnection, moves: Sequence[Move]) -> None:
    """The moves into the providers' and the kinds' buckets; a bucket left empty is
    deleted."""
    if not moves:
        return
    b = sql.provider_buckets
    keys = sorted({(provider_id, c.day) for provider_id, _, c, _ in moves})
    held = {(row.provider_id, row.day): bucket_of(row) for row in await conn.execute(
        sa.select(b).where(sa.tuple_(b.c.provider_id, b.c.day).in_(keys)).with_for_update())}
    kinds: dict[tuple[str, date], list[int]] = {}
    for provider_id, kind, contribution, sign in moves:
        key = (provider_id, contribution.day)
        held[key] = buckets.moved(held.get(key, buckets.Bucket()), contribution, sign)
        sums = kinds.setdefault((kind, contribution.day), [0, 0, 0])
        stars = contribution.stars
        sums[0], sums[1], sums[2] = (sums[0] + sign, sums[1] + sign * stars,
                                     sums[2] + sign * stars * stars)
    empty = [key for key in keys if held[key].empty]
    if empty:
        await conn.execute(b.delete().where(sa.tuple_(b.c.provider_id, b.c.day).in_(empty)))
    rows = [{"provider_id": key[0], "day": key[1], "count": bucket.count,
             "total": bucket.total, "squares": bucket.squares,
             "histogram": list(bucket.histogram),
             "criteria": {k: list(v) for k, v in bucket.criteria.items()}}
            for key in keys if not (bucket := held[key]).empty]
    if rows:
        statement = insert(b).values(rows)
        await conn.execute(statement.on_conflict_do_update(
            index_elements=["provider_id", "day"],
            set_={k: statement.excluded[k] for k in ("count", "total", "squares",
                                                     "histogram", "criteria")}))
    k = sql.kind_buckets
    rows = [{"kind": kind, "day": day, "count": n, "total": total, "squares": squares}
            for (kind, day), (n, total, squares) in sorted(kinds.items())]
    statement = insert(k).values(rows)
    await conn.execute(statement.on_conflict_do_update(
        index_elements=["kind", "day"],
        set_={"count": k.c.count + statement.excluded.count,
              "total": k.c.total + statement.excluded.total,
              "squares": k.c.squares + statement.excluded.squares}))
    await conn.execute(k.delete().where(k.c.count == 0, sa.tuple_(k.c.kind, k.c.day).in_(
        sorted(kinds))))


def materialised_score(prior_mean: Any, prior_weight: int = scores.PRIOR_WEIGHT
                       ) -> sa.ColumnElement[Any]:
    """SCORES.md's Bayesian average in SQL over a provider_scores row (Postgres does the
    arithmetic on every path, so that a refresh and a rebuild give the same bits)."""
    c = sql.provider_scores.c
    return sa.case((c.count > 0, (prior_weight * prior_mean + c.total)
                    / sa.cast(prior_weight + c.count, sa.Float)), else_=None)


async def rescore(conn: AsyncConnection, providers: Mapping[UUID, str]) -> None:
    """The providers' (id: kind) tallies and scores again from their buckets, with their
    kind's prior and window as of the last refresh (all of their buckets and the neutral
    prior before any)."""
    stored = await sql.stored_priors(conn)
    since = {kind: buckets.window_start(row.as_of) for kind, row in stored.items()}
    b = sql.provider_buckets
    found: dict[UUID, list[Any]] = {provider_id: [] for provider_id in providers}
    for row in await conn.execute(sa.select(b).where(b.c.provider_id.in_(list(providers)))
                                  .order_by(b.c.provider_id, b.c.day)):
        start = since.get(providers[row.provider_id])
        if start is None or row.day >= start:
            found[row.provider_id].append(row)
    rows = []
    for provider_id, kind in sorted(providers.items()):
        p = prior_view(stored, kind)
        kept = found[provider_id]
        tally = buckets.summed(bucket_of(row) for row in kept)
        rows.append({"provider_id": provider_id, "kind": kind, "count": tally.count,
                     "total": tally.total, "squares": tally.squares,
                     "histogram": [tally.histogram[s] for s in range(1, 6)],
                     "criteria": {k: list(v) for k, v in sorted(tally.criteria.items())},
                     "oldest_day": kept[0].day if kept else None,
                     "prior_mean": p.mean, "prior_variance": p.variance})
    statement = insert(sql.provider_scores).values(rows)
    await conn.execute(statement.on_conflict_do_update(
        index_elements=["provider_id"],
        set_={k: statement.excluded[k] for k in rows[0] if k != "provider_id"}))
    c = sql.provider_scores.c
    await conn.execute(sql.provider_scores.update().where(c.provider_id.in_(list(providers)))
                       .values(score=materialised_score(c.prior_mean)))


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
        if left:
            await rescore(conn, dict.fromkeys(left, kind))
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


