"""The score read models' bucket arithmetic (ratings/buckets.py), worked by hand."""

from datetime import UTC, date, datetime, timedelta, timezone
from uuid import uuid4

import pytest

from contracts.ratings.events import ProviderRated, RatingModerated, RatingRevised, RatingWithdrawn
from ratings import buckets, score_models, scores
from ratings.buckets import Bucket, Contribution

DAY = date(2026, 12, 1)


def test_a_contribution_goes_in_and_comes_out_exactly() -> None:
    five = Contribution(DAY, 5, {"cleanliness": 4, "waiting_time": 2})
    two = Contribution(DAY, 2, {"cleanliness": 1})
    both = buckets.moved(buckets.moved(Bucket(), five, 1), two, 1)
    assert (both.count, both.total, both.squares) == (2, 7, 25 + 4)
    assert both.histogram == (0, 1, 0, 0, 1)
    assert both.criteria == {"cleanliness": (5, 2), "waiting_time": (2, 1)}
    out = buckets.moved(both, five, -1)
    assert out == buckets.moved(Bucket(), two, 1)
    assert out.criteria == {"cleanliness": (1, 1)}  # a criterion no one rated is gone
    assert buckets.moved(out, two, -1) == Bucket() and buckets.moved(out, two, -1).empty


def test_taking_out_what_was_never_added_fails() -> None:
    with pytest.raises(ValueError, match="did not hold it"):
        buckets.moved(buckets.moved(Bucket(), Contribution(DAY, 3), 1), Contribution(DAY, 4),
                      -1)


def test_the_window_is_the_730_days_ending_today_in_utc() -> None:
    now = datetime(2028, 12, 1, 0, 30, tzinfo=UTC)
    assert buckets.window_start(now) == date(2028, 12, 1) - timedelta(days=729)
    assert buckets.in_window(date(2026, 12, 3), now)
    assert not buckets.in_window(date(2026, 12, 2), now)  # 730 days before today
    # 23:30 in UTC-1 is the next UTC day: a rating's day is its UTC date.
    late = datetime(2026, 12, 1, 23, 30, tzinfo=timezone(timedelta(hours=-1)))
    assert buckets.day_of(late) == date(2026, 12, 2)


def test_summed_buckets_give_the_tally_the_formulas_take() -> None:
    a = buckets.moved(buckets.moved(Bucket(), Contribution(DAY, 5, {"helpline": 5}), 1),
                      Contribution(DAY, 4), 1)
    b = buckets.moved(Bucket(), Contribution(DAY + timedelta(days=9), 1, {"helpline": 2}), 1)
    tally = buckets.summed([a, b])
    by_hand = scores.tallies([(None, 5, {"helpline": 5}), (None, 4, {}),  # type: ignore[list-item]
                              (None, 1, {"helpline": 2})])[None]  # type: ignore[index]
    assert tally == by_hand
    assert (tally.count, tally.total, tally.squares) == (3, 10, 42)
    assert tally.criteria == {"helpline": (7, 2)}
    prior = scores.prior_of(tally.count, tally.total, tally.squares)
    assert prior.mean == pytest.approx(10 / 3)
    assert prior.variance == pytest.approx(42 / 3 - (10 / 3) ** 2)
    assert buckets.summed([]) == scores.Tally()


def test_each_rating_event_moves_its_contribution_between_buckets() -> None:
    """score_models.decided: the moves a run of one rating's events makes, in order."""
    rating, provider, rater, moderator = uuid4(), uuid4(), uuid4(), uuid4()
    at = datetime(2026, 12, 1, 9, tzinfo=UTC)
    common = {"rating_id": rating, "provider_id": provider, "kind": "hospital",
              "rater_id": rater, "language": "en"}
    state: dict = {}

    def moves(event: object) -> list[tuple[int, int, date]]:
        return [(c.stars, sign, c.day) for _, _, c, sign in score_models.decided(
            state, event)]  # type: ignore[arg-type]

    assert moves(ProviderRated(**common, stars=4, criteria={}, rated_at=at)) == [(4, 1, DAY)]
    later = at + timedelta(days=2)
    assert moves(RatingRevised(**common, stars=2, criteria={}, rated_at=later,
                               held=["keyword"])) == [(4, -1, DAY)]  # held: nothing in
    assert moves(RatingModerated(rating_id=rating, provider_id=provider, decision="release",
                                 moderator_id=moderator)) == [(2, 1, later.date())]
    assert moves(RatingModerated(rating_id=rating, provider_id=provider, decision="release",
                                 moderator_id=moderator)) == []  # counted already
    assert moves(RatingWithdrawn(rating_id=rating, provider_id=provider,
                                 rater_id=rater)) == [(2, -1, later.date())]
    assert state[rating] is None
    assert moves(RatingWithdrawn(rating_id=rating, provider_id=provider, rater_id=rater)) == []
