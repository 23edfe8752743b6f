"""Notifications: what each person is told of, from the events of every context.

The projection `notifications` (in the feed worker) turns events into notifications: a
comment or a reaction on my post, a reply to my comment, an answer to my drug query, a
moderator's decision on my post, a step of my side-effect report (questions from the
officer, the regulator's acknowledgement), my professional application approved, a step
of my assistance application (Project FAITH). Texts are written when read, in the
reader's language. Each new notification also goes to the notifier port (a log line in the
embedded default; SMS, e-mail or push in production) once: what went is recorded apart
from the read model, so a rebuild replaying the events tells no one again, and an event
older than a day (a store restored, a new notifier) is not news to send.
"""

from datetime import UTC, datetime, timedelta
from typing import Any, Protocol
from uuid import UUID, uuid5

from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from contracts.assistance.events import ApplicationProgressed
from contracts.envelope import Envelope
from contracts.feed.events import (
    CommentAdded,
    CommentModerated,
    DrugQueryAnswered,
    PostCreated,
    PostModerated,
    ReactionAdded,
)
from contracts.identity.events import ProfessionalVerified
from contracts.pharmacovigilance.events import ReportProgressed
from contracts.registry import ALL
from feed.adapters import sql
from kit.logging import get_logger
from kit.projection import Projection, one_by_one
from kit.sql import insert_rows

log = get_logger(__name__)
NEWS = timedelta(hours=24)  # older events (a rebuild's) make notifications but no delivery

TEXTS: dict[str, dict[str, str]] = {
    "comment_on_post": {"en": "Someone commented on your post.",
                        "hi": "किसी ने आपकी पोस्ट पर टिप्पणी की।"},
    "reply_to_comment": {"en": "Someone replied to your comment.",
                         "hi": "किसी ने आपकी टिप्पणी का उत्तर दिया।"},
    "reaction_to_post": {"en": "Someone reacted to your post ({reaction}).",
                         "hi": "किसी ने आपकी पोस्ट पर प्रतिक्रिया दी ({reaction})।"},
    "drug_query_answered": {
        "en": "The verified drug-information team answered your question.",
        "hi": "सत्यापित दवा-जानकारी टीम ने आपके प्रश्न का उत्तर दिया।"},
    "post_hidden": {"en": "A moderator hid your post under the community guidelines.",
                    "hi": "एक मॉडरेटर ने सामुदायिक दिशानिर्देशों के तहत आपकी पोस्ट छिपा दी।"},
    "post_restored": {"en": "A moderator published your post.",
                      "hi": "एक मॉडरेटर ने आपकी पोस्ट प्रकाशित कर दी।"},
    "comment_hidden": {"en": "A moderator hid your comment under the community guidelines.",
                       "hi": "एक मॉडरेटर ने सामुदायिक दिशानिर्देशों के तहत आपकी टिप्पणी छिपा दी।"},
    "comment_restored": {"en": "A moderator showed your comment again.",
                         "hi": "एक मॉडरेटर ने आपकी टिप्पणी फिर से दिखा दी।"},
    "report_follow_up_requested": {
        "en": "The pharmacovigilance team has questions about your report {reference}.",
        "hi": "फ़ार्माकोविजिलेंस टीम के पास आपकी रिपोर्ट {reference} के बारे में प्रश्न हैं।"},
    "report_acknowledged": {
        "en": "Your report {reference} was acknowledged by the regulator (PvPI).",
        "hi": "आपकी रिपोर्ट {reference} को नियामक (PvPI) ने स्वीकार कर लिया।"},
    "application_approved": {
        "en": "Your professional application was approved: your posts show the verified "
              "badge.",
        "hi": "आपका पेशेवर आवेदन स्वीकृत हुआ: आपकी पोस्ट पर सत्यापित बैज दिखेगा।"},
    # Project FAITH (assistance): each step of the applicant's case.
    "assistance_documents_requested": {
        "en": "Your assistance application needs more documents.",
        "hi": "आपके सहायता आवेदन के लिए और दस्तावेज़ चाहिए।"},
    "assistance_hospital_verified": {
        "en": "The hospital confirmed your assistance application.",
        "hi": "अस्पताल ने आपके सहायता आवेदन की पुष्टि की।"},
    "assistance_approved": {"en": "Your assistance application was approved.",
                            "hi": "आपका सहायता आवेदन स्वीकृत हुआ।"},
    "assistance_rejected": {"en": "Your assistance application was not approved: see why.",
                            "hi": "आपका सहायता आवेदन स्वीकृत नहीं हुआ: कारण देखें।"},
    "assistance_referred": {"en": "A government scheme may pay for your treatment: see which.",
                            "hi": "एक सरकारी योजना आपके इलाज का खर्च दे सकती है: कौन-सी, देखें।"},
    "assistance_disbursed": {"en": "A payment for your treatment was made.",
                             "hi": "आपके इलाज के लिए भुगतान किया गया।"},
    "assistance_closed": {"en": "Your assistance application was closed.",
                          "hi": "आपका सहायता आवेदन बंद कर दिया गया।"},
}


