"""The voices' read models: the inline `stories`, written with the events (a storyteller
reads their draft at once; withdrawal empties the row in the same transaction), and the
projection `people`, fed from identity's stream: storytellers' names, and their erasure,
which withdraws every story of theirs (kit.projection; see handlers.erasure)."""

from collections.abc import Awaitable, Callable
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from contracts.envelope import Envelope
from contracts.identity.events import AccountRegistered, PersonErased
from contracts.registry import ALL
from contracts.voices.events import (
    REGISTRY,
    ConsentRecorded,
    FlagsReviewed,
    StoryCreated,
    StoryFlagged,
    StoryPreviewed,
    StoryPublished,
    StoryRecorded,
    StoryReleased,
    StoryReviewed,
    StoryUnpublished,
    StoryWithdrawn,
    StoryWritten,
    TranscriptSet,
)
from kit.personal import PersonalData
from kit.projection import Projection, one_by_one
from kit.readmodels import InlineModel
from voices import transcripts
from voices.adapters import sql

# The columns a withdrawal empties: nothing the story said is kept in the read model.
CONTENT = {"title": None, "summary": None, "text": None, "segments": None,
           "media_key": None, "content_type": None, "duration_s": None, "size": None,
           "sound_key": None, "sound_type": None, "sound_size": None,
           "silenced_key": None, "silenced_type": None, "silenced_size": None,
           "review_note": None}


def stories(personal: PersonalData) -> InlineModel:
    """Every story, its personal fields revealed with the storyteller's key."""
    async def reveal(conn: AsyncConnection, story_id: UUID, field: str,
                     token: str | None) -> str | None:
        owner = await conn.scalar(sa.select(sql.stories.c.storyteller_id).where(
            sql.stories.c.story_id == story_id))
        return None if owner is None else await personal.reveal(conn, owner, field, token)

    async def created(conn: AsyncConnection, event: StoryCreated, envelope: Envelope) -> None:
        owner = event.storyteller_id
        await conn.execute(insert(sql.stories).values(
            story_id=event.story_id, storyteller_id=owner,
            storyteller_role=event.storyteller_role, status="draft",
            title=await personal.reveal(conn, owner, "title", event.title),
            summary=await personal.reveal(conn, owner, "summary", event.summary),
            language=event.language, communities=event.communities, kind=event.kind,
            about_someone_else=event.about_someone_else, revision=1,
            created_at=envelope.occurred_at).on_conflict_do_nothing())

    async def written(conn: AsyncConnection, event: StoryWritten, _: Envelope) -> None:
        text = await reveal(conn, event.story_id, "text", event.text)
        await _changed(conn, event.story_id, text=text)

    async def recorded(conn: AsyncConnection, event: StoryRecorded, _: Envelope) -> None:
        await _changed(conn, event.story_id, media_key=event.media_key,
                       content_type=event.content_type, duration_s=event.duration_s,
                       size=event.size, sound_key=event.sound_key,
                       sound_type=event.sound_type, sound_size=event.sound_size,
                       silenced_key=None, silenced_type=None, silenced_size=None,
                       segments=None, transcript_origin=None,
                       machine_made=False, transcript_model=None)

    async def transcribed(conn: AsyncConnection, event: TranscriptSet, _: Envelope) -> None:
        segments = await reveal(conn, event.story_id, "segments", event.segments)
        await _changed(conn, event.story_id,
                       segments=[s.model_dump() for s in transcripts.loaded(segments)],
                       transcript_origin=event.origin, machine_made=event.machine_made,
                       transcript_model=event.model)

    async def flagged(conn: AsyncConnection, event: StoryFlagged, _: Envelope) -> None:
        reason = await personal.reveal(conn, event.flagger_id, "reason", event.reason)
        await conn.execute(insert(sql.story_flags).values(
            flag_id=event.flag_id, story_id=event.story_id, flagger_id=event.flagger_id,
            reason=reason, flagged_at=event.flagged_at, open=True).on_conflict_do_nothing())

    return InlineModel(name="stories", tables=[sql.story_flags, sql.stories],
                       registry=REGISTRY,
                       store=sql.store, handlers={
                           StoryCreated: one_by_one(created),
                           StoryWritten: one_by_one(written),
                           StoryRecorded: one_by_one(recorded),
                           TranscriptSet: one_by_one(transcribed),
                           ConsentRecorded: one_by_one(consented),
                           StoryPreviewed: one_by_one(previewed),
                           StoryReleased: one_by_one(released),
                           StoryReviewed: one_by_one(reviewed),
                           StoryPublished: one_by_one(published),
                           StoryWithdrawn: one_by_one(withdrawn),
                           StoryFlagged: one_by_one(flagged),
                           FlagsReviewed: one_by_one(flags_reviewed),
                           StoryUnpublished: one_by_one(unpublished)})


