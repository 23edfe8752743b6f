"""The government health schemes directory: listed from the seed, read in the caller's
language, filtered by state and by need."""

from functools import partial
from typing import Any

from contracts.feed.messages import SchemeRef, Schemes, SchemesQuery, SchemeView
from feed import domain
from feed.adapters import sql
from feed.deps import Deps
from feed.handlers.seeds import seed
from feed.schemes import SCHEMES, listed
from kit.usecases import Call


async def seed_schemes(deps: Deps) -> None:
    """At start-up: list each seeded scheme once, and again when its facts changed (two
    processes starting at once: the second finds the first's events)."""
    for scheme in SCHEMES:
        await seed(deps.db, deps.schemes, domain.scheme_stream(scheme.scheme_id),
                   partial(domain.list_scheme, facts=listed(scheme)))


async def list_schemes(call: Call[SchemesQuery], deps: Deps) -> Schemes:
    query = call.command
    async with deps.db.connect() as conn:
        entries = await sql.scheme_entries(conn, query.q, query.state, query.need)
    return Schemes(items=[_view(entry, call.caller.language) for entry in entries])


async def get_scheme(call: Call[SchemeRef], deps: Deps) -> SchemeView:
    async with deps.db.connect() as conn:
        entry = await sql.scheme_entry(conn, call.command.scheme_id)
    if entry is None:
        raise domain.NoSuchSchemeError()
    return _view(entry, call.caller.language)


def _view(entry: dict[str, Any], language: str) -> SchemeView:
    def text(texts: dict[str, str]) -> str:
        return texts.get(language) or texts["en"]
    return SchemeView(scheme_id=entry["scheme_id"], slug=entry["slug"],
                      name=text(entry["name"]),
                      **{field: text(entry["details"][field]) for field in (
                          "covers", "eligibility", "how_to_apply", "documents")},
                      helpline=entry["helpline"], link=entry["link"], needs=entry["needs"],
                      states=entry["states"])
