"""Scores read from the score read models (SCORES.md): one provider's live from its day
buckets inside the window and its kind's, a list's from the materialised scores."""

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncConnection

from contracts.ratings.messages import Score
from ratings import buckets, score_models, scores
from ratings.adapters import sql


async def provider_score(conn: AsyncConnection, provider_id: UUID, kind: str,
                         now: datetime) -> Score:
    """A provider's numbers as of `now`: its buckets and its kind's inside the window;
    its percentile from where its materialised score ranks among its kind's."""
    since = buckets.window_start(now)
    tally = buckets.summed(score_models.bucket_of(row)
                           for row in await sql.buckets_of(conn, provider_id, since))
    prior = scores.prior_of(*await sql.kind_sums(conn, kind, since))
    row = await sql.materialised(conn, provider_id)
    rank = None
    if row is not None and row.score is not None:
        below, equal, of = (await sql.ranks(conn, [(provider_id, kind, row.score)]))[provider_id]
        rank = scores.Rank(below, equal, of)
    return Score.model_validate(scores.view(tally, prior, rank))


async def listed_scores(conn: AsyncConnection, rows: Sequence[Mapping[str, Any]]
                        ) -> dict[UUID, Score]:
    """The materialised numbers of a page of providers (sql.listed's rows), as of the last
    refresh, each ranked within its kind."""
    priors = await sql.stored_priors(conn)
    rated = [(row["provider_id"], row["kind"], row["s_score"]) for row in rows
             if row["s_score"] is not None]
    ranked = await sql.ranks(conn, rated)
    found: dict[UUID, Score] = {}
    for row in rows:
        if row["s_count"] is None:
            view = scores.view(None, score_models.prior_view(priors, row["kind"]), None)
        else:
            rank = ranked.get(row["provider_id"])
            view = scores.view(score_models.tally_of(row, "s_"),
                               scores.Prior(row["s_prior_mean"], row["s_prior_variance"]),
                               scores.Rank(*rank) if rank else None)
        found[row["provider_id"]] = Score.model_validate(view)
    return found
