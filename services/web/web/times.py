"""Dates and times as people in India read them: the API speaks UTC instants, the pages
India Standard Time (the union is national: one zone)."""

from datetime import date, datetime, timedelta, timezone

IST = timezone(timedelta(hours=5, minutes=30), "IST")


def shown(instant: str | None) -> str:
    """`2026-12-05T04:30:00Z` -> `2026-12-05 10:00 IST`; what cannot be read, as it was."""
    if not instant:
        return ""
    try:
        moment = datetime.fromisoformat(instant.replace("Z", "+00:00"))
    except ValueError:
        return instant
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=IST)
    return moment.astimezone(IST).strftime("%Y-%m-%d %H:%M IST")


def instant(typed: str) -> str:
    """A form's `datetime-local` (no zone: India's) or a date (its midnight there), as an
    ISO instant for the API; anything else as typed, for the API to say what is wrong."""
    typed = typed.strip()
    try:
        moment = datetime.fromisoformat(typed)
    except ValueError:
        return typed
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=IST)
    return moment.isoformat()


def day_after(typed: str) -> str:
    """The instant a period ending on this day (inclusive) ends: the next midnight, IST."""
    try:
        day = date.fromisoformat(typed.strip())
    except ValueError:
        return typed
    return instant((day + timedelta(days=1)).isoformat())


def today() -> str:
    return datetime.now(IST).date().isoformat()
