"""The sealed parts of a report (the reporter's and patient's identifiers, follow-up answers,
the officer's narrative), encrypted with the reporter's data key, and opened again."""

from dataclasses import dataclass
from typing import Any
from uuid import UUID

import orjson
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from kit.personal import KeyShreddedError
from pharmacovigilance.deps import Deps
from pharmacovigilance.domain import AccountErasedError


async def reporter_key(conn: AsyncConnection, deps: Deps, reporter_id: UUID) -> bytes:
    """The reporter's data key, to seal what they or the officer write about the case."""
    try:
        return await deps.personal.key(conn, reporter_id)
    except KeyShreddedError:
        raise AccountErasedError() from None


@dataclass(frozen=True)
class Unsealed:
    """A report's sealed parts in clear; all None once the reporter's key is shredded."""

    personal: dict[str, Any] | None  # reporter and patient identifiers, history
    answers: list[list[str] | None]  # each follow-up's answers, None while unanswered
    narrative: str | None = None  # the officer's, when they wrote one


KeyCache = dict[UUID, bytes | None]  # reporter -> data key, None once shredded


async def _key(conn: AsyncConnection, deps: Deps, reporter_id: UUID,
               keys: KeyCache | None) -> bytes | None:
    """The reporter's data key, None once shredded; with `keys`, looked up once per reporter
    across many reports (an export, a duplicate check)."""
    keys = {} if keys is None else keys
    if reporter_id not in keys:
        try:
            keys[reporter_id] = await deps.personal.key(conn, reporter_id)
        except KeyShreddedError:
            keys[reporter_id] = None
    return keys[reporter_id]


def _personal(deps: Deps, key: bytes, row: sa.Row) -> dict[str, Any]:
    return orjson.loads(deps.personal.decrypt(key, row.reporter_id, "adr_report", row.personal))


async def unseal(conn: AsyncConnection, deps: Deps, row: sa.Row,
                 keys: KeyCache | None = None) -> Unsealed:
    """Every sealed part of the report: identifiers, follow-up answers, officer's narrative."""
    key = await _key(conn, deps, row.reporter_id, keys)
    if key is None:  # erased: what the regulator keeps is the clinical part
        return Unsealed(None, [None] * len(row.follow_ups))
    personal = _personal(deps, key, row)
    answers = [orjson.loads(deps.personal.decrypt(key, row.reporter_id, "follow_up",
                                                  f["answers"])) if f["answers"] else None
               for f in row.follow_ups]
    narrative = row.narrative and deps.personal.decrypt(key, row.reporter_id, "narrative",
                                                        row.narrative)
    return Unsealed(personal, answers, narrative)


async def personal_part(conn: AsyncConnection, deps: Deps, row: sa.Row,
                        keys: KeyCache | None = None) -> dict[str, Any] | None:
    """Only the identifiers, as the duplicate check compares them."""
    key = await _key(conn, deps, row.reporter_id, keys)
    return None if key is None else _personal(deps, key, row)
