"""The ballot box of anonymous surveys (README.md, "Anonymity"): answers waiting, with no
person and no time, to be written as responses in shuffled batches apart from the
transaction that spent their token; the lock that keeps a batch and a submission of one
survey apart; and the rewrite of a survey's tokens that makes them all look alike again."""

import random
from collections.abc import Sequence
from typing import Any
from uuid import UUID, uuid4

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from kit.logging import get_logger
from kit.sql import insert_rows
from surveys.adapters.sql import metadata, participants

log = get_logger(__name__)
SHUFFLE = random.SystemRandom()

# One row per answer waiting: a random id, the survey, the response's fields (never a
# respondent, the day only). Gone when its batch is written.
ballots = sa.Table(
    "ballots", metadata,
    sa.Column("ballot_id", sa.Uuid, primary_key=True),
    sa.Column("survey_id", sa.Uuid, nullable=False, index=True),
    sa.Column("response", JSONB, nullable=False),
)


async def lock(conn: AsyncConnection, survey_id: UUID, *, shared: bool) -> None:
    """Submissions hold the survey's lock shared, a batch holds it alone: a batch never
    interleaves with a token being spent (its rewrite of the tokens sees every one)."""
    function = "pg_advisory_xact_lock_shared" if shared else "pg_advisory_xact_lock"
    await conn.execute(sa.text(f"SELECT {function}(hashtextextended(:key, 0))"),
                       {"key": f"surveys/{survey_id}"})


async def cast(conn: AsyncConnection, survey_id: UUID, response: dict[str, Any]) -> None:
    await conn.execute(ballots.insert().values(ballot_id=uuid4(), survey_id=survey_id,
                                               response=response))


async def waiting(conn: AsyncConnection) -> dict[UUID, int]:
    """How many ballots wait, per survey."""
    rows = await conn.execute(sa.select(ballots.c.survey_id, sa.func.count())
                              .group_by(ballots.c.survey_id))
    return {row[0]: row[1] for row in rows}


async def count(conn: AsyncConnection, survey_id: UUID) -> int:
    return await conn.scalar(sa.select(sa.func.count()).where(
        ballots.c.survey_id == survey_id)) or 0


async def take(conn: AsyncConnection, survey_id: UUID) -> list[dict[str, Any]]:
    """Every waiting ballot of the survey, removed, in random order."""
    taken = list((await conn.scalars(ballots.delete().where(ballots.c.survey_id == survey_id)
                                     .returning(ballots.c.response))).all())
    SHUFFLE.shuffle(taken)
    return taken


async def rewrite_tokens(conn: AsyncConnection, survey_id: UUID) -> None:
    """The survey's tokens deleted and written again in random order, in the batch's
    transaction: their row versions (xmin) and places on disk then tell neither when each
    was spent nor with which batch."""
    tokens: Sequence[bytes] = list((await conn.scalars(
        participants.delete().where(participants.c.survey_id == survey_id)
        .returning(participants.c.token))).all())
    shuffled = list(tokens)
    SHUFFLE.shuffle(shuffled)
    await insert_rows(conn, participants, [{"survey_id": survey_id, "token": token}
                                           for token in shuffled])


async def vacuum(engine: AsyncEngine) -> None:
    """Drop the dead row versions a batch leaves (the ballots, the tokens as they were)."""
    try:
        async with engine.connect() as conn:
            autocommit = await conn.execution_options(isolation_level="AUTOCOMMIT")
            await autocommit.exec_driver_sql(
                f'VACUUM "{metadata.schema}".ballots, "{metadata.schema}".participants')
    except sa.exc.DBAPIError as error:  # autovacuum gets to them later
        log.warning("ballots_vacuum_failed", error=type(error).__name__)
