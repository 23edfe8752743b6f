"""Posts and the feed's rules: pure, no I/O. A post's state is folded from its events;
decisions return events."""

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from uuid import UUID

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
)
from contracts.feed.messages import COMMON, CreatePost
from feed.communities import BY_SLUG
from feed.events import NotificationsRead
from feed.moderation import CONTACT_DETAILS, Screening


class FeedError(Exception):
    """A request the feed's rules refuse."""


class UnknownCommunityError(FeedError):
    """A post names a community that does not exist."""

    field = "community"

    def __init__(self, slug: str) -> None:
        super().__init__(f"no such community: {slug}")


class TooManyPolicyInputsError(FeedError):
    """A period holds more policy inputs than one report carries: a shorter period, or one
    community, is asked for rather than a report cut short without a word."""

    field = "from"

    def __init__(self, most: int) -> None:
        super().__init__(f"this period holds more than {most} policy inputs: choose a shorter "
                         "period or one community")


class NoSuchCommunityError(FeedError):
    """A page of a community that does not exist."""

    def __init__(self, slug: str) -> None:
        super().__init__(f"community {slug} does not exist")


class NoSuchPostError(FeedError):
    def __init__(self) -> None:
        super().__init__("the post does not exist")


class CommonFeedError(FeedError):
    """The common feed is everyone's: it is not followed or unfollowed."""

    field = "community"

    def __init__(self) -> None:
        super().__init__("everyone sees the common feed; follow a community instead")


class PostExistsError(FeedError):
    """A post with this id was created before."""


class SandboxError(FeedError):
    """A new account's first-day limits refuse this post."""

    field = "body"


class TooManyPostsError(SandboxError):
    """A new account posted as often as its first day allows."""


class BlockedError(FeedError):
    """The community guidelines do not allow this post (GUIDELINES.md, rule 6)."""

    field = "body"


class NoSuchCommentError(FeedError):
    """A reply to a comment that is not one of this post's."""

    field = "parent_id"

    def __init__(self) -> None:
        super().__init__("there is no such comment on this post")


class UnknownCommentError(FeedError):
    """A comment that does not exist, or that no one but a moderator sees."""

    def __init__(self) -> None:
        super().__init__("the comment does not exist")


class AlreadyFlaggedError(FeedError):
    """Each person flags a comment once (GUIDELINES.md)."""

    def __init__(self) -> None:
        super().__init__("you flagged this comment already: a moderator will look at it")


class ReplyDepthError(FeedError):
    """Replies are one level deep."""

    field = "parent_id"

    def __init__(self) -> None:
        super().__init__("replies are one level deep: reply to the comment itself")


class ContactDetailsError(FeedError):
    """A comment holding contact details (GUIDELINES.md, rule 2: comments are not held)."""

    field = "body"

    def __init__(self) -> None:
        super().__init__("please take the phone number or e-mail address out: contact "
                         "details are not published (community guidelines, rule 2)")


class NoSuchDrugQueryError(FeedError):
    def __init__(self) -> None:
        super().__init__("there is no such drug query")


class AlreadyAnsweredError(FeedError):
    """A drug query has one answer, the team's."""

    def __init__(self) -> None:
        super().__init__("this query has been answered already")


class NoSuchSchemeError(FeedError):
    def __init__(self) -> None:
        super().__init__("there is no such scheme")


class NoSuchNotificationsError(FeedError):
    field = "ids"

    def __init__(self) -> None:
        super().__init__("none of these is one of your notifications")


class OutOfScopeError(FeedError):
    """A moderator scoped to some communities acts on a post of another."""

    def __init__(self, community: str) -> None:
        super().__init__(f"you moderate other communities than {community}")


class NoSuchResourceError(FeedError):
    def __init__(self) -> None:
        super().__init__("there is no such resource")


class NoSuchGatheringError(FeedError):
    def __init__(self) -> None:
        super().__init__("there is no such event")


