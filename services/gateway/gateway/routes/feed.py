"""Feed and communities routes of the public API (../shared/API.md)."""

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

from fastapi import APIRouter, Path, Query, Request
from starlette.responses import Response

from contracts.feed.messages import (
    AddComment,
    AddResource,
    AnswerBody,
    AnswerDrugQuery,
    AskDrugQuery,
    CommentAccepted,
    CommentBody,
    Communities,
    CommunityRef,
    CreatePost,
    Decide,
    Decision,
    DecisionBody,
    DrugQueries,
    DrugQueriesQuery,
    DrugQuery,
    DrugQueryAccepted,
    DrugQueryRef,
    EditBody,
    EditPost,
    FeedPage,
    FeedQuery,
    FlagAccepted,
    FlagBody,
    FlagComment,
    FlagPost,
    Following,
    Follows,
    Gathering,
    GatheringRef,
    Gatherings,
    MarkRead,
    ModerationQueue,
    ModerationQueueQuery,
    ModeratorScope,
    MyFeedQuery,
    Notifications,
    NotificationsQuery,
    PolicyInputs,
    PostAccepted,
    PostHistory,
    PostRef,
    PostView,
    React,
    ReactionKind,
    Reactions,
    Resource,
    ResourceRef,
    Resources,
    ScheduleGathering,
    SchemeRef,
    Schemes,
    SchemesQuery,
    SchemeView,
    ScopeBody,
    ScopeModerator,
    SearchResults,
)
from contracts.subjects import rpc
from gateway.cache import MicroCache
from gateway.deps import BusDep, CallerDep
from gateway.problems import RESPONSES

router = APIRouter(prefix="/v1", responses=RESPONSES)  # type: ignore[arg-type]


@router.get("/communities", response_model=Communities, tags=["feed"])
async def communities(request: Request, caller: CallerDep, bus: BusDep) -> Response:
    """The 27 health communities, with their post counts."""
    return await cache(request).serve(
        request, lambda: bus.forward(rpc("feed", "list_communities"), caller), caller.language)


@router.get("/feed", response_model=FeedPage, tags=["feed"])
async def feed(request: Request, caller: CallerDep, bus: BusDep,
               community: Annotated[str, Query(max_length=64, pattern="^[a-z0-9-]+$")] = "common",
               limit: Annotated[int, Query(ge=1, le=100)] = 20,
               cursor: Annotated[str | None, Query(max_length=200)] = None) -> Response:
    """Posts of one community (or "common"), newest first (cached for about a second)."""
    query = FeedQuery(community=community, limit=limit, cursor=cursor)
    return await cache(request).serve(
        request, lambda: bus.forward(rpc("feed", "get_feed"), caller, query), caller.language,
        query.model_dump(exclude_none=True))


Slug = Annotated[str, Path(max_length=64, pattern="^[a-z0-9-]+$")]


@router.post("/communities/{slug}/follow", response_model=Following, tags=["feed"])
async def follow(slug: Slug, caller: CallerDep, bus: BusDep) -> Response:
    """Follow a community: its posts come into `GET /v1/me/feed` (following twice is one)."""
    return await bus.forward(rpc("feed", "follow_community"), caller,
                             CommunityRef(community=slug))


@router.delete("/communities/{slug}/follow", response_model=Following, tags=["feed"])
async def unfollow(slug: Slug, caller: CallerDep, bus: BusDep) -> Response:
    """Stop following a community (one not followed stays so)."""
    return await bus.forward(rpc("feed", "unfollow_community"), caller,
                             CommunityRef(community=slug))


@router.get("/me/follows", response_model=Follows, tags=["feed"])
async def my_follows(caller: CallerDep, bus: BusDep) -> Response:
    """The slugs of the communities the caller follows."""
    return await bus.forward(rpc("feed", "my_follows"), caller)


@router.get("/me/feed", response_model=FeedPage, tags=["feed"])
async def my_feed(caller: CallerDep, bus: BusDep,
                  limit: Annotated[int, Query(ge=1, le=100)] = 20,
                  cursor: Annotated[str | None, Query(max_length=200)] = None) -> Response:
    """The common feed and the communities the caller follows, newest first; pages by
    `next_cursor` stay without gaps or repeats while new posts arrive."""
    return await bus.forward(rpc("feed", "my_feed"), caller,
                             MyFeedQuery(limit=limit, cursor=cursor))


@router.post("/flags", status_code=201, response_model=FlagAccepted, tags=["moderation"])
async def flag(body: FlagPost, caller: CallerDep, bus: BusDep) -> Response:
    """Ask the moderators to look at a post or a comment (GUIDELINES.md); a second flag of
    yours on the same post, while the first is open, changes nothing; a comment is flagged
    once by each person (a second time: 409)."""
    return await bus.forward(rpc("feed", "flag_post"), caller, body)


