"""The feed's read models: the inline `posts`, kept with the events; the projections
`timeline` (with its authors) and `community-stats` (post counts)."""

from collections import Counter
from uuid import UUID

from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from contracts.envelope import Envelope
from contracts.feed.events import (
    REGISTRY,
    CommunityFollowed,
    CommunityUnfollowed,
    PostCreated,
)
from contracts.identity.events import (
    AccountRegistered,
    PersonErased,
    ProfessionalVerified,
    SandboxApplied,
)
from contracts.registry import ALL
from feed.adapters import sql
from kit.personal import PersonalData
from kit.projection import Projection, one_by_one
from kit.readmodels import InlineModel
from kit.sql import insert_rows

FORMER_MEMBER = "former member"


async def add_to_timeline(conn: AsyncConnection, run: list[tuple[PostCreated, Envelope]]) -> None:
    await insert_rows(conn, sql.timeline, [post_row(event, envelope) for event, envelope in run],
                      skip_existing=True)


async def add_posts(conn: AsyncConnection, run: list[tuple[PostCreated, Envelope]]) -> None:
    await insert_rows(conn, sql.posts, [post_row(event, envelope) for event, envelope in run])


POSTS = InlineModel(name="posts", handlers={PostCreated: add_posts}, tables=[sql.posts],
                    registry=REGISTRY, store=sql.store)


async def add_follows(conn: AsyncConnection,
                      run: list[tuple[CommunityFollowed, Envelope]]) -> None:
    await insert_rows(conn, sql.follows, [{"user_id": e.user_id, "community": e.community}
                                          for e, _ in run], skip_existing=True)


async def remove_follow(conn: AsyncConnection, event: CommunityUnfollowed, _: Envelope) -> None:
    await conn.execute(sql.follows.delete().where(sql.follows.c.user_id == event.user_id,
                                                  sql.follows.c.community == event.community))


FOLLOWS = InlineModel(name="follows", tables=[sql.follows], registry=REGISTRY, store=sql.store,
                      handlers={CommunityFollowed: add_follows,
                                CommunityUnfollowed: one_by_one(remove_follow)})


def post_row(event: PostCreated, envelope: Envelope) -> dict:
    return {"post_id": event.post_id, "community": event.community, "kind": event.kind,
            "title": event.title, "body": event.body, "language": event.language,
            "author_id": event.author_id, "created_at": envelope.occurred_at}


def timeline(personal: PersonalData) -> Projection:
    """Feed pages, and what they show of authors: name, verified badge, first-day limits."""
    async def add_author(conn: AsyncConnection, event: AccountRegistered, _: Envelope) -> None:
        name = await personal.reveal(conn, event.user_id, "display_name", event.display_name)
        await upsert_author(conn, event.user_id, display_name=name or FORMER_MEMBER)

    return Projection(
        service="feed", name="timeline", registry=ALL,
        handlers={PostCreated: add_to_timeline, AccountRegistered: one_by_one(add_author),
                  ProfessionalVerified: one_by_one(verify_author),
                  SandboxApplied: one_by_one(sandbox_author),
                  PersonErased: one_by_one(forget_author)},
        tables=[sql.timeline, sql.authors])


async def upsert_author(conn: AsyncConnection, user_id: UUID, **values: object) -> None:
    """Set some of an author's columns, whichever identity event arrives first."""
    statement = insert(sql.authors).values(
        user_id=user_id, **{"display_name": FORMER_MEMBER, **values})
    await conn.execute(statement.on_conflict_do_update(
        index_elements=["user_id"], set_={k: statement.excluded[k] for k in values}))


async def verify_author(conn: AsyncConnection, event: ProfessionalVerified, _: Envelope) -> None:
    await upsert_author(conn, event.user_id, verified=True, profession=event.profession)


async def sandbox_author(conn: AsyncConnection, event: SandboxApplied, _: Envelope) -> None:
    await upsert_author(conn, event.user_id, sandbox_until=event.until,
                        sandbox_posts_per_hour=event.posts_per_hour,
                        sandbox_links_allowed=event.links_allowed)


async def forget_author(conn: AsyncConnection, event: PersonErased, _: Envelope) -> None:
    """The person was erased: their posts stay, by a former member."""
    await upsert_author(conn, event.user_id, display_name=FORMER_MEMBER, verified=False,
                        profession=None)


async def count_posts(conn: AsyncConnection, run: list[tuple[PostCreated, Envelope]]) -> None:
    """One statement per community in the run, however many posts it has."""
    added = Counter(event.community for event, _ in run)
    await conn.execute(COUNT_POSTS, [{"community": c, "post_count": n} for c, n in added.items()])


_counts = insert(sql.community_counts)
COUNT_POSTS = _counts.on_conflict_do_update(
    index_elements=["community"],
    set_={"post_count": sql.community_counts.c.post_count + _counts.excluded.post_count})


async def count_members(conn: AsyncConnection,
                        run: list[tuple[CommunityFollowed | CommunityUnfollowed, Envelope]]
                        ) -> None:
    """One statement per community in the run: +1 a follow, -1 an unfollow (the domain
    emits each only on a change, so the count is of people following now)."""
    change: Counter[str] = Counter()
    for event, _ in run:
        change[event.community] += 1 if isinstance(event, CommunityFollowed) else -1
    await conn.execute(COUNT_MEMBERS, [{"community": c, "member_count": n}
                                       for c, n in change.items()])


_members = insert(sql.community_members)
COUNT_MEMBERS = _members.on_conflict_do_update(
    index_elements=["community"],
    set_={"member_count": sql.community_members.c.member_count
          + _members.excluded.member_count})


def community_stats() -> Projection:
    """Post and member counts of each community."""
    return Projection(service="feed", name="community-stats", registry=ALL,
                      handlers={PostCreated: count_posts, CommunityFollowed: count_members,
                                CommunityUnfollowed: count_members},
                      tables=[sql.community_counts, sql.community_members])