def text(kind: str, params: dict[str, Any], language: str) -> str:
    texts = TEXTS[kind]
    return (texts.get(language) or texts["en"]).format(**params)


class Notifier(Protocol):
    """Where a notification goes beyond the app."""

    async def deliver(self, user_id: UUID, kind: str, message: str) -> None: ...


class LogNotifier:
    """The embedded default: a log line, naming the kind and the person's id only."""

    async def deliver(self, user_id: UUID, kind: str, message: str) -> None:
        log.info("notification_delivered", kind=kind, user_id=str(user_id))


def notifications(notifier: Notifier) -> Projection:
    async def notify(conn: AsyncConnection, envelope: Envelope, user_id: UUID | None,
                     kind: str, link: str, **params: Any) -> None:
        if user_id is None:
            return
        notification_id = uuid5(envelope.event_id, kind)
        await conn.execute(insert(sql.notifications).values(
            notification_id=notification_id, user_id=user_id, kind=kind, params=params,
            link=link, created_at=envelope.occurred_at).on_conflict_do_nothing())
        if datetime.now(UTC) - envelope.occurred_at >= NEWS:
            return
        first = await conn.execute(insert(sql.notifications_delivered).values(
            notification_id=notification_id).on_conflict_do_nothing()
            .returning(sql.notifications_delivered.c.notification_id))
        if first.first() is not None:
            await notifier.deliver(user_id, kind, text(kind, params, "en"))

    async def posts_created(conn: AsyncConnection,
                            run: list[tuple[PostCreated, Envelope]]) -> None:
        """Whose each post is: one statement for a run of new posts (most of the feed's
        traffic, and nothing to tell anyone yet)."""
        await insert_rows(conn, sql.post_authors, [
            {"post_id": event.post_id, "author_id": event.author_id} for event, _ in run],
            skip_existing=True)

    async def commented(conn: AsyncConnection, event: CommentAdded, env: Envelope) -> None:
        """The post's author hears of a comment; a comment's author of a reply to it (once:
        a reply to the post author's own comment is a reply to them)."""
        await conn.execute(insert(sql.comment_authors).values(
            comment_id=event.comment_id, author_id=event.author_id).on_conflict_do_nothing())
        link = f"/v1/posts/{event.post_id}"
        replied = (await sql.comment_author(conn, event.parent_id)
                   if event.parent_id is not None else None)
        if replied is not None and replied != event.author_id:
            await notify(conn, env, replied, "reply_to_comment", link)
        author = await sql.post_author(conn, event.post_id)
        if author not in (event.author_id, replied):
            await notify(conn, env, author, "comment_on_post", link)

    async def reacted(conn: AsyncConnection, event: ReactionAdded, env: Envelope) -> None:
        author = await sql.post_author(conn, event.post_id)
        if author != event.user_id:
            await notify(conn, env, author, "reaction_to_post", f"/v1/posts/{event.post_id}",
                         reaction=event.kind)

    async def answered(conn: AsyncConnection, event: DrugQueryAnswered, env: Envelope) -> None:
        await notify(conn, env, event.asker_id, "drug_query_answered",
                     f"/v1/drug-queries/{event.query_id}")

    async def moderated(conn: AsyncConnection, event: PostModerated, env: Envelope) -> None:
        kind = {"hide": "post_hidden", "restore": "post_restored"}.get(event.decision)
        if kind is not None:
            await notify(conn, env, await sql.post_author(conn, event.post_id), kind,
                         f"/v1/posts/{event.post_id}")

    async def comment_moderated(conn: AsyncConnection, event: CommentModerated,
                                env: Envelope) -> None:
        kind = {"hide": "comment_hidden", "restore": "comment_restored"}.get(event.decision)
        if kind is not None:
            await notify(conn, env, await sql.comment_author(conn, event.comment_id), kind,
                         f"/v1/posts/{event.post_id}")

    async def progressed(conn: AsyncConnection, event: ReportProgressed,
                         env: Envelope) -> None:
        await notify(conn, env, event.reporter_id, f"report_{event.step}",
                     f"/v1/adr-reports/{event.report_id}", reference=event.reference)

    async def verified(conn: AsyncConnection, event: ProfessionalVerified,
                       env: Envelope) -> None:
        await notify(conn, env, event.user_id, "application_approved", "/v1/me")

    async def assisted(conn: AsyncConnection, event: ApplicationProgressed,
                       env: Envelope) -> None:
        await notify(conn, env, event.user_id, f"assistance_{event.step}",
                     f"/v1/assistance/applications/{event.application_id}")

    return Projection(
        service="feed", name="notifications", registry=ALL,
        handlers={PostCreated: posts_created, CommentAdded: one_by_one(commented),
                  ReactionAdded: one_by_one(reacted), DrugQueryAnswered: one_by_one(answered),
                  PostModerated: one_by_one(moderated),
                  CommentModerated: one_by_one(comment_moderated),
                  ReportProgressed: one_by_one(progressed),
                  ProfessionalVerified: one_by_one(verified),
                  ApplicationProgressed: one_by_one(assisted)},
        tables=[sql.notifications, sql.post_authors, sql.comment_authors])
