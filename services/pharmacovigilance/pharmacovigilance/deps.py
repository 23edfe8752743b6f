"""What pharmacovigilance's use cases depend on, and reading a reporter's sealed part."""

from dataclasses import dataclass
from typing import Any
from uuid import UUID

import orjson
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from kit.errors import ProblemError
from kit.personal import KeyShreddedError, PersonalData
from pharmacovigilance.terminology import Terminology


@dataclass(frozen=True)
class Deps:
    engine: AsyncEngine
    personal: PersonalData
    sender_id: str  # E2B N.1.3, our organisation
    receiver_id: str  # E2B N.1.4, the regulator (PvPI)
    terminology: Terminology


async def reporter_key(conn: AsyncConnection, deps: Deps, reporter_id: UUID) -> bytes:
    try:
        return await deps.personal.key(conn, reporter_id)
    except KeyShreddedError:
        raise ProblemError(409, "Conflict", "this account was erased") from None


@dataclass(frozen=True)
class Unsealed:
    """A report's sealed parts in clear; all None once the reporter's key is shredded."""

    personal: dict[str, Any] | None  # reporter and patient identifiers, history
    answers: list[list[str] | None]  # each follow-up's answers, None while unanswered
    narrative: str | None = None  # the officer's, when they wrote one


KeyCache = dict[UUID, bytes | None]  # reporter -> data key, None once shredded


async def unseal(conn: AsyncConnection, deps: Deps, row: sa.Row,
                 keys: KeyCache | None = None) -> Unsealed:
    """With `keys`, each reporter's key is looked up once (an export of many cases)."""
    keys = {} if keys is None else keys
    if row.reporter_id not in keys:
        try:
            keys[row.reporter_id] = await deps.personal.key(conn, row.reporter_id)
        except KeyShreddedError:
            keys[row.reporter_id] = None
    key = keys[row.reporter_id]
    if key is None:  # erased: what the regulator keeps is the clinical part
        return Unsealed(None, [None] * len(row.follow_ups))
    personal = orjson.loads(deps.personal.decrypt(key, row.reporter_id, "adr_report",
                                                  row.personal))
    answers = [orjson.loads(deps.personal.decrypt(key, row.reporter_id, "follow_up",
                                                  f["answers"])) if f["answers"] else None
               for f in row.follow_ups]
    narrative = row.narrative and deps.personal.decrypt(key, row.reporter_id, "narrative",
                                                        row.narrative)
    return Unsealed(personal, answers, narrative)


async def personal_part(conn: AsyncConnection, deps: Deps,
                        row: sa.Row) -> dict[str, Any] | None:
    return (await unseal(conn, deps, row)).personal
