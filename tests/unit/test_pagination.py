"""List cursors round-trip; anything else is a 422."""

from datetime import UTC, datetime
from uuid import uuid4

import pytest
import sqlalchemy as sa

from kit.errors import ProblemError
from kit.pagination import decode_cursor, encode_cursor, keyset


def test_cursors_round_trip_and_garbage_is_refused() -> None:
    at, item_id = datetime(2026, 11, 23, 8, 0, 1, 123456, tzinfo=UTC), uuid4()
    assert decode_cursor(encode_cursor(at, item_id)) == (at, item_id)
    assert decode_cursor(None) is None
    for garbage in ("!!!", "bm9wZQ", ""):
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