@router.post("/comments/{comment_id}/flags", status_code=201, response_model=FlagAccepted,
             tags=["moderation"])
async def flag_comment(comment_id: UUID, body: FlagBody, caller: CallerDep,
                       bus: BusDep) -> Response:
    """Ask the moderators to look at a comment, once (as POST /v1/flags with a comment)."""
    return await bus.forward(rpc("feed", "flag_comment"), caller,
                             FlagComment(comment_id=comment_id, **body.model_dump()))


@router.get("/moderation/queue", response_model=ModerationQueue, tags=["moderation"])
async def moderation_queue(caller: CallerDep, bus: BusDep,
                           reason: Annotated[str | None, Query(max_length=64,
                                                               pattern="^[a-z_]+$")] = None,
                           flagger: UUID | None = None,
                           limit: Annotated[int, Query(ge=1, le=100)] = 20,
                           cursor: Annotated[str | None, Query(max_length=200)] = None
                           ) -> Response:
    """Held and flagged posts and flagged comments (`item_type`): urgent ones (self-harm)
    first, then oldest first."""
    return await bus.forward(rpc("feed", "moderation_queue"), caller, ModerationQueueQuery(
        reason=reason, flagger=flagger, limit=limit, cursor=cursor))


@router.post("/moderation/items/{item_id}/decision", response_model=Decision,
             tags=["moderation"])
async def decide(item_id: UUID, body: DecisionBody, caller: CallerDep,
                 bus: BusDep) -> Response:
    """hide (out of every feed, or a comment's words off its post), restore (published) or
    dismiss (flags closed), with a note; the item is a post or a comment."""
    return await bus.forward(rpc("feed", "decide_item"), caller,
                             Decide(item_id=item_id, **body.model_dump()))


@router.post("/drug-queries", status_code=201, response_model=DrugQueryAccepted,
             tags=["drug information"])
async def ask(body: AskDrugQuery, caller: CallerDep, bus: BusDep) -> Response:
    """Ask the pharmacists' drug-information team about a medicine."""
    return await bus.forward(rpc("feed", "ask_drug_query"), caller, body)


QueryStatus = Annotated[Literal["open", "answered"] | None, Query()]
Limit = Annotated[int, Query(ge=1, le=100)]
Cursor = Annotated[str | None, Query(max_length=200)]


@router.get("/drug-queries", response_model=DrugQueries, tags=["drug information"])
async def drug_query_queue(caller: CallerDep, bus: BusDep, status: QueryStatus = None,
                           limit: Limit = 20, cursor: Cursor = None) -> Response:
    """The reviewers' queue, oldest first, each with its age and whether it is overdue."""
    return await bus.forward(rpc("feed", "drug_query_queue"), caller,
                             DrugQueriesQuery(status=status, limit=limit, cursor=cursor))


@router.get("/me/drug-queries", response_model=DrugQueries, tags=["drug information"])
async def my_drug_queries(caller: CallerDep, bus: BusDep, status: QueryStatus = None,
                          limit: Limit = 20, cursor: Cursor = None) -> Response:
    return await bus.forward(rpc("feed", "my_drug_queries"), caller,
                             DrugQueriesQuery(status=status, limit=limit, cursor=cursor))


@router.get("/drug-queries/{query_id}", response_model=DrugQuery, tags=["drug information"])
async def drug_query(query_id: UUID, caller: CallerDep, bus: BusDep) -> Response:
    """The asker's own query, or any query to the reviewers."""
    return await bus.forward(rpc("feed", "get_drug_query"), caller,
                             DrugQueryRef(query_id=query_id))


@router.post("/drug-queries/{query_id}/answer", response_model=DrugQuery,
             tags=["drug information"])
async def answer(query_id: UUID, body: AnswerBody, caller: CallerDep, bus: BusDep) -> Response:
    """A pharmacist reviewer's answer, with its references; shown to the asker as from
    the verified drug-information team."""
    return await bus.forward(rpc("feed", "answer_drug_query"), caller,
                             AnswerDrugQuery(query_id=query_id, **body.model_dump()))