class GatheringError(FeedError):
    """An event whose times or place do not make sense."""

    field = "ends_at"


class NotTheAuthorError(FeedError):
    """Only its author edits or deletes a post."""

    def __init__(self) -> None:
        super().__init__("only the post's author may change it")


class ModerationConflictError(FeedError):
    """The decision does not fit the post as it is now."""


PUBLISHED, HELD, HIDDEN, DELETED = "published", "held", "hidden", "deleted"


@dataclass(frozen=True)
class Post:
    """What the rules need to know of a post: whether it exists, where it stands with the
    moderators, who has an open flag on it."""

    created: bool = False
    community: str = ""
    author_id: UUID | None = None
    status: str = PUBLISHED
    flagged: bool = False  # an open flag, the screening's or a person's
    flaggers: frozenset[UUID] = frozenset()


def evolve(post: Post, event: Event) -> Post:
    if isinstance(event, PostCreated):
        return replace(post, created=True, community=event.community,
                       author_id=event.author_id)
    if isinstance(event, PostDeleted):
        return replace(post, status=DELETED, flagged=False, flaggers=frozenset())
    if isinstance(event, PostHeld):
        return replace(post, status=HELD)
    if isinstance(event, PostFlagged):
        flaggers = post.flaggers | ({event.flagger_id} if event.flagger_id else set())
        return replace(post, flagged=True, flaggers=flaggers)
    if isinstance(event, PostModerated):
        status = {"hide": HIDDEN, "restore": PUBLISHED}.get(event.decision, post.status)
        return replace(post, status=status, flagged=False, flaggers=frozenset())
    return post


# Linear in the text: the domain name is found from its dot (a name character just
# before it), never by scanning each run of name characters again from every start.
LINK = re.compile(r"https?://|www\.|(?<=[a-z0-9-])\.(?:com|in|org|net|info|io|xyz|ly|me)\b",
                  re.IGNORECASE)


@dataclass(frozen=True)
class Sandbox:
    """First-day limits of an account, as identity published them."""

    until: datetime
    posts_per_hour: int
    links_allowed: bool

    def applies(self, now: datetime) -> bool:
        return now < self.until


def check_sandbox(command: CreatePost, sandbox: Sandbox | None, now: datetime,
                  posts_last_hour: int) -> None:
    """New accounts may post only a few times an hour, and without links."""
    if sandbox is None or not sandbox.applies(now):
        return
    if posts_last_hour >= sandbox.posts_per_hour:
        raise TooManyPostsError(f"new accounts may post {sandbox.posts_per_hour} times an hour "
                                "during their first day")
    text = f"{command.title or ''} {command.body}"
    if not sandbox.links_allowed and LINK.search(text):
        raise SandboxError("links are not allowed during an account's first day")


def unknown_author_sandbox(now: datetime, posts_per_hour: int) -> Sandbox:
    """An author the feed has not heard of yet is treated as brand new."""
    return Sandbox(until=now + timedelta(hours=1), posts_per_hour=posts_per_hour,
                   links_allowed=False)


def known_community(slug: str) -> bool:
    return slug == COMMON or slug in BY_SLUG


def create_post(post: Post, post_id: UUID, author_id: UUID, command: CreatePost,
                screening: Screening, new_id: Callable[[], UUID]) -> list[Event]:
    """The post, and what the guidelines' screening makes of it: held for a moderator
    before publication, or flagged to them (an urgent flag never hides it)."""
    if post.created:
        raise PostExistsError(f"post {post_id} exists")
    if not known_community(command.community):
        raise UnknownCommunityError(command.community)
    if screening.blocked:
        raise BlockedError("the community guidelines do not allow this post (rule 6: "
                           f"\"{screening.blocked}\")")
    events: list[Event] = [PostCreated(
        post_id=post_id, author_id=author_id, community=command.community, kind=command.kind,
        title=command.title or None, body=command.body,
        language=command.language or "en",  # the handler tells it from the words
        voice_note_id=command.voice_note_id)]
    if screening.holds:
        events.append(PostHeld(post_id=post_id, reasons=list(screening.holds)))
    events += [PostFlagged(post_id=post_id, flag_id=new_id(), reason=reason, urgent=urgent)
               for reason, urgent in screening.flags]
    return events