async def _set(conn: AsyncConnection, story_id: UUID, **values: object) -> None:
    await conn.execute(sql.stories.update().where(sql.stories.c.story_id == story_id)
                       .values(**values))


async def _changed(conn: AsyncConnection, story_id: UUID, **values: object) -> None:
    """A change of what the story says: a new revision; a released story is a draft again
    (domain._changed)."""
    s = sql.stories.c
    await _set(conn, story_id, **values, revision=s.revision + 1,
               status=sa.case((s.status == "submitted", "draft"), else_=s.status))


async def consented(conn: AsyncConnection, event: ConsentRecorded, _: Envelope) -> None:
    consents = sql.stories.c.consents
    await _set(conn, event.story_id, consents=sa.case(
        (sa.literal(event.purpose) == sa.any_(consents), consents),
        else_=sa.func.array_append(consents, event.purpose)))


async def previewed(conn: AsyncConnection, event: StoryPreviewed, _: Envelope) -> None:
    await _set(conn, event.story_id, previewed=event.revision)


async def released(conn: AsyncConnection, event: StoryReleased, envelope: Envelope) -> None:
    await _set(conn, event.story_id, status="submitted", visibility=event.visibility,
               embargo_until=event.embargo_until, anonymous=event.anonymous,
               variant=event.variant, policy_use=event.policy_use,
               submitted_at=envelope.occurred_at, review_note=None,
               silenced_key=event.silenced_key, silenced_type=event.silenced_type,
               silenced_size=event.silenced_size)


async def reviewed(conn: AsyncConnection, event: StoryReviewed, _: Envelope) -> None:
    status = {"request_changes": "changes_requested", "reject": "rejected"}.get(
        event.decision)
    await _set(conn, event.story_id, review_note=event.note or None,
               **({"status": status} if status else {}))


async def published(conn: AsyncConnection, event: StoryPublished, _: Envelope) -> None:
    """Published, within its visibility: an embargoed story is public at the embargo's
    end (domain.end_embargo)."""
    await _set(conn, event.story_id, status="published", published_at=event.published_at,
               visibility=event.visibility)


async def withdrawn(conn: AsyncConnection, event: StoryWithdrawn, _: Envelope) -> None:
    await _set(conn, event.story_id, status="withdrawn", **CONTENT)
    await conn.execute(sql.story_flags.delete().where(
        sql.story_flags.c.story_id == event.story_id))


async def flags_reviewed(conn: AsyncConnection, event: FlagsReviewed, _: Envelope) -> None:
    await conn.execute(sql.story_flags.update().where(
        sql.story_flags.c.story_id == event.story_id).values(open=False))


async def unpublished(conn: AsyncConnection, event: StoryUnpublished, _: Envelope) -> None:
    await _set(conn, event.story_id, status="changes_requested", published_at=None,
               review_note=event.note)


Erase = Callable[[AsyncConnection, UUID], Awaitable[None]]


def people(personal: PersonalData, erase: Erase) -> Projection:
    """Storytellers' names from identity; a person's erasure withdraws their stories
    (`erase`, the use case, in the projection's transaction)."""
    async def registered(conn: AsyncConnection, event: AccountRegistered, _: Envelope) -> None:
        name = await personal.reveal(conn, event.user_id, "display_name", event.display_name)
        statement = insert(sql.people).values(user_id=event.user_id, display_name=name)
        await conn.execute(statement.on_conflict_do_update(
            index_elements=["user_id"], set_={"display_name": statement.excluded.display_name}))

    async def erased(conn: AsyncConnection, event: PersonErased, _: Envelope) -> None:
        await conn.execute(sql.people.delete().where(sql.people.c.user_id == event.user_id))
        await erase(conn, event.user_id)

    return Projection(service="voices", name="people", registry=ALL,
                      handlers={AccountRegistered: one_by_one(registered),
                                PersonErased: one_by_one(erased)},
                      tables=[sql.people])