@router.get("/schemes", response_model=Schemes, tags=["schemes"])
async def schemes(request: Request, caller: CallerDep, bus: BusDep,
                  q: Annotated[str | None, Query(max_length=100)] = None,
                  state: Annotated[str | None, Query(max_length=40, pattern="^[a-z-]+$")] = None,
                  need: Annotated[str | None, Query(max_length=40, pattern="^[a-z_]+$")] = None
                  ) -> Response:
    """Government health schemes: what each covers, who is eligible, how to apply, the
    documents, helpline and official link, in the caller's language (`Accept-Language`);
    `state` (e.g. `kerala`: central schemes apply everywhere), `need` (e.g. `dialysis`)."""
    query = SchemesQuery(q=q, state=state, need=need)
    return await cache(request).serve(
        request, lambda: bus.forward(rpc("feed", "list_schemes"), caller, query),
        caller.language, query.model_dump(exclude_none=True))


@router.get("/schemes/{scheme_id}", response_model=SchemeView, tags=["schemes"])
async def scheme(scheme_id: UUID, caller: CallerDep, bus: BusDep) -> Response:
    return await bus.forward(rpc("feed", "get_scheme"), caller, SchemeRef(scheme_id=scheme_id))


@router.get("/me/notifications", response_model=Notifications, tags=["notifications"])
async def my_notifications(caller: CallerDep, bus: BusDep, unread: bool | None = None,
                           limit: Limit = 20, cursor: Cursor = None) -> Response:
    """What I am told of, newest first, in my language, with the unread count."""
    return await bus.forward(rpc("feed", "my_notifications"), caller,
                             NotificationsQuery(unread=unread, limit=limit, cursor=cursor))


@router.post("/me/notifications/read", response_model=Notifications, tags=["notifications"])
async def read_notifications(body: MarkRead, caller: CallerDep, bus: BusDep) -> Response:
    """Mark some of my notifications read; the unread count after it."""
    return await bus.forward(rpc("feed", "mark_notifications_read"), caller, body)


@router.put("/admin/moderators/{user_id}/communities", response_model=ModeratorScope,
            tags=["moderation"])
async def scope_moderator(user_id: UUID, body: ScopeBody, caller: CallerDep,
                          bus: BusDep) -> Response:
    """Limit a moderator to some communities (a partner organisation moderating its own);
    an empty list lets them moderate every community."""
    return await bus.forward(rpc("feed", "scope_moderator"), caller,
                             ScopeModerator(user_id=user_id, **body.model_dump()))


@router.get("/resources", response_model=Resources, tags=["resources and events"])
async def resources(request: Request, caller: CallerDep, bus: BusDep,
                    community: Annotated[str | None, Query(max_length=64,
                                                           pattern="^[a-z0-9-]+$")] = None,
                    language: Annotated[str | None, Query(max_length=8,
                                                          pattern="^[a-z]{2}$")] = None,
                    q: Annotated[str | None, Query(max_length=100)] = None) -> Response:
    """Curated videos and written guides, newest first."""
    return await bus.forward(rpc("feed", "list_resources"), caller, {
        "community": community, "language": language, "q": q})


@router.post("/resources", status_code=201, response_model=Resource,
             tags=["resources and events"])
async def add_resource(body: AddResource, caller: CallerDep, bus: BusDep) -> Response:
    return await bus.forward(rpc("feed", "add_resource"), caller, body)


@router.delete("/resources/{resource_id}", tags=["resources and events"])
async def retire_resource(resource_id: UUID, caller: CallerDep, bus: BusDep) -> Response:
    return await bus.forward(rpc("feed", "retire_resource"), caller,
                             ResourceRef(resource_id=resource_id))


@router.get("/events", response_model=Gatherings, tags=["resources and events"])
async def events(caller: CallerDep, bus: BusDep,
                 starting: Annotated[datetime | None, Query(alias="from")] = None,
                 community: Annotated[str | None, Query(max_length=64,
                                                        pattern="^[a-z0-9-]+$")] = None
                 ) -> Response:
    """Upcoming workshops, webinars, meetings, the annual conference and health days, from
    `from` (now when not given), soonest first."""
    return await bus.forward(rpc("feed", "upcoming_gatherings"), caller, {
        "from": starting.isoformat() if starting else None, "community": community})


@router.post("/events", status_code=201, response_model=Gathering,
             tags=["resources and events"])
async def schedule(body: ScheduleGathering, caller: CallerDep, bus: BusDep) -> Response:
    return await bus.forward(rpc("feed", "schedule_gathering"), caller, body)


@router.delete("/events/{event_id}", tags=["resources and events"])
async def cancel(event_id: UUID, caller: CallerDep, bus: BusDep) -> Response:
    return await bus.forward(rpc("feed", "cancel_gathering"), caller,
                             GatheringRef(gathering_id=event_id))


@router.put("/posts/{post_id}", response_model=PostAccepted, tags=["feed"])
async def edit_post(post_id: UUID, body: EditBody, caller: CallerDep, bus: BusDep) -> Response:
    """The author's new words; the earlier ones stay in the post's history."""
    return await bus.forward(rpc("feed", "edit_post"), caller,
                             EditPost(post_id=post_id, **body.model_dump()))


