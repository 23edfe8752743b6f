"""The feed's read models: the inline `posts`, kept with the events; the projections
`timeline` (with its authors) and `community-stats` (post counts)."""

from collections import Counter
from typing import Any
from uuid import UUID, uuid5

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from contracts.envelope import Envelope
from contracts.events import Event
from contracts.feed.events import (
    CommentAdded,
    CommentFlagged,
    CommentModerated,
    CommunityFollowed,
    CommunityUnfollowed,
    DrugQueryAnswered,
    DrugQueryAsked,
    GatheringCancelled,
    GatheringScheduled,
    ModeratorScoped,
    PostCreated,
    PostDeleted,
    PostEdited,
    PostFlagged,
    PostHeld,
    PostModerated,
    ReactionAdded,
    ReactionRemoved,
    ResourceAdded,
    ResourceRetired,
    SchemeListed,
    SchemeRevised,
    VoiceNoteUploaded,
)
from contracts.identity.events import (
    AccountRegistered,
    PersonErased,
    ProfessionalVerified,
    SandboxApplied,
)
from contracts.registry import ALL
from feed import stories
from feed.adapters import sql
from feed.domain import DELETED, HELD, HIDDEN, PUBLISHED
from feed.events import REGISTRY, NotificationsRead
from kit.personal import PersonalData
from kit.projection import Projection, one_by_one
from kit.readmodels import InlineModel, inline
from kit.sql import insert_rows

FORMER_MEMBER = "former member"


def published_posts(table: sa.Table) -> dict[type[Event], Any]:
    """The handlers of a projection of the published posts into `table`: new posts but for
    those held or hidden (by the inline model, always ahead of any projection), edits,
    holds, moderators' decisions and deletions."""
    restore = sql.restored(table)

    async def add(conn: AsyncConnection, run: list[tuple[PostCreated, Envelope]]) -> None:
        unpublished = await sql.unpublished(conn, [event.post_id for event, _ in run])
        await insert_rows(conn, table, [post_row(event, envelope) for event, envelope in run
                                        if event.post_id not in unpublished],
                          skip_existing=True)

    async def take_off(conn: AsyncConnection, event: PostHeld | PostModerated | PostDeleted,
                       _: Envelope) -> None:
        if isinstance(event, PostModerated) and event.decision == "restore":
            await conn.execute(restore, {"post_id": event.post_id})
        elif isinstance(event, PostHeld | PostDeleted) or event.decision == "hide":
            await conn.execute(table.delete().where(table.c.post_id == event.post_id))

    async def edit(conn: AsyncConnection, event: PostEdited, _: Envelope) -> None:
        await conn.execute(table.update().where(table.c.post_id == event.post_id)
                           .values(title=event.title, body=event.body))

    return {PostCreated: add, PostHeld: one_by_one(take_off),
            PostModerated: one_by_one(take_off), PostDeleted: one_by_one(take_off),
            PostEdited: one_by_one(edit)}


def search(personal: PersonalData) -> Projection:
    """Published posts and stories by their words (GET /v1/search), in the feed worker."""
    return Projection(service="feed", name="search", registry=ALL,
                      handlers={**published_posts(sql.searched_posts),
                                **stories.searched(personal)},
                      tables=[sql.searched_posts, sql.searched_stories])


async def add_posts(conn: AsyncConnection, run: list[tuple[PostCreated, Envelope]]) -> None:
    await insert_rows(conn, sql.posts, [{**post_row(event, envelope), "status": PUBLISHED}
                                        for event, envelope in run])


async def post_edited(conn: AsyncConnection, event: PostEdited, envelope: Envelope) -> None:
    await conn.execute(sql.posts.update().where(sql.posts.c.post_id == event.post_id)
                       .values(title=event.title, body=event.body,
                               edited_at=envelope.occurred_at))


