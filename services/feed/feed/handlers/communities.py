"""The 27 health communities, and following them."""

from contracts.feed.messages import Communities, Community, CommunityRef, Following, Follows
from contracts.rpc import NoBody
from feed import domain
from feed.adapters import sql
from feed.communities import COMMUNITIES
from feed.deps import Deps
from kit.usecases import Call


async def list_communities(call: Call[NoBody], deps: Deps) -> Communities:
    """Every community in the caller's language, with its post and member counts."""
    async with deps.db.connect() as conn:
        posts, members = await sql.counts(conn), await sql.member_counts(conn)
    language = call.caller.language
    return Communities(items=[
        Community(id=c.id, slug=c.slug, name=c.name(language),
                  description=c.description(language), post_count=posts.get(c.slug, 0),
                  member_count=members.get(c.slug, 0))
        for c in COMMUNITIES])


async def follow_community(call: Call[CommunityRef], deps: Deps) -> Following:
    """Its posts come into the caller's feed from the next page on."""
    user_id, slug = call.caller.user_id, call.command.community
    async with deps.db.transaction() as conn:
        await deps.members.change(conn, domain.membership_stream(user_id),
                                  lambda m: domain.follow(m, user_id, slug),
                                  call.caller.metadata)
    return Following(community=slug, following=True)


async def unfollow_community(call: Call[CommunityRef], deps: Deps) -> Following:
    user_id, slug = call.caller.user_id, call.command.community
    async with deps.db.transaction() as conn:
        await deps.members.change(conn, domain.membership_stream(user_id),
                                  lambda m: domain.unfollow(m, user_id, slug),
                                  call.caller.metadata)
    return Following(community=slug, following=False)


async def my_follows(call: Call[NoBody], deps: Deps) -> Follows:
    async with deps.db.connect() as conn:
        return Follows(items=await sql.followed(conn, call.caller.user_id))