@router.delete("/posts/{post_id}", tags=["feed"])
async def delete_post(post_id: UUID, caller: CallerDep, bus: BusDep) -> Response:
    """The author takes their post down: it leaves every feed."""
    return await bus.forward(rpc("feed", "delete_post"), caller, PostRef(post_id=post_id))


@router.get("/posts/{post_id}/history", response_model=PostHistory, tags=["feed"])
async def post_history(post_id: UUID, caller: CallerDep, bus: BusDep) -> Response:
    """Every version of a post (its author, moderators)."""
    return await bus.forward(rpc("feed", "post_history"), caller, PostRef(post_id=post_id))


REPORT_FORMATS = {"text/csv": "csv", "text/markdown": "markdown"}


@router.get("/policy-inputs", response_model=PolicyInputs, tags=["moderation"])
async def policy_inputs(request: Request, caller: CallerDep, bus: BusDep,
                        community: Annotated[str | None, Query(
                            max_length=64, pattern="^[a-z0-9-]+$")] = None,
                        starting: Annotated[datetime | None, Query(alias="from")] = None,
                        until: Annotated[datetime | None, Query(alias="to")] = None,
                        format: Literal["json", "csv", "markdown"] | None = None
                        ) -> Response:
    """Policy inputs of a period for a submission to policy makers, grouped by community
    and theme: JSON, or a report as CSV or Markdown (`format`, or `Accept: text/csv` or
    `text/markdown`). A period holding more inputs than one report carries (5,000 by
    default) is refused with a 422 asking for a shorter period or one community."""
    accepted = request.headers.get("accept", "").split(";")[0].strip()
    return await bus.forward(rpc("feed", "policy_inputs"), caller, {
        "community": community, "from": starting.isoformat() if starting else None,
        "to": until.isoformat() if until else None,
        "format": format or REPORT_FORMATS.get(accepted, "json")})


@router.get("/search", response_model=SearchResults, tags=["feed"])
async def search(caller: CallerDep, bus: BusDep,
                 q: Annotated[str, Query(min_length=2, max_length=200)],
                 limit: Annotated[int, Query(ge=1, le=50)] = 20,
                 cursor: Annotated[str | None, Query(max_length=200)] = None) -> Response:
    """Published posts and their comments (full text, stemmed where Postgres has the
    language's dictionary, then words like the asked ones: the inflected forms of other
    Indian scripts), published stories of the Voices Project by their title and summary
    (kind `story`, link `/v1/stories/{id}`; members-only ones for signed-in members only,
    those for policy work never), resources and schemes; best matches first, a page at a
    time (`next_cursor`)."""
    # The service judges the words (stripped, they may be too short: a 422, never a 500).
    return await bus.forward(rpc("feed", "search"), caller,
                             {"q": q, "limit": limit, "cursor": cursor})


def cache(request: Request) -> MicroCache:
    return request.app.state.cache


@router.post("/posts", status_code=201, response_model=PostAccepted, tags=["feed"])
async def create_post(body: CreatePost, caller: CallerDep, bus: BusDep) -> Response:
    return await bus.forward(rpc("feed", "create_post"), caller, body)


@router.post("/posts/{post_id}/comments", status_code=201, response_model=CommentAccepted,
             tags=["feed"])
async def comment(post_id: UUID, body: CommentBody, caller: CallerDep,
                  bus: BusDep) -> Response:
    """A comment on a post, or (`parent_id`) a reply to one of its comments."""
    return await bus.forward(rpc("feed", "add_comment"), caller,
                             AddComment(post_id=post_id, **body.model_dump()))


@router.put("/posts/{post_id}/reactions/{kind}", response_model=Reactions, tags=["feed"])
async def react(post_id: UUID, kind: ReactionKind, caller: CallerDep, bus: BusDep) -> Response:
    """support, helpful or same_here (once each); the post's reactions after it."""
    return await bus.forward(rpc("feed", "react"), caller, React(post_id=post_id, kind=kind))


@router.delete("/posts/{post_id}/reactions/{kind}", response_model=Reactions, tags=["feed"])
async def unreact(post_id: UUID, kind: ReactionKind, caller: CallerDep,
                  bus: BusDep) -> Response:
    return await bus.forward(rpc("feed", "unreact"), caller, React(post_id=post_id, kind=kind))


@router.get("/posts/{post_id}", response_model=PostView, tags=["feed"])
async def get_post(post_id: UUID, caller: CallerDep, bus: BusDep) -> Response:
    return await bus.forward(rpc("feed", "get_post"), caller, PostRef(post_id=post_id))