def flag(post: Post, post_id: UUID, flag_id: UUID, flagger_id: UUID, reason: str,
         urgent: bool) -> list[Event]:
    """Anyone may ask a moderator to look at a post; a second flag of theirs, while the
    first is open, adds nothing."""
    if not post.created or post.status in (HIDDEN, DELETED):
        raise NoSuchPostError()
    if flagger_id in post.flaggers:
        return []
    return [PostFlagged(post_id=post_id, flag_id=flag_id, reason=reason,
                        flagger_id=flagger_id, urgent=urgent)]


def moderate(post: Post, post_id: UUID, moderator_id: UUID, decision: str,
             note: str, scope: frozenset[str] | None = None) -> list[Event]:
    """hide: out of every feed (a published or held post); restore: published (a held or
    hidden one); dismiss: the open flags closed, the post left as it is (a published one).
    A moderator scoped to some communities decides only for theirs."""
    if not post.created:
        raise NoSuchPostError()
    if scope and post.community not in scope:
        raise OutOfScopeError(post.community)
    allowed = {"hide": (PUBLISHED, HELD), "restore": (HELD, HIDDEN), "dismiss": (PUBLISHED,)}
    if post.status not in allowed[decision]:
        raise ModerationConflictError(f"a {post.status} post cannot be given \"{decision}\"")
    if decision == "dismiss" and not post.flagged:
        raise ModerationConflictError("the post has no open flag to dismiss")
    return [PostModerated(post_id=post_id, moderator_id=moderator_id, decision=decision,
                          note=note)]


def stream_id(post_id: UUID) -> str:
    return f"post-{post_id}"


@dataclass(frozen=True)
class Membership:
    """The communities a person follows."""

    communities: frozenset[str] = frozenset()


def evolve_membership(membership: Membership, event: Event) -> Membership:
    if isinstance(event, CommunityFollowed):
        return Membership(membership.communities | {event.community})
    if isinstance(event, CommunityUnfollowed):
        return Membership(membership.communities - {event.community})
    return membership


def followable(slug: str) -> None:
    if slug == COMMON:
        raise CommonFeedError()
    if slug not in BY_SLUG:
        raise NoSuchCommunityError(slug)


def follow(membership: Membership, user_id: UUID, slug: str) -> list[Event]:
    """Follow a community; following it again changes nothing."""
    followable(slug)
    if slug in membership.communities:
        return []
    return [CommunityFollowed(user_id=user_id, community=slug)]


def unfollow(membership: Membership, user_id: UUID, slug: str) -> list[Event]:
    """Stop following; a community one does not follow stays so, without an error."""
    followable(slug)
    if slug not in membership.communities:
        return []
    return [CommunityUnfollowed(user_id=user_id, community=slug)]


def membership_stream(user_id: UUID) -> str:
    return f"member-{user_id}"


@dataclass(frozen=True)
class CommentState:
    """A comment as the rules see it: its post, its thread, its standing with the
    moderators, and who flagged it (ever: each person flags a comment once)."""

    created: bool = False
    post_id: UUID | None = None
    parent_id: UUID | None = None
    status: str = PUBLISHED  # published or hidden
    flagged: bool = False  # an open flag
    flaggers: frozenset[UUID] = frozenset()


def evolve_comment(comment: CommentState, event: Event) -> CommentState:
    if isinstance(event, CommentAdded):
        return CommentState(True, event.post_id, event.parent_id)
    if isinstance(event, CommentFlagged):
        return replace(comment, flagged=True, flaggers=comment.flaggers | {event.flagger_id})
    if isinstance(event, CommentModerated):
        status = {"hide": HIDDEN, "restore": PUBLISHED}.get(event.decision, comment.status)
        return replace(comment, status=status, flagged=False)
    return comment


