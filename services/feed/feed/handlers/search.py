"""Search over what the reader may read: published posts and their comments (full text,
stemmed by language, then words like the asked ones by trigrams: the inflected forms of
Indian languages no stemmer knows), published stories (full text; members-only ones for
signed-in members), resources and schemes; hidden, held and deleted content, and
withdrawn stories, are never found."""

from typing import Any

from contracts.feed.messages import Found, SearchQuery, SearchResults
from contracts.roles import MEMBERS
from feed.adapters import sql
from feed.deps import Deps
from kit.pagination import decode_offset, next_offset
from kit.usecases import Call

SNIPPET = 200
LINKS = {"post": "/v1/posts/{post_id}", "comment": "/v1/posts/{post_id}",
         "story": "/v1/stories/{id}",
         "resource": "/v1/resources", "scheme": "/v1/schemes/{id}"}


async def search(call: Call[SearchQuery], deps: Deps) -> SearchResults:
    query = call.command
    offset = decode_offset(query.cursor)
    async with deps.db.connect() as conn:
        rows = await sql.search(conn, query.q, query.limit + 1, offset,
                                members=call.caller.has_any(*MEMBERS))
    shown = rows[:query.limit]
    return SearchResults(items=[_found(row) for row in shown],
                         next_cursor=next_offset(offset, len(shown), len(rows) > len(shown)))


def _found(row: Any) -> Found:
    body = " ".join((row.body or "").split())
    return Found(kind=row.kind, id=row.id, title=row.title,
                 snippet=body[:SNIPPET] + (" …" if len(body) > SNIPPET else ""),
                 link=LINKS[row.kind].format(post_id=row.post_id, id=row.id))
