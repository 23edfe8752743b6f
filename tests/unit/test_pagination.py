"""List cursors round-trip; anything else is a 422."""

from datetime import UTC, datetime
from uuid import uuid4

import pytest

from kit.errors import ProblemError
from kit.pagination import decode_cursor, encode_cursor


def test_cursors_round_trip_and_garbage_is_refused() -> None:
    at, item_id = datetime(2026, 11, 23, 8, 0, 1, 123456, tzinfo=UTC), uuid4()
    assert decode_cursor(encode_cursor(at, item_id)) == (at, item_id)
    assert decode_cursor(None) is None
    for garbage in ("!!!", "bm9wZQ", ""):
        with pytest.raises(ProblemError) as refused:
            decode_cursor(garbage)
        assert refused.value.problem.status == 422
