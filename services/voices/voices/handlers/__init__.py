"""The voices' use cases, in one table, and what its domain errors mean to a caller."""

from contracts.roles import ADMIN, MEMBERS
from contracts.subjects import rpc
from contracts.voices.messages import (
    CreateStory,
    DecideFlags,
    DecideStory,
    FlagStory,
    GiveConsent,
    MediaPart,
    MediaRange,
    MyStoriesQuery,
    PolicyQuery,
    QueueQuery,
    ReleaseStory,
    SetTranscript,
    StoriesQuery,
    StoryRef,
    UploadMedia,
    WordingsQuery,
    WriteStory,
)
from kit.media import NoSuchMediaError
from kit.mediacheck import MediaRefusedError
from kit.personal import KeyShreddedError
from kit.usecases import ANYONE, SIGNED_IN, ErrorMap, Handler
from voices import consents, domain, views
from voices.handlers.curation import curation_queue, decide_story, policy_stories
from voices.handlers.flags import decide_flags, flag_story
from voices.handlers.media import (
    MediaRangeError,
    NoCaptionsError,
    put_media_part,
    set_transcript,
    story_captions,
    story_media,
    story_media_bytes,
    upload_media,
)
from voices.handlers.stories import (
    consent_wordings,
    create_story,
    get_story,
    give_consent,
    list_stories,
    my_stories,
    preview_story,
    release_story,
    withdraw_story,
    write_story,
)

# Any member may call the storytellers' operations: a story is told as a patient or a
# caregiver, a role its storyteller holds (domain.storyteller_role), and the other
# operations are on one's own stories.
STORYTELLERS = tuple(sorted(MEMBERS))

# None grouped: stories come one at a time, and the uploads write to the media store first.
HANDLERS = {
    rpc("voices", "create_story"): Handler(create_story, CreateStory, roles=STORYTELLERS,
                                           idempotent=True, status=201),
    rpc("voices", "write_story"): Handler(write_story, WriteStory, roles=STORYTELLERS),
    rpc("voices", "put_media_part"): Handler(put_media_part, MediaPart, roles=STORYTELLERS),
    rpc("voices", "upload_media"): Handler(upload_media, UploadMedia, roles=STORYTELLERS,
                                           idempotent=True, status=201),
    rpc("voices", "consent_wordings"): Handler(consent_wordings, WordingsQuery, roles=ANYONE),
    rpc("voices", "give_consent"): Handler(give_consent, GiveConsent, roles=STORYTELLERS,
                                           idempotent=True, status=201),
    rpc("voices", "set_transcript"): Handler(set_transcript, SetTranscript,
                                             roles=STORYTELLERS),
    rpc("voices", "preview_story"): Handler(preview_story, StoryRef, roles=STORYTELLERS),
    rpc("voices", "release_story"): Handler(release_story, ReleaseStory, roles=STORYTELLERS,
                                            idempotent=True),
    rpc("voices", "withdraw_story"): Handler(withdraw_story, StoryRef, roles=SIGNED_IN),
    rpc("voices", "get_story"): Handler(get_story, StoryRef, roles=ANYONE),
    rpc("voices", "list_stories"): Handler(list_stories, StoriesQuery, roles=ANYONE),
    rpc("voices", "my_stories"): Handler(my_stories, MyStoriesQuery, roles=SIGNED_IN),
    rpc("voices", "story_media"): Handler(story_media, StoryRef, roles=ANYONE),
    rpc("voices", "story_media_bytes"): Handler(story_media_bytes, MediaRange, roles=ANYONE),
    rpc("voices", "story_captions"): Handler(story_captions, StoryRef, roles=ANYONE),
    rpc("voices", "curation_queue"): Handler(curation_queue, QueueQuery,
                                             roles=views.CURATORS),
    rpc("voices", "decide_story"): Handler(decide_story, DecideStory, roles=views.CURATORS),
    rpc("voices", "policy_stories"): Handler(policy_stories, PolicyQuery, roles=(ADMIN,)),
    rpc("voices", "flag_story"): Handler(flag_story, FlagStory, roles=STORYTELLERS,
                                         status=201),
    rpc("voices", "decide_flags"): Handler(decide_flags, DecideFlags, roles=views.CURATORS),
}

ERRORS: ErrorMap = {
    domain.NoSuchStoryError: 404,
    domain.NotEditableError: 409,
    domain.StorytellerRoleError: 403,
    domain.KindError: 422,
    domain.ConsentMissingError: 422,
    domain.ConsentPurposeError: 422,
    domain.NotPreviewedError: 409,
    domain.ContentMissingError: 422,
    domain.VariantError: 422,
    domain.EmbargoError: 422,
    domain.NotSubmittedError: 409,
    domain.TranscriptRangeError: 422,
    domain.NoRecordingError: 422,
    domain.AlreadyFlaggedError: 409,
    domain.NoOpenFlagsError: 409,
    consents.UnknownWordingError: 422,
    MediaRefusedError: 422,
    MediaRangeError: 422,
    NoCaptionsError: 404,
    NoSuchMediaError: 404,
    KeyShreddedError: 403,  # the person was erased: nothing of theirs is kept or written
}
