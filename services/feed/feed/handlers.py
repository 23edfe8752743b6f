"""Feed use cases, one small function each, listed in HANDLERS at the bottom."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any
from uuid import UUID, uuid4

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from contracts.feed.messages import (
    Communities,
    Community,
    CreatePost,
    FeedQuery,
    PostAccepted,
    PostRef,
)
from contracts.subjects import rpc
from feed import domain
from feed.adapters import sql
from feed.communities import COMMUNITIES
from feed.projections import FORMER_MEMBER, post_row
from kit.errors import ProblemError, invalid, not_found
from kit.idempotency import once
from kit.pagination import decode_cursor, next_cursor
from kit.rpc import Reply, Request, RpcHandler, ok


@dataclass(frozen=True)
class Deps:
    engine: AsyncEngine
    sandbox_posts_per_hour: int = 5  # for authors the feed has not heard of yet


async def create_post(deps: Deps, request: Request) -> Reply:
    principal = request.require()
    command = request.parse(CreatePost)
    async with deps.engine.begin() as conn:
        return await once(conn, sql.idempotency, request,
                          partial(_create_post, conn, deps, principal.user_id, command, request))


async def _create_post(conn: AsyncConnection, deps: Deps, author_id: UUID,
                       command: CreatePost, request: Request) -> Reply:
    post_id = uuid4()
    now = datetime.now(UTC)
    try:
        events = domain.create_post(post_id, author_id, command)
        domain.check_sandbox(command, await _sandbox(conn, deps, author_id, now), now,
                             await sql.posts_since(conn, author_id, now - timedelta(hours=1)))
    except domain.UnknownCommunityError:
        raise invalid("community", "no such community") from None
    except domain.SandboxError as error:
        if error.too_many:
            raise ProblemError(429, "Too many posts", str(error)) from None
        raise invalid("body", str(error)) from None
    envelopes = await sql.store.append(conn, domain.stream_id(post_id), 0, events,
                                       request.event_metadata())
    await conn.execute(sql.posts.insert().values(post_row(events[0], envelopes[0])))
    return ok(PostAccepted(post_id=post_id), status=201)


async def _sandbox(conn: AsyncConnection, deps: Deps, author_id: UUID,
                   now: datetime) -> domain.Sandbox | None:
    author = await sql.author(conn, author_id)
    if author is None:
        return domain.unknown_author_sandbox(now, deps.sandbox_posts_per_hour)
    if author.sandbox_until is None:
        return None
    return domain.Sandbox(until=author.sandbox_until,
                          posts_per_hour=author.sandbox_posts_per_hour,
                          links_allowed=bool(author.sandbox_links_allowed))


async def get_feed(deps: Deps, request: Request) -> Reply:
    query = request.parse(FeedQuery)
    if not domain.known_community(query.community):
        raise not_found(f"community {query.community}")
    after = decode_cursor(query.cursor)
    async with deps.engine.connect() as conn:
        rows = await sql.feed_page(conn, query.community, query.limit + 1, after)
    return ok({"items": [_item(row) for row in rows[:query.limit]],
               "next_cursor": next_cursor(rows, query.limit, "created_at", "post_id")})


def _item(row: sa.Row) -> dict[str, Any]:
    """A FeedItem (contracts.feed.messages), built as a plain dict: the read path's hottest
    line, where validating our own rows again would cost more than the query."""
    return {"post_id": str(row.post_id), "community": row.community, "kind": row.kind,
            "title": row.title, "body": row.body, "language": row.language,
            "created_at": row.created_at.isoformat().replace("+00:00", "Z"),
            "author": {"user_id": str(row.author_id),
                       "display_name": row.display_name or FORMER_MEMBER,
                       "verified": bool(row.verified), "profession": row.profession}}


async def get_post(deps: Deps, request: Request) -> Reply:
    post_id = request.parse(PostRef).post_id
    async with deps.engine.connect() as conn:
        row = (await conn.execute(
            sa.select(sql.posts, sql.authors.c.display_name, sql.authors.c.verified,
                      sql.authors.c.profession)
            .outerjoin(sql.authors, sql.authors.c.user_id == sql.posts.c.author_id)
            .where(sql.posts.c.post_id == post_id))).one_or_none()
    if row is None:
        raise not_found("the post")
    return ok(_item(row))


async def list_communities(deps: Deps, request: Request) -> Reply:
    async with deps.engine.connect() as conn:
        counts = await sql.counts(conn)
    language = request.language
    return ok(Communities(items=[
        Community(id=c.id, slug=c.slug, name=c.name(language),
                  description=c.description(language), post_count=counts.get(c.slug, 0))
        for c in COMMUNITIES]))


HANDLERS = {
    rpc("feed", "create_post"): create_post,
    rpc("feed", "get_feed"): get_feed,
    rpc("feed", "get_post"): get_post,
    rpc("feed", "list_communities"): list_communities,
}


def routes(deps: Deps) -> dict[str, RpcHandler]:
    return {subject: partial(handler, deps) for subject, handler in HANDLERS.items()}