async def post_status(conn: AsyncConnection, event: PostHeld | PostModerated | PostDeleted,
                      _: Envelope) -> None:
    status = (HELD if isinstance(event, PostHeld) else DELETED
              if isinstance(event, PostDeleted) else MODERATED_STATUS.get(event.decision))
    if status is not None:
        await conn.execute(sql.posts.update().where(sql.posts.c.post_id == event.post_id)
                           .values(status=status))


MODERATED_STATUS = {"hide": HIDDEN, "restore": PUBLISHED}  # dismiss leaves the post as it was

POSTS = InlineModel(name="posts", tables=[sql.posts], registry=REGISTRY, store=sql.store,
                    handlers={PostCreated: add_posts, PostHeld: one_by_one(post_status),
                              PostModerated: one_by_one(post_status),
                              PostDeleted: one_by_one(post_status),
                              PostEdited: one_by_one(post_edited)})


async def add_holds(conn: AsyncConnection, event: PostHeld, envelope: Envelope) -> None:
    await insert_rows(conn, sql.flags, [
        {"flag_id": uuid5(event.post_id, reason), "post_id": event.post_id, "reason": reason,
         "flagger_id": None, "urgent": False, "flagged_at": envelope.occurred_at, "open": True}
        for reason in event.reasons], skip_existing=True)


async def add_flags(conn: AsyncConnection, run: list[tuple[PostFlagged, Envelope]]) -> None:
    await insert_rows(conn, sql.flags, [
        {"flag_id": e.flag_id, "post_id": e.post_id, "reason": e.reason,
         "flagger_id": e.flagger_id, "urgent": e.urgent, "flagged_at": envelope.occurred_at,
         "open": True} for e, envelope in run], skip_existing=True)


async def close_flags(conn: AsyncConnection, event: PostModerated | PostDeleted,
                      _: Envelope) -> None:
    """A decision closes the post's flags; the author taking the post down closes its
    comments' too."""
    f = sql.flags
    closed = f.update().where(f.c.post_id == event.post_id)
    if isinstance(event, PostModerated):
        closed = closed.where(f.c.comment_id.is_(None))
    await conn.execute(closed.values(open=False))


async def add_comment_flags(conn: AsyncConnection,
                            run: list[tuple[CommentFlagged, Envelope]]) -> None:
    await insert_rows(conn, sql.flags, [
        {"flag_id": e.flag_id, "post_id": e.post_id, "comment_id": e.comment_id,
         "reason": e.reason, "flagger_id": e.flagger_id, "urgent": e.urgent,
         "flagged_at": envelope.occurred_at, "open": True} for e, envelope in run],
        skip_existing=True)


async def close_comment_flags(conn: AsyncConnection, event: CommentModerated,
                              _: Envelope) -> None:
    await conn.execute(sql.flags.update().where(sql.flags.c.comment_id == event.comment_id)
                       .values(open=False))


async def add_comments(conn: AsyncConnection, run: list[tuple[CommentAdded, Envelope]]) -> None:
    await insert_rows(conn, sql.comments, [
        {"comment_id": e.comment_id, "post_id": e.post_id, "parent_id": e.parent_id,
         "author_id": e.author_id, "body": e.body, "language": e.language,
         "created_at": envelope.occurred_at, "status": PUBLISHED,
         "voice_note_id": e.voice_note_id} for e, envelope in run])


async def comment_status(conn: AsyncConnection, event: CommentModerated, _: Envelope) -> None:
    status = MODERATED_STATUS.get(event.decision)
    if status is not None:
        await conn.execute(sql.comments.update()
                           .where(sql.comments.c.comment_id == event.comment_id)
                           .values(status=status))


COMMENTS = InlineModel(name="comments", tables=[sql.comments], registry=REGISTRY,
                       store=sql.store, handlers={CommentAdded: add_comments,
                                                  CommentModerated: one_by_one(comment_status)})


