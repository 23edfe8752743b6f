"""The providers directory: suggested by members, listed (or rejected) by admins, who find
the suggestions waiting for them; searched by anyone, each provider with its scores."""

from collections.abc import Mapping
from typing import Any
from uuid import uuid4

from contracts.ratings.messages import (
    DecideProvider,
    PendingProvider,
    PendingQuery,
    ProviderAccepted,
    ProviderDecision,
    ProviderRef,
    ProvidersQuery,
    ProviderView,
    Score,
    SuggestProvider,
)
from contracts.roles import ADMIN, MODERATOR
from kit.pagination import page
from kit.usecases import Call
from ratings import domain
from ratings.adapters import sql
from ratings.deps import Deps
from ratings.handlers.scoring import listed_scores, provider_score
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
        score = await provider_score(conn, row["provider_id"], row["kind"], deps.clock())
    return _view(row, score, call.caller.language)


def _may_see_pending(call: Call[Any]) -> bool:
    return call.caller.has_any(ADMIN, MODERATOR)


async def list_providers(call: Call[ProvidersQuery], deps: Deps) -> dict[str, Any]:
    """Listed providers matching the filters, by score, count or recency, a page at a time:
    sorted and ranked by the materialised scores (SCORES.md), never by scoring the kind."""
    query = call.command
    start = decode_offset(query.cursor)
    async with deps.db.connect() as conn:
        rows = await sql.listed(conn, query.kind, query.q, query.city, query.state,
                                query.speciality, query.sort, start, query.limit)
        shown = rows[:query.limit]
        found = await listed_scores(conn, shown)
    more = len(rows) > query.limit
    return {"items": [_view(row, found[row["provider_id"]], call.caller.language)
                      .model_dump(mode="json") for row in shown],
            "next_cursor": encode_offset(start + query.limit) if more else None}


async def pending_providers(call: Call[PendingQuery], deps: Deps) -> dict[str, Any]:
    """The providers members suggested that wait for an admin's decision, oldest first."""
    query = call.command
    async with deps.db.connect() as conn:
        rows = await sql.pending(conn, query.cursor, query.limit)
    return page(rows, query.limit, "added_at", "provider_id", _pending)


def _pending(row: Any) -> dict[str, Any]:
    return PendingProvider.model_validate(row._mapping).model_dump(mode="json")


def _view(row: Mapping[str, Any], score: Score, language: str) -> ProviderView:
    """A provider in the caller's language where its publisher names it in several."""
    name = (row["names"] or {}).get(language) or row["name"]
    return ProviderView(
        **{k: row[k] for k in ("provider_id", "kind", "status", "city", "state", "pincode",
                               "speciality", "type")},
        name=name, rating=score)
