"""A person's notifications: listed newest first in their language, marked read."""

from contracts.feed.messages import MarkRead, Notification, Notifications, NotificationsQuery
from feed import domain, notifications
from feed.adapters import sql
from feed.deps import Deps
from kit.pagination import decode_cursor, encode_cursor
from kit.usecases import Call


async def my_notifications(call: Call[NotificationsQuery], deps: Deps) -> Notifications:
    query, user_id = call.command, call.caller.user_id
    after = decode_cursor(query.cursor)
    async with deps.db.connect() as conn:
        rows = await sql.notification_page(conn, user_id, query.unread, query.limit + 1, after)
        unread = await sql.unread_count(conn, user_id)
    more, rows = len(rows) > query.limit, rows[:query.limit]
    language = call.caller.language
    return Notifications(
        items=[Notification(notification_id=row.notification_id, kind=row.kind,
                            text=notifications.text(row.kind, row.params, language),
                            link=row.link, created_at=row.created_at, read=row.read)
               for row in rows],
        unread_count=unread,
        next_cursor=encode_cursor(rows[-1].created_at, rows[-1].notification_id)
        if more else None)


async def mark_notifications_read(call: Call[MarkRead], deps: Deps) -> Notifications:
    """Mark some of one's own notifications read; the unread count after it."""
    user_id = call.caller.user_id
    async with deps.db.transaction() as conn:
        mine = await sql.own_notifications(conn, user_id, call.command.ids)
        await deps.readers.change(conn, domain.reader_stream(user_id),
                                  lambda _: domain.read_notifications(user_id, mine),
                                  call.caller.metadata)
        return Notifications(items=[], unread_count=await sql.unread_count(conn, user_id))