async def add_reactions(conn: AsyncConnection,
                        run: list[tuple[ReactionAdded, Envelope]]) -> None:
    await insert_rows(conn, sql.reactions, [
        {"post_id": e.post_id, "user_id": e.user_id, "kind": e.kind} for e, _ in run],
        skip_existing=True)


async def remove_reaction(conn: AsyncConnection, event: ReactionRemoved, _: Envelope) -> None:
    r = sql.reactions
    await conn.execute(r.delete().where(r.c.post_id == event.post_id,
                                        r.c.user_id == event.user_id, r.c.kind == event.kind))


REACTIONS = InlineModel(name="reactions", tables=[sql.reactions], registry=REGISTRY,
                        store=sql.store, handlers={ReactionAdded: add_reactions,
                                                   ReactionRemoved: one_by_one(remove_reaction)})


async def add_drug_query(conn: AsyncConnection, event: DrugQueryAsked,
                         envelope: Envelope) -> None:
    await conn.execute(sql.drug_queries.insert().values(
        query_id=event.query_id, asker_id=event.asker_id, medicine=event.medicine,
        question=event.question, language=event.language, asked_at=envelope.occurred_at))


async def answer_drug_query(conn: AsyncConnection, event: DrugQueryAnswered,
                            envelope: Envelope) -> None:
    q = sql.drug_queries
    await conn.execute(q.update().where(q.c.query_id == event.query_id).values(
        answer=event.body, answer_references=event.references, reviewer_id=event.reviewer_id,
        answered_at=envelope.occurred_at))


DRUG_QUERIES = InlineModel(name="drug-queries", tables=[sql.drug_queries], registry=REGISTRY,
                           store=sql.store,
                           handlers={DrugQueryAsked: one_by_one(add_drug_query),
                                     DrugQueryAnswered: one_by_one(answer_drug_query)})


async def list_scheme(conn: AsyncConnection, event: SchemeListed, _: Envelope) -> None:
    entry = event.model_dump(mode="json")
    # In a fixed order: the event read back from the store (JSONB) orders its keys its own way.
    texts = [event.name[lang] for lang in sorted(event.name)] + [
        event.details[field][lang] for field in sorted(event.details)
        for lang in sorted(event.details[field])]
    row = {"slug": event.slug, "entry": entry, "needs": event.needs, "states": event.states,
           "search": " ".join(texts).casefold()}
    statement = insert(sql.schemes).values(scheme_id=event.scheme_id, **row)
    await conn.execute(statement.on_conflict_do_update(index_elements=["scheme_id"], set_=row))


SCHEMES = InlineModel(name="schemes", tables=[sql.schemes], registry=REGISTRY,
                      store=sql.store, handlers={SchemeListed: one_by_one(list_scheme),
                                                 SchemeRevised: one_by_one(list_scheme)})


async def mark_read(conn: AsyncConnection, run: list[tuple[NotificationsRead, Envelope]]) -> None:
    await insert_rows(conn, sql.notification_reads, [
        {"user_id": e.user_id, "notification_id": n} for e, _ in run
        for n in e.notification_ids], skip_existing=True)


NOTIFICATION_READS = InlineModel(name="notification-reads", tables=[sql.notification_reads],
                                 registry=REGISTRY, store=sql.store,
                                 handlers={NotificationsRead: mark_read})


async def scope_moderator(conn: AsyncConnection, event: ModeratorScoped, _: Envelope) -> None:
    statement = insert(sql.moderator_scopes).values(user_id=event.user_id,
                                                    communities=event.communities)
    await conn.execute(statement.on_conflict_do_update(
        index_elements=["user_id"], set_={"communities": event.communities}))


MODERATOR_SCOPES = InlineModel(name="moderator-scopes", tables=[sql.moderator_scopes],
                               registry=REGISTRY, store=sql.store,
                               handlers={ModeratorScoped: one_by_one(scope_moderator)})


