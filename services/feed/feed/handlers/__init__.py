"""The feed's use cases, in one table, and what its domain errors mean to a caller."""

from contracts.feed.messages import (
    AddComment,
    AddResource,
    AnswerDrugQuery,
    AskDrugQuery,
    CommunityRef,
    CreatePost,
    Decide,
    DrugQueriesQuery,
    DrugQueryRef,
    EditPost,
    FeedQuery,
    FlagComment,
    FlagPost,
    GatheringRef,
    GatheringsQuery,
    MarkRead,
    ModerationQueueQuery,
    MyFeedQuery,
    NotificationsQuery,
    PolicyInputsQuery,
    PostRef,
    React,
    ResourceRef,
    ResourcesQuery,
    ScheduleGathering,
    SchemeRef,
    SchemesQuery,
    ScopeModerator,
    SearchQuery,
    UploadVoiceNote,
    VoiceNoteRange,
    VoiceNoteRef,
)
from contracts.roles import ADMIN, MODERATOR, PHARMACIST_REVIEWER
from contracts.rpc import NoBody
from contracts.subjects import rpc
from feed import domain, voice
from feed.handlers.comments import add_comment, react, unreact
from feed.handlers.communities import (
    follow_community,
    list_communities,
    my_follows,
    unfollow_community,
)
from feed.handlers.drug_queries import (
    answer_drug_query,
    ask_drug_query,
    drug_query_queue,
    get_drug_query,
    my_drug_queries,
)
from feed.handlers.edits import delete_post, edit_post, policy_inputs, post_history
from feed.handlers.gatherings import (
    add_resource,
    cancel_gathering,
    list_resources,
    retire_resource,
    schedule_gathering,
    upcoming_gatherings,
)
from feed.handlers.moderation import (
    decide_item,
    flag_comment,
    flag_post,
    moderation_queue,
    scope_moderator,
)
from feed.handlers.notifications import mark_notifications_read, my_notifications
from feed.handlers.posts import create_post, get_feed, get_post, my_feed
from feed.handlers.schemes import get_scheme, list_schemes
from feed.handlers.search import search
from feed.handlers.voice_notes import get_voice_note, upload_voice_note, voice_note_bytes
from feed.voice_notes import (
    NoSuchVoiceNoteError,
    NotYourVoiceNoteError,
    VoiceNoteAttachedError,
    VoiceNoteRangeError,
)
from kit.media_s3 import MediaStoreError
from kit.usecases import ANYONE, SIGNED_IN, ErrorMap, Handler

