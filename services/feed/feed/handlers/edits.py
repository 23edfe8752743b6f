"""The author's edits and deletion of a post (GUIDELINES.md, rule 8), a post's history, and
the policy inputs the union takes to policy makers."""

from datetime import datetime
from typing import Any
from uuid import uuid4

from contracts.feed.events import PostCreated, PostDeleted, PostEdited
from contracts.feed.messages import (
    EditPost,
    Notice,
    PolicyInput,
    PolicyInputs,
    PolicyInputsQuery,
    PostAccepted,
    PostHistory,
    PostRef,
    PostVersion,
)
from contracts.roles import ADMIN, MODERATOR
from feed import domain, moderation
from feed.adapters import sql
from feed.deps import Deps
from feed.handlers.offers import offers
from kit.spreadsheet import csv_bytes
from kit.usecases import Binary, Call

COLUMNS = ("community", "theme", "created_at", "language", "body", "post_id")


async def edit_post(call: Call[EditPost], deps: Deps) -> PostAccepted:
    command = call.command
    screening = moderation.screen(f"{command.title or ''}\n{command.body}", deps.keywords)
    async with deps.db.transaction() as conn:
        post = await deps.posts.change(
            conn, domain.stream_id(command.post_id),
            lambda post: domain.edit_post(post, command.post_id, call.caller.user_id,
                                          command.title, command.body, screening, uuid4),
            call.caller.metadata)
    held = post.status == domain.HELD or bool(screening.holds)
    language = call.caller.language
    return PostAccepted(
        post_id=command.post_id, status="held" if held else "published",
        notices=[Notice(kind="helpline" if n == moderation.SELF_HARM else "held",
                        message=moderation.message(n, language)) for n in screening.notices],
        offers=offers(command.body, language, language))


async def delete_post(call: Call[PostRef], deps: Deps) -> dict[str, Any]:
    post_id = call.command.post_id
    async with deps.db.transaction() as conn:
        await deps.posts.change(conn, domain.stream_id(post_id),
                                lambda post: domain.delete_post(post, post_id,
                                                                call.caller.user_id),
                                call.caller.metadata)
    return {"post_id": str(post_id), "deleted": True}


async def post_history(call: Call[PostRef], deps: Deps) -> PostHistory:
    """Every version of a post, from its stream: to its author and the moderators."""
    post_id = call.command.post_id
    async with deps.db.connect() as conn:
        envelopes = await sql.store.load(conn, domain.stream_id(post_id))
    versions: list[PostVersion] = []
    deleted_at: datetime | None = None
    author = None
    for envelope in envelopes:
        event = deps.posts.registry.decode(envelope)
        if isinstance(event, PostCreated | PostEdited):
            author = event.author_id if isinstance(event, PostCreated) else author
            versions.append(PostVersion(title=event.title, body=event.body,
                                        at=envelope.occurred_at))
        elif isinstance(event, PostDeleted):
            deleted_at = envelope.occurred_at
    if not versions or not (call.caller.has_any(MODERATOR, ADMIN)
                            or (call.caller.principal and call.caller.user_id == author)):
        raise domain.NoSuchPostError()
    return PostHistory(post_id=post_id, versions=versions, deleted_at=deleted_at)


async def policy_inputs(call: Call[PolicyInputsQuery], deps: Deps) -> PolicyInputs | Binary:
    """Policy inputs of a period, grouped by community and theme for a submission: JSON,
    CSV (a spreadsheet's, no cell a formula) or Markdown."""
    query = call.command
    async with deps.db.connect() as conn:
        rows = await sql.policy_inputs(conn, query.community, query.starting, query.until,
                                       deps.policy_report_max)
    if len(rows) > deps.policy_report_max:
        raise domain.TooManyPolicyInputsError(deps.policy_report_max)
    items = sorted((PolicyInput(post_id=row.post_id, community=row.community,
                                theme=domain.theme(row.title, row.body), body=row.body,
                                language=row.language, created_at=row.created_at)
                    for row in rows), key=lambda i: (i.community, i.theme.casefold(),
                                                     i.created_at))
    if query.format == "csv":
        return Binary(csv_bytes(COLUMNS, ({
            "community": i.community, "theme": i.theme, "created_at": i.created_at.isoformat(),
            "language": i.language, "body": i.body, "post_id": str(i.post_id)}
            for i in items)), "text/csv; charset=utf-8")
    if query.format == "markdown":
        return Binary(_markdown(items).encode(), "text/markdown; charset=utf-8")
    return PolicyInputs(items=items)


def _markdown(items: list[PolicyInput]) -> str:
    lines = ["# Policy inputs from the Patients' Union", ""]
    community = theme = None
    for item in items:
        if item.community != community:
            community, theme = item.community, None
            lines += [f"## {community}", ""]
        if item.theme != theme:
            theme = item.theme
            lines += [f"### {_escaped(theme)}", ""]
        body = " ".join(item.body.split())
        lines.append(f"- {_escaped(body)} ({item.created_at.date().isoformat()}, "
                     f"{item.language})")
    return "\n".join(lines) + "\n"


def _escaped(text: str) -> str:
    """Words as text, never Markdown: headings, links, images or HTML of their own."""
    return "".join(f"\\{c}" if c in "\\`*_{}[]()#+-.!<>|" else c for c in text)