def add_comment(post: Post, parent: CommentState | None, comment_id: UUID, post_id: UUID,
                author_id: UUID, body: str, language: str, parent_id: UUID | None,
                screening: Screening, voice_note_id: UUID | None = None) -> list[Event]:
    """A comment on a published post, or a reply to one of its top-level comments (not
    to one a moderator hid)."""
    if not post.created or post.status != PUBLISHED:
        raise NoSuchPostError()
    if parent_id is not None:
        if (parent is None or not parent.created or parent.post_id != post_id
                or parent.status != PUBLISHED):
            raise NoSuchCommentError()
        if parent.parent_id is not None:
            raise ReplyDepthError()
    if screening.blocked:
        raise BlockedError("the community guidelines do not allow this comment (rule 6: "
                           f"\"{screening.blocked}\")")
    if CONTACT_DETAILS in screening.holds:
        raise ContactDetailsError()
    return [CommentAdded(comment_id=comment_id, post_id=post_id, author_id=author_id,
                         parent_id=parent_id, body=body, language=language,
                         voice_note_id=voice_note_id)]


def flag_comment(comment: CommentState, post: Post, comment_id: UUID, flag_id: UUID,
                 flagger_id: UUID, reason: str, urgent: bool) -> list[Event]:
    """Anyone may ask a moderator to look at a comment they can read, once."""
    if not comment.created or comment.status != PUBLISHED or post.status != PUBLISHED:
        raise UnknownCommentError()
    if flagger_id in comment.flaggers:
        raise AlreadyFlaggedError()
    return [CommentFlagged(comment_id=comment_id, post_id=post_id_of(comment), flag_id=flag_id,
                           reason=reason, flagger_id=flagger_id, urgent=urgent)]


def moderate_comment(comment: CommentState, post: Post, comment_id: UUID,
                     moderator_id: UUID, decision: str, note: str,
                     scope: frozenset[str] | None = None) -> list[Event]:
    """hide: its words off the post page and out of search (a published comment);
    restore: shown again (a hidden one); dismiss: its open flags closed (a published one).
    A scoped moderator decides only in their communities: the post's."""
    if not comment.created:
        raise UnknownCommentError()
    if scope and post.community not in scope:
        raise OutOfScopeError(post.community)
    allowed = {"hide": (PUBLISHED,), "restore": (HIDDEN,), "dismiss": (PUBLISHED,)}
    if comment.status not in allowed[decision]:
        raise ModerationConflictError(f"a {comment.status} comment cannot be given "
                                      f"\"{decision}\"")
    if decision == "dismiss" and not comment.flagged:
        raise ModerationConflictError("the comment has no open flag to dismiss")
    return [CommentModerated(comment_id=comment_id, post_id=post_id_of(comment),
                             moderator_id=moderator_id, decision=decision, note=note)]


def post_id_of(comment: CommentState) -> UUID:
    assert comment.post_id is not None  # every created comment is on a post
    return comment.post_id


def urgent_flags(post_id: UUID, screening: Screening,
                 new_id: Callable[[], UUID]) -> list[Event]:
    """A comment speaking of self-harm flags its post urgently (rule 4); it is published."""
    return [PostFlagged(post_id=post_id, flag_id=new_id(), reason=reason, urgent=True)
            for reason, urgent in screening.flags if urgent]


@dataclass(frozen=True)
class Reacted:
    """A person's reactions to one post."""

    kinds: frozenset[str] = frozenset()


def evolve_reacted(reacted: Reacted, event: Event) -> Reacted:
    if isinstance(event, ReactionAdded):
        return Reacted(reacted.kinds | {event.kind})
    if isinstance(event, ReactionRemoved):
        return Reacted(reacted.kinds - {event.kind})
    return reacted


