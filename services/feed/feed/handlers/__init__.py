"""The feed's use cases, in one table, and what its domain errors mean to a caller."""

from contracts.feed.messages import CreatePost, FeedQuery, PostRef
from contracts.rpc import NoBody
from contracts.subjects import rpc
from feed import domain
from feed.handlers.communities import list_communities
from feed.handlers.posts import create_post, get_feed, get_post
from kit.usecases import ANYONE, SIGNED_IN, ErrorMap, Handler

HANDLERS = {
    rpc("feed", "create_post"): Handler(create_post, CreatePost, roles=SIGNED_IN,
                                        idempotent=True, status=201),
    rpc("feed", "get_feed"): Handler(get_feed, FeedQuery, roles=ANYONE),
    rpc("feed", "get_post"): Handler(get_post, PostRef, roles=ANYONE),
    rpc("feed", "list_communities"): Handler(list_communities, NoBody, roles=ANYONE),
}

ERRORS: ErrorMap = {
    domain.UnknownCommunityError: 422,
    domain.SandboxError: 422,
    domain.TooManyPostsError: 429,
    domain.NoSuchCommunityError: 404,
    domain.NoSuchPostError: 404,
    domain.PostExistsError: 409,
}