# The writes that come many at a time are `grouped`: committed together under load
# (kit.unitofwork). Not the voice-note upload: it writes to the media store first.
HANDLERS = {
    rpc("feed", "create_post"): Handler(create_post, CreatePost, roles=SIGNED_IN,
                                        idempotent=True, status=201, grouped=True),
    rpc("feed", "get_feed"): Handler(get_feed, FeedQuery, roles=ANYONE),
    rpc("feed", "get_post"): Handler(get_post, PostRef, roles=ANYONE),
    rpc("feed", "list_communities"): Handler(list_communities, NoBody, roles=ANYONE),
    rpc("feed", "follow_community"): Handler(follow_community, CommunityRef, roles=SIGNED_IN),
    rpc("feed", "unfollow_community"): Handler(unfollow_community, CommunityRef,
                                               roles=SIGNED_IN),
    rpc("feed", "my_follows"): Handler(my_follows, NoBody, roles=SIGNED_IN),
    rpc("feed", "my_feed"): Handler(my_feed, MyFeedQuery, roles=SIGNED_IN),
    rpc("feed", "add_comment"): Handler(add_comment, AddComment, roles=SIGNED_IN,
                                        idempotent=True, status=201, grouped=True),
    rpc("feed", "react"): Handler(react, React, roles=SIGNED_IN, grouped=True),
    rpc("feed", "unreact"): Handler(unreact, React, roles=SIGNED_IN, grouped=True),
    rpc("feed", "ask_drug_query"): Handler(ask_drug_query, AskDrugQuery, roles=SIGNED_IN,
                                           idempotent=True, status=201, grouped=True),
    rpc("feed", "answer_drug_query"): Handler(answer_drug_query, AnswerDrugQuery,
                                              roles=(PHARMACIST_REVIEWER,)),
    rpc("feed", "get_drug_query"): Handler(get_drug_query, DrugQueryRef, roles=SIGNED_IN),
    rpc("feed", "drug_query_queue"): Handler(drug_query_queue, DrugQueriesQuery,
                                             roles=(PHARMACIST_REVIEWER,)),
    rpc("feed", "my_drug_queries"): Handler(my_drug_queries, DrugQueriesQuery,
                                            roles=SIGNED_IN),
    rpc("feed", "list_schemes"): Handler(list_schemes, SchemesQuery, roles=ANYONE),
    rpc("feed", "search"): Handler(search, SearchQuery, roles=ANYONE),
    rpc("feed", "get_scheme"): Handler(get_scheme, SchemeRef, roles=ANYONE),
    rpc("feed", "my_notifications"): Handler(my_notifications, NotificationsQuery,
                                             roles=SIGNED_IN),
    rpc("feed", "mark_notifications_read"): Handler(mark_notifications_read, MarkRead,
                                                    roles=SIGNED_IN),
    rpc("feed", "edit_post"): Handler(edit_post, EditPost, roles=SIGNED_IN),
    rpc("feed", "delete_post"): Handler(delete_post, PostRef, roles=SIGNED_IN),
    rpc("feed", "post_history"): Handler(post_history, PostRef, roles=SIGNED_IN),
    rpc("feed", "policy_inputs"): Handler(policy_inputs, PolicyInputsQuery,
                                          roles=(MODERATOR, ADMIN)),
    rpc("feed", "add_resource"): Handler(add_resource, AddResource, roles=(ADMIN,),
                                         idempotent=True, status=201),
    rpc("feed", "retire_resource"): Handler(retire_resource, ResourceRef, roles=(ADMIN,)),
    rpc("feed", "list_resources"): Handler(list_resources, ResourcesQuery, roles=ANYONE),
    rpc("feed", "schedule_gathering"): Handler(schedule_gathering, ScheduleGathering,
                                               roles=(ADMIN,), idempotent=True, status=201),
    rpc("feed", "cancel_gathering"): Handler(cancel_gathering, GatheringRef, roles=(ADMIN,)),
    rpc("feed", "upcoming_gatherings"): Handler(upcoming_gatherings, GatheringsQuery,
                                                roles=ANYONE),
    rpc("feed", "flag_post"): Handler(flag_post, FlagPost, roles=SIGNED_IN, status=201,
                                      grouped=True),
    rpc("feed", "flag_comment"): Handler(flag_comment, FlagComment, roles=SIGNED_IN,
                                         status=201, grouped=True),
    rpc("feed", "moderation_queue"): Handler(moderation_queue, ModerationQueueQuery,
                                             roles=(MODERATOR, ADMIN)),
    rpc("feed", "decide_item"): Handler(decide_item, Decide, roles=(MODERATOR, ADMIN)),
    rpc("feed", "scope_moderator"): Handler(scope_moderator, ScopeModerator, roles=(ADMIN,)),
    rpc("feed", "upload_voice_note"): Handler(upload_voice_note, UploadVoiceNote,
                                              roles=SIGNED_IN, idempotent=True, status=201),
    rpc("feed", "get_voice_note"): Handler(get_voice_note, VoiceNoteRef, roles=ANYONE),
    rpc("feed", "voice_note_bytes"): Handler(voice_note_bytes, VoiceNoteRange, roles=ANYONE),
}

ERRORS: ErrorMap = {
    MediaStoreError: 503,  # the object store is away: try again, not a fault of ours
    domain.UnknownCommunityError: 422,
    domain.TooManyPolicyInputsError: 422,
    domain.CommonFeedError: 422,
    domain.BlockedError: 422,
    domain.ModerationConflictError: 409,
    domain.OutOfScopeError: 403,
    domain.NotTheAuthorError: 403,
    domain.NoSuchResourceError: 404,
    domain.NoSuchGatheringError: 404,
    domain.GatheringError: 422,
    domain.NoSuchCommentError: 422,
    domain.UnknownCommentError: 404,
    domain.AlreadyFlaggedError: 409,
    domain.NoSuchDrugQueryError: 404,
    domain.NoSuchSchemeError: 404,
    domain.NoSuchNotificationsError: 422,
    domain.AlreadyAnsweredError: 409,
    domain.ReplyDepthError: 422,
    domain.ContactDetailsError: 422,
    domain.SandboxError: 422,
    domain.TooManyPostsError: 429,
    domain.NoSuchCommunityError: 404,
    domain.NoSuchPostError: 404,
    domain.PostExistsError: 409,
    voice.VoiceNoteRefusedError: 422,
    NoSuchVoiceNoteError: 404,
    NotYourVoiceNoteError: 422,
    VoiceNoteRangeError: 422,
    VoiceNoteAttachedError: 422,
}