def react(post: Post, reacted: Reacted, post_id: UUID, user_id: UUID, kind: str) -> list[Event]:
    """support, helpful or same_here, once each; reacting again changes nothing."""
    if not post.created or post.status != PUBLISHED:
        raise NoSuchPostError()
    if kind in reacted.kinds:
        return []
    return [ReactionAdded(post_id=post_id, user_id=user_id, kind=kind)]


def unreact(reacted: Reacted, post_id: UUID, user_id: UUID, kind: str) -> list[Event]:
    if kind not in reacted.kinds:
        return []
    return [ReactionRemoved(post_id=post_id, user_id=user_id, kind=kind)]


def comment_stream(comment_id: UUID) -> str:
    return f"comment-{comment_id}"


def reactions_stream(post_id: UUID, user_id: UUID) -> str:
    return f"reactions-{post_id}-{user_id}"


@dataclass(frozen=True)
class DrugQueryState:
    asked: bool = False
    asker_id: UUID | None = None
    answered: bool = False


def evolve_drug_query(query: DrugQueryState, event: Event) -> DrugQueryState:
    if isinstance(event, DrugQueryAsked):
        return DrugQueryState(asked=True, asker_id=event.asker_id)
    if isinstance(event, DrugQueryAnswered):
        return replace(query, answered=True)
    return query


def ask_drug_query(query_id: UUID, asker_id: UUID, medicine: str, question: str,
                   language: str, screening: Screening) -> list[Event]:
    """A question for the pharmacists, screened as posts are (contact details refused:
    the answer comes here, not by phone)."""
    if screening.blocked:
        raise BlockedError("the community guidelines do not allow this question (rule 6: "
                           f"\"{screening.blocked}\")")
    if CONTACT_DETAILS in screening.holds:
        raise ContactDetailsError()
    return [DrugQueryAsked(query_id=query_id, asker_id=asker_id, medicine=medicine,
                           question=question, language=language)]


def answer_drug_query(query: DrugQueryState, query_id: UUID, reviewer_id: UUID, body: str,
                      references: list[str]) -> list[Event]:
    if not query.asked or query.asker_id is None:
        raise NoSuchDrugQueryError()
    if query.answered:
        raise AlreadyAnsweredError()
    return [DrugQueryAnswered(query_id=query_id, asker_id=query.asker_id,
                              reviewer_id=reviewer_id, body=body, references=references)]


def drug_query_stream(query_id: UUID) -> str:
    return f"drug-query-{query_id}"


@dataclass(frozen=True)
class SchemeEntry:
    """A scheme as the directory last published it (None: not listed yet)."""

    listed: SchemeListed | None = None


def evolve_scheme(entry: SchemeEntry, event: Event) -> SchemeEntry:
    return SchemeEntry(event) if isinstance(event, SchemeListed) else entry


def list_scheme(entry: SchemeEntry, facts: SchemeListed) -> list[Event]:
    """List a scheme once; publish it again only when its facts changed."""
    if entry.listed is None:
        return [facts]
    if entry.listed.model_dump() == facts.model_dump():
        return []
    return [SchemeRevised(**facts.model_dump())]


def scheme_stream(scheme_id: UUID) -> str:
    return f"scheme-{scheme_id}"


@dataclass(frozen=True)
class Reader:
    """Whose notifications are read is in the read model; the stream only orders them."""


def evolve_reader(reader: Reader, event: Event) -> Reader:
    return reader


def read_notifications(user_id: UUID, ids: list[UUID]) -> list[Event]:
    if not ids:
        raise NoSuchNotificationsError()
    return [NotificationsRead(user_id=user_id, notification_ids=ids)]


def reader_stream(user_id: UUID) -> str:
    return f"reader-{user_id}"


@dataclass(frozen=True)
class ModeratorState:
    communities: frozenset[str] = frozenset()


def evolve_moderator(state: ModeratorState, event: Event) -> ModeratorState:
    if isinstance(event, ModeratorScoped):
        return ModeratorState(frozenset(event.communities))
    return state


