"""Finding likely duplicates of a case among the earlier ones."""

from datetime import date
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from pharmacovigilance import domain
from pharmacovigilance.adapters import sql
from pharmacovigilance.adapters.sealed import KeyCache, personal_part
from pharmacovigilance.deps import Deps
from pharmacovigilance.domain import signals
from pharmacovigilance.domain.duplicates import Profile, likely

CANDIDATES = 2_000  # the most recent cases compared


async def likely_duplicates(conn: AsyncConnection, deps: Deps,
                            row: sa.Row) -> list[tuple[UUID, float]]:
    keys: KeyCache = {}
    case = await profile(conn, deps, row, keys)
    r = sql.reports
    earlier = (await conn.execute(sa.select(r).where(
        r.c.status != domain.DRAFT, r.c.report_id != row.report_id,
        r.c.created_at <= row.created_at).order_by(r.c.created_at.desc())
        .limit(CANDIDATES))).all()
    sharing = [other for other in earlier if _suspects(other.clear) & case.suspects]
    return likely(case, [await profile(conn, deps, other, keys) for other in sharing])


async def profile(conn: AsyncConnection, deps: Deps, row: sa.Row, keys: KeyCache) -> Profile:
    clear = row.clear
    personal = await personal_part(conn, deps, row, keys)
    age = clear["patient"].get("age")
    starts = [date.fromisoformat(r["start_date"]) for r in clear["reactions"]
              if r.get("start_date")]
    return Profile(
        report_id=row.report_id,
        initials=personal["patient"]["initials"] if personal else None,
        sex=clear["patient"].get("sex"),
        age_years=None if not age else age["value"] / (12 if age["unit"] == "months" else 1),
        suspects=_suspects(clear),
        reactions=frozenset(signals.reaction_key(r["description"], None)
                            for r in clear["reactions"]),
        onset=min(starts) if starts else None)


def _suspects(clear: dict[str, Any]) -> frozenset[str]:
    return frozenset(signals.normalise(m["name"]) for m in clear["medicines"]
                     if m["role"] in ("suspect", "interacting"))
