"""Stories: telling one (created, written), consenting, previewing, releasing and
withdrawing it; reading one, the gallery and one's own."""

from uuid import uuid4

from contracts.voices.events import ConsentRecorded, StoryCreated
from contracts.voices.messages import (
    ConsentAccepted,
    CreateStory,
    GiveConsent,
    MyStoriesQuery,
    Released,
    ReleaseStory,
    StoriesPage,
    StoriesQuery,
    StoryAccepted,
    StoryRef,
    StoryView,
    Withdrawn,
    Wordings,
    WordingsQuery,
    WriteStory,
)
from kit.logging import get_logger
from kit.pagination import page
from kit.usecases import Call
from voices import consents, domain, transcripts, views
from voices.adapters import sql
from voices.deps import Deps
from voices.handlers.common import readable, sealer
from voices.handlers.media import silenced_copy

log = get_logger(__name__)


async def create_story(call: Call[CreateStory], deps: Deps) -> StoryAccepted:
    """A draft of the caller's, told as a patient or a caregiver."""
    c, me, story_id = call.command, call.caller.user_id, uuid4()
    assert call.caller.principal is not None
    role = domain.storyteller_role(c.storyteller_role, call.caller.principal.roles)
    async with deps.db.transaction() as conn:
        seal = await sealer(conn, deps, me)
        state, version = await deps.stories.get(conn, domain.stream(story_id))
        events = domain.create(state, StoryCreated(
            story_id=story_id, storyteller_id=me, storyteller_role=role,
            title=seal("title", c.title), summary=seal("summary", c.summary),
            language=c.language, communities=c.communities, kind=c.kind,
            about_someone_else=c.about_someone_else), seal("text", c.text) if c.text else None)
        await deps.stories.append(conn, domain.stream(story_id), version, events,
                                  call.caller.metadata)
    log.info("story_created", story_id=str(story_id), kind=c.kind)
    return StoryAccepted(story_id=story_id, status="draft")


async def write_story(call: Call[WriteStory], deps: Deps) -> StoryAccepted:
    c, me = call.command, call.caller.user_id
    async with deps.db.transaction() as conn:
        seal = await sealer(conn, deps, me)
        state = await deps.stories.change(
            conn, domain.stream(c.story_id),
            lambda s: domain.write(s, me, seal("text", c.text)), call.caller.metadata)
    status = "draft" if state.status == "submitted" else state.status  # a change voids it
    return StoryAccepted.model_validate({"story_id": c.story_id, "status": status})


async def consent_wordings(call: Call[WordingsQuery], deps: Deps) -> Wordings:
    """The wordings to show, current version of each purpose, in English or Hindi."""
    return Wordings(items=consents.wordings(call.command.language))


async def give_consent(call: Call[GiveConsent], deps: Deps) -> ConsentAccepted:
    """A consent recorded with the exact words shown (the current version only)."""
    c, me = call.command, call.caller.user_id
    wording = consents.wording(c.purpose, c.version, c.language)
    async with deps.db.transaction() as conn:
        seal = await sealer(conn, deps, me)
        event = ConsentRecorded(story_id=c.story_id, purpose=c.purpose,
                                wording_version=c.version, language=c.language,
                                wording=wording, given_by=c.given_by,
                                name=seal("name", c.name) if c.name else None, recorded_by=me)
        await deps.stories.change(conn, domain.stream(c.story_id),
                                  lambda s: domain.consent(s, me, event), call.caller.metadata)
    return ConsentAccepted(story_id=c.story_id, purpose=c.purpose, version=c.version)


async def preview_story(call: Call[StoryRef], deps: Deps) -> StoryView:
    """The story as it would be published, with its whole transcript; seeing it is
    recorded (a release is accepted only of a revision its storyteller previewed)."""
    me, story_id = call.caller.user_id, call.command.story_id
    async with deps.db.transaction() as conn:
        await deps.stories.change(conn, domain.stream(story_id),
                                  lambda s: domain.preview(s, me), call.caller.metadata)
        row = await sql.story(conn, story_id)
    return views.view(row, call.caller, deps.clock())


async def release_story(call: Call[ReleaseStory], deps: Deps) -> Released:
    """The release, given after the preview: to whom, named or not, for policy use."""
    c, me, stream = call.command, call.caller.user_id, domain.stream(call.command.story_id)
    wording = consents.wording("release", c.version, c.language)
    async with deps.db.connect() as conn:
        state, _ = await deps.stories.get(conn, stream)
        row = await sql.story(conn, c.story_id)
    domain.release(state, me, c, wording, deps.clock())  # refused before any work
    copy = await silenced_copy(deps, state, row, c.variant)
    try:
        async with deps.db.transaction() as conn:
            await deps.stories.change(conn, stream, lambda s: domain.release(
                s, me, c, wording, deps.clock(), copy), call.caller.metadata)
    except BaseException:
        if copy is not None:
            await deps.media.delete(copy[0])
        raise
    log.info("story_released", story_id=str(c.story_id), visibility=c.visibility)
    return Released(story_id=c.story_id, status="submitted")


async def withdraw_story(call: Call[StoryRef], deps: Deps) -> Withdrawn:
    """Unpublished everywhere at once, and the recording deleted."""
    me, story_id = call.caller.user_id, call.command.story_id
    async with deps.db.transaction() as conn:
        state = await deps.stories.change(conn, domain.stream(story_id),
                                          lambda s: domain.withdraw(s, me, "storyteller"),
                                          call.caller.metadata)
    for key in domain.media_keys(state):  # after the commit: the story is gone anyway
        await deps.media.delete(key)
    log.info("story_withdrawn", story_id=str(story_id))
    return Withdrawn(story_id=story_id, status="withdrawn")


async def get_story(call: Call[StoryRef], deps: Deps) -> StoryView:
    row = await readable(deps, call.command.story_id, call.caller)
    shown = views.view(row, call.caller, deps.clock())
    if not views.whole(row, call.caller):
        return shown
    return shown.model_copy(update={"pointers": transcripts.of_row(row)})


async def list_stories(call: Call[StoriesQuery], deps: Deps) -> StoriesPage:
    """The gallery: published stories the caller may see, newest first."""
    q, now = call.command, deps.clock()
    async with deps.db.connect() as conn:
        rows = await sql.gallery(conn, q.community, q.language, q.kind,
                                 views.audiences(call.caller), now, q.cursor, q.limit)
    return StoriesPage.model_validate(page(
        rows, q.limit, "published_at", "story_id",
        lambda row: views.view(row, call.caller, now).model_dump(mode="json")))


async def my_stories(call: Call[MyStoriesQuery], deps: Deps) -> StoriesPage:
    q, now = call.command, deps.clock()
    async with deps.db.connect() as conn:
        rows = await sql.mine(conn, call.caller.user_id, q.cursor, q.limit)
    return StoriesPage.model_validate(page(
        rows, q.limit, "created_at", "story_id",
        lambda row: views.view(row, call.caller, now).model_dump(mode="json")))