def scope_moderator(state: ModeratorState, user_id: UUID,
                    communities: list[str]) -> list[Event]:
    for slug in communities:
        if slug not in BY_SLUG:
            raise UnknownCommunityError(slug)
    if frozenset(communities) == state.communities:
        return []
    return [ModeratorScoped(user_id=user_id, communities=sorted(set(communities)))]


def moderator_stream(user_id: UUID) -> str:
    return f"moderator-{user_id}"


@dataclass(frozen=True)
class Listing:
    """A resource or an event: whether it is listed now."""

    listed: bool = False
    gone: bool = False


def evolve_listing(listing: Listing, event: Event) -> Listing:
    if isinstance(event, ResourceAdded | GatheringScheduled):
        return Listing(listed=True)
    if isinstance(event, ResourceRetired | GatheringCancelled):
        return Listing(listed=True, gone=True)
    return listing


def known_communities(slugs: list[str]) -> None:
    for slug in slugs:
        if slug not in BY_SLUG:
            raise UnknownCommunityError(slug)


def add_resource(listing: Listing, resource: ResourceAdded) -> list[Event]:
    known_communities(resource.communities)
    return [] if listing.listed else [resource]


def retire_resource(listing: Listing, resource_id: UUID) -> list[Event]:
    if not listing.listed:
        raise NoSuchResourceError()
    return [] if listing.gone else [ResourceRetired(resource_id=resource_id)]


def schedule(listing: Listing, gathering: GatheringScheduled) -> list[Event]:
    """An event once (a health day seeded again is the same one)."""
    known_communities(gathering.communities)
    if gathering.ends_at is not None and gathering.ends_at < gathering.starts_at:
        raise GatheringError("an event ends after it starts")
    if gathering.kind != "health_day" and not (gathering.place or gathering.online_link):
        raise GatheringError("say where it happens: a place, an online link or both")
    return [] if listing.listed else [gathering]


def cancel(listing: Listing, gathering_id: UUID) -> list[Event]:
    if not listing.listed:
        raise NoSuchGatheringError()
    return [] if listing.gone else [GatheringCancelled(gathering_id=gathering_id)]


def resource_stream(resource_id: UUID) -> str:
    return f"resource-{resource_id}"


def gathering_stream(gathering_id: UUID) -> str:
    return f"gathering-{gathering_id}"


def edit_post(post: Post, post_id: UUID, editor_id: UUID, title: str | None, body: str,
              screening: Screening, new_id: Callable[[], UUID]) -> list[Event]:
    """The author's new words (rule 8), screened as a new post is: contact details hold
    the post again, self-harm flags it urgently."""
    if not post.created or post.status in (HIDDEN, DELETED):
        raise NoSuchPostError()
    if editor_id != post.author_id:
        raise NotTheAuthorError()
    if screening.blocked:
        raise BlockedError("the community guidelines do not allow this post (rule 6: "
                           f"\"{screening.blocked}\")")
    events: list[Event] = [PostEdited(post_id=post_id, title=title or None, body=body)]
    if screening.holds and post.status != HELD:
        events.append(PostHeld(post_id=post_id, reasons=list(screening.holds)))
    events += [PostFlagged(post_id=post_id, flag_id=new_id(), reason=reason, urgent=urgent)
               for reason, urgent in screening.flags]
    return events


def delete_post(post: Post, post_id: UUID, user_id: UUID) -> list[Event]:
    """Its author may take a post down at any time (rule 8)."""
    if not post.created or post.status == DELETED:
        raise NoSuchPostError()
    if user_id != post.author_id:
        raise NotTheAuthorError()
    return [PostDeleted(post_id=post_id)]


def theme(title: str | None, body: str) -> str:
    """What a policy input is about, for the report: its title, or its first words."""
    if title:
        return title.strip()
    words = body.split()
    return " ".join(words[:8]) + (" …" if len(words) > 8 else "")
