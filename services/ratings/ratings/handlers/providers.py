"""The providers directory: suggested by members, listed by admins, searched by anyone,
each with its scores."""

from collections.abc import Callable
from datetime import datetime
from typing import Any
from uuid import uuid4

from contracts.ratings.messages import (
    DecideProvider,
    ProviderAccepted,
    ProviderDecision,
    ProviderRef,
    ProvidersQuery,
    ProviderView,
    SuggestProvider,
)
from contracts.roles import ADMIN
from kit.usecases import Call
from ratings import domain
from ratings.adapters import sql
from ratings.deps import Deps
from ratings.handlers.scoring import KindScores, kind_scores
from ratings.paging import decode_offset, encode_offset


async def suggest_provider(call: Call[SuggestProvider], deps: Deps) -> ProviderAccepted:
    """An admin's provider is listed at once; a member's waits for an admin's decision."""
    provider_id, admin = uuid4(), call.caller.has_any(ADMIN)
    async with deps.db.transaction() as conn:
        events = domain.add_provider(domain.Provider(), provider_id, call.command,
                                     call.caller.user_id, admin)
        await deps.providers.append(conn, domain.provider_stream(provider_id), 0, events,
                                    call.caller.metadata)
    return ProviderAccepted(provider_id=provider_id,
                            status="listed" if admin else "pending")


async def decide_provider(call: Call[DecideProvider], deps: Deps) -> ProviderDecision:
    command = call.command
    async with deps.db.transaction() as conn:
        await deps.providers.change(
            conn, domain.provider_stream(command.provider_id),
            lambda state: domain.decide_provider(state, command, call.caller.user_id),
            call.caller.metadata)
    return ProviderDecision(provider_id=command.provider_id, status="listed"
                            if command.decision == "approve" else "rejected")


async def get_provider(call: Call[ProviderRef], deps: Deps) -> ProviderView:
    async with deps.db.connect() as conn:
        row = await sql.provider(conn, call.command.provider_id)
        if row is None or (row["status"] != domain.LISTED and not _may_see_pending(call)):
            raise domain.NoSuchProviderError()
        scores = await kind_scores(conn, row["kind"], deps.clock())
    return _view(row, scores, call.caller.language)[1]


def _may_see_pending(call: Call[Any]) -> bool:
    return call.caller.has_any(ADMIN)


async def list_providers(call: Call[ProvidersQuery], deps: Deps) -> dict[str, Any]:
    """Listed providers matching the filters, by score, count or recency, a page at a time.
    Scores depend on the clock (the 24-month window), so the page is sorted here, from every
    match: fine for a directory of thousands; a larger one wants a scores table refreshed
    as the window moves (not yet)."""
    query, now = call.command, deps.clock()
    start = decode_offset(query.cursor)
    async with deps.db.connect() as conn:
        rows = await sql.listed(conn, query.kind, query.q, query.city, query.state,
                                query.speciality)
        scores = {kind: await kind_scores(conn, kind, now)
                  for kind in {row["kind"] for row in rows}}
    views = sorted((_view(row, scores[row["kind"]], call.caller.language) for row in rows),
                   key=ORDERINGS[query.sort])
    chunk = views[start:start + query.limit]
    more = start + query.limit < len(views)
    return {"items": [view.model_dump(mode="json") for _, view in chunk],
            "next_cursor": encode_offset(start + query.limit) if more else None}


Listed = tuple[datetime, ProviderView]  # when it was added, and what is shown
ORDERINGS: dict[str, Callable[[Listed], tuple]] = {
    "recent": lambda v: (-v[0].timestamp(), str(v[1].provider_id)),
    "count": lambda v: (-v[1].rating.count, -(v[1].rating.score or 0), str(v[1].provider_id)),
    "score": lambda v: (v[1].rating.score is None, -(v[1].rating.score or 0),
                        -v[1].rating.count, str(v[1].provider_id)),
}


def _view(row: dict[str, Any], scores: KindScores, language: str) -> Listed:
    """A provider in the caller's language where its publisher names it in several."""
    name = (row["names"] or {}).get(language) or row["name"]
    return row["added_at"], ProviderView(
        **{k: row[k] for k in ("provider_id", "kind", "status", "city", "state", "pincode",
                               "speciality", "type")},
        name=name, rating=scores.view(row["provider_id"]))
