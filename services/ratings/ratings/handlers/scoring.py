"""Scores read from the counted ratings of a kind, as of the service's clock."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncConnection

from contracts.ratings.messages import Score
from ratings import scores
from ratings.adapters import sql


@dataclass(frozen=True)
class KindScores:
    tallies: dict[UUID, scores.Tally]
    prior: scores.Prior
    ranked: list[float]  # every rated provider's score, for the percentile

    def view(self, provider_id: UUID) -> Score:
        return Score.model_validate(scores.view(self.tallies.get(provider_id), self.prior,
                                                self.ranked))


async def kind_scores(conn: AsyncConnection, kind: str, now: datetime) -> KindScores:
    rows: list[Any] = list(await sql.counted(conn, kind, now - scores.WINDOW))
    tallies = scores.tallies((r.provider_id, r.stars, r.criteria) for r in rows)
    prior = scores.prior(tallies.values())
    return KindScores(tallies, prior, [scores.bayesian(t, prior) for t in tallies.values()])
