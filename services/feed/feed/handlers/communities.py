"""The 27 health communities."""

from contracts.feed.messages import Communities, Community
from contracts.rpc import NoBody
from feed.adapters import sql
from feed.communities import COMMUNITIES
from feed.deps import Deps
from kit.usecases import Call


async def list_communities(call: Call[NoBody], deps: Deps) -> Communities:
    """Every community in the caller's language, with its post count."""
    async with deps.db.connect() as conn:
        counts = await sql.counts(conn)
    language = call.caller.language
    return Communities(items=[
        Community(id=c.id, slug=c.slug, name=c.name(language),
                  description=c.description(language), post_count=counts.get(c.slug, 0))
        for c in COMMUNITIES])