async def add_resource(conn: AsyncConnection, event: ResourceAdded, envelope: Envelope) -> None:
    await conn.execute(insert(sql.resources).values(
        resource_id=event.resource_id, entry=event.model_dump(mode="json"),
        language=event.language, communities=event.communities,
        search=" ".join([event.title, event.organisation, event.summary or ""]).casefold(),
        added_at=envelope.occurred_at).on_conflict_do_nothing())


async def retire_resource(conn: AsyncConnection, event: ResourceRetired, _: Envelope) -> None:
    await conn.execute(sql.resources.delete().where(
        sql.resources.c.resource_id == event.resource_id))


RESOURCES = InlineModel(name="resources", tables=[sql.resources], registry=REGISTRY,
                        store=sql.store, handlers={ResourceAdded: one_by_one(add_resource),
                                                   ResourceRetired: one_by_one(retire_resource)})


async def schedule(conn: AsyncConnection, event: GatheringScheduled, _: Envelope) -> None:
    await conn.execute(insert(sql.gatherings).values(
        gathering_id=event.gathering_id, entry=event.model_dump(mode="json"),
        communities=event.communities, starts_at=event.starts_at, ends_at=event.ends_at)
        .on_conflict_do_nothing())


async def cancel(conn: AsyncConnection, event: GatheringCancelled, _: Envelope) -> None:
    await conn.execute(sql.gatherings.delete().where(
        sql.gatherings.c.gathering_id == event.gathering_id))


GATHERINGS = InlineModel(name="gatherings", tables=[sql.gatherings], registry=REGISTRY,
                         store=sql.store, handlers={GatheringScheduled: one_by_one(schedule),
                                                    GatheringCancelled: one_by_one(cancel)})


async def on_listing_append(conn: AsyncConnection, events: list[Event],
                            envelopes: list[Envelope]) -> None:
    await RESOURCES.apply(conn, events, envelopes)
    await GATHERINGS.apply(conn, events, envelopes)


async def add_voice_note(conn: AsyncConnection, event: VoiceNoteUploaded,
                         envelope: Envelope) -> None:
    await conn.execute(insert(sql.voice_notes).values(
        voice_note_id=event.voice_note_id, owner_id=event.owner_id,
        content_type=event.content_type, duration_s=event.duration_s, size=event.size,
        uploaded_at=envelope.occurred_at).on_conflict_do_nothing())


async def attach_voice_note(conn: AsyncConnection, event: PostCreated | CommentAdded,
                            _: Envelope) -> None:
    if event.voice_note_id is not None:
        on = ({"comment_id": event.comment_id} if isinstance(event, CommentAdded)
              else {"post_id": event.post_id})
        await conn.execute(sql.voice_notes.update()
                           .where(sql.voice_notes.c.voice_note_id == event.voice_note_id)
                           .values(**on))


VOICE_NOTES = InlineModel(name="voice-notes", tables=[sql.voice_notes], registry=REGISTRY,
                          store=sql.store,
                          handlers={VoiceNoteUploaded: one_by_one(add_voice_note),
                                    PostCreated: one_by_one(attach_voice_note),
                                    CommentAdded: one_by_one(attach_voice_note)})


FLAGS = InlineModel(name="flags", tables=[sql.flags], registry=REGISTRY, store=sql.store,
                    handlers={PostHeld: one_by_one(add_holds), PostFlagged: add_flags,
                              PostModerated: one_by_one(close_flags),
                              PostDeleted: one_by_one(close_flags),
                              CommentFlagged: add_comment_flags,
                              CommentModerated: one_by_one(close_comment_flags)})


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
        handlers={**published_posts(sql.timeline), **stories.handlers(personal),
                  AccountRegistered: one_by_one(add_author),
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


# The inline models each aggregate's events keep, in its append's transaction: the post or
# the comment itself, the moderation queue, and the voice note it carries.
on_post_append = inline(POSTS, FLAGS, VOICE_NOTES)
on_comment_append = inline(COMMENTS, FLAGS, VOICE_NOTES)
