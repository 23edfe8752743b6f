"""List cursors round-trip; anything else is a 422."""

import base64
from dataclasses import dataclass
from datetime import UTC, datetime
from uuid import UUID, uuid4

import pytest
import sqlalchemy as sa

from kit.errors import ProblemError
from kit.pagination import decode_cursor, encode_cursor, keyset, page


def test_cursors_round_trip_and_garbage_is_refused() -> None:
    at, item_id = datetime(2026, 11, 23, 8, 0, 1, 123456, tzinfo=UTC), uuid4()
    assert decode_cursor(encode_cursor(at, item_id)) == (at, item_id)
    assert decode_cursor(None) is None
    crafted = [base64.urlsafe_b64encode(f"{at}|{item_id}".encode()).decode() for at in (
        "9999-12-31T23:59:59-14:00",  # past datetime.max once in UTC
        "9999-12-31T00:00:00+00:00", "2026-01-01T00:00:00",  # far future; no time zone
        "0001-01-01T00:00:00+14:00")]
    for garbage in ("!!!", "bm9wZQ", "", *crafted):
        with pytest.raises(ProblemError) as refused:
            decode_cursor(garbage)
        assert refused.value.problem.status == 422


def test_a_keyset_page_is_ordered_limited_and_starts_after_the_cursor() -> None:
    items = sa.table("items", sa.column("at"), sa.column("item_id"))
    cursor = encode_cursor(datetime(2026, 11, 23, tzinfo=UTC), uuid4())
    oldest = str(keyset(sa.select(items), items.c.at, items.c.item_id, cursor, 20))
    newest = str(keyset(sa.select(items), items.c.at, items.c.item_id, cursor, 20,
                        newest_first=True))
    assert "(items.at, items.item_id) > (" in oldest
    assert "ORDER BY items.at, items.item_id" in oldest
    assert "(items.at, items.item_id) < (" in newest
    assert "ORDER BY items.at DESC, items.item_id DESC" in newest
    assert oldest.endswith("LIMIT :param_3")
    first = keyset(sa.select(items), items.c.at, items.c.item_id, None, 5)
    assert "WHERE" not in str(first) and first.compile().params["param_1"] == 6


@dataclass(frozen=True)
class Row:
    at: datetime
    item_id: UUID
    text: str


def test_a_page_ends_early_rather_than_outweigh_its_budget() -> None:
    at = datetime(2026, 11, 23, tzinfo=UTC)
    rows = [Row(at, uuid4(), text) for text in ("x" * 400, "y" * 400, "z" * 400, "w")]
    whole = page(rows, 3, "at", "item_id", lambda r: r.text, budget=10_000)
    assert len(whole["items"]) == 3 and whole["next_cursor"] is not None
    early = page(rows, 3, "at", "item_id", lambda r: r.text, budget=900)
    assert early["items"] == ["x" * 400, "y" * 400]
    assert decode_cursor(early["next_cursor"]) == (at, rows[1].item_id)
    alone = page(rows[:1], 3, "at", "item_id", lambda r: r.text, budget=10)
    assert alone == {"items": ["x" * 400], "next_cursor": None}  # one always goes
