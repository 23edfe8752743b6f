"""National and international health days, seeded as events of the year ahead (pure)."""

from datetime import UTC, date, datetime, time, timedelta
from uuid import UUID, uuid5

from contracts.feed.events import GatheringScheduled

NAMESPACE = UUID("5e3a9c1d-2b7f-4e8a-9d6c-1f0e2a3b4c5d")

# (slug, month, day, English title, communities) — days fixed by date each year.
HEALTH_DAYS: tuple[tuple[str, int, int, str, list[str]], ...] = (
    ("world-cancer-day", 2, 4, "World Cancer Day", ["cancer"]),
    ("world-tb-day", 3, 24, "World Tuberculosis Day", ["tuberculosis"]),
    ("world-health-day", 4, 7, "World Health Day", []),
    ("world-thalassaemia-day", 5, 8, "World Thalassaemia Day",
     ["thalassemia-blood-disorders"]),
    ("world-hypertension-day", 5, 17, "World Hypertension Day", ["heart-health"]),
    ("national-doctors-day", 7, 1, "National Doctors' Day (India)", []),
    ("world-hepatitis-day", 7, 28, "World Hepatitis Day", ["liver-health"]),
    ("world-patient-safety-day", 9, 17, "World Patient Safety Day", []),
    ("world-heart-day", 9, 29, "World Heart Day", ["heart-health"]),
    ("world-mental-health-day", 10, 10, "World Mental Health Day", ["mental-health"]),
    ("national-cancer-awareness-day", 11, 7, "National Cancer Awareness Day (India)",
     ["cancer"]),
    ("world-diabetes-day", 11, 14, "World Diabetes Day", ["diabetes"]),
    ("world-aids-day", 12, 1, "World AIDS Day", ["hiv"]),
)


def ahead(today: date) -> list[GatheringScheduled]:
    """Each health day's next occurrence, today included (a day lasts until midnight UTC)."""
    days = []
    for slug, month, day, title, communities in HEALTH_DAYS:
        on = date(today.year, month, day)
        if on < today:
            on = date(today.year + 1, month, day)
        days.append(GatheringScheduled(
            gathering_id=uuid5(NAMESPACE, f"{slug}-{on.year}"), title=title, kind="health_day",
            starts_at=datetime.combine(on, time(), UTC),
            ends_at=datetime.combine(on + timedelta(days=1), time(), UTC), language="en",
            communities=communities))
    return sorted(days, key=lambda g: g.starts_at)
