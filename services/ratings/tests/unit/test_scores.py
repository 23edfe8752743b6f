"""SCORES.md's formulas, worked by hand."""

from uuid import uuid4

import pytest

from ratings import scores


def test_the_bayesian_average_pulls_few_ratings_towards_the_kind_mean() -> None:
    a, b = uuid4(), uuid4()
    tallies = scores.tallies([(a, 5, {}), (a, 5, {}), (b, 1, {"helpline": 2}), (b, 3, {})])
    prior = scores.prior(tallies.values())
    assert prior.mean == 3.5 and prior.variance == pytest.approx(60 / 4 - 3.5 ** 2)
    assert scores.bayesian(tallies[a], prior) == pytest.approx((5 * 3.5 + 10) / 7)
    shown = scores.view(tallies[b], prior, [scores.bayesian(t, prior) for t in tallies.values()])
    assert shown["score"] == round((5 * 3.5 + 4) / 7, 2) and shown["average"] == 2.0
    assert shown["histogram"] == {"1": 1, "2": 0, "3": 1, "4": 0, "5": 0}
    assert shown["criteria"] == {"helpline": 2.0} and shown["percentile"] == 25.0
    low, high = shown["confidence"]["interval"]
    half = 1.96 * (2.75 / 7) ** 0.5
    assert (low, high) == (round((5 * 3.5 + 4) / 7 - half, 2), round((5 * 3.5 + 4) / 7 + half, 2))


def test_a_kind_with_no_ratings_has_a_neutral_prior_and_no_score() -> None:
    prior = scores.prior([])
    assert (prior.mean, prior.variance) == (3.0, 2.0)
    shown = scores.view(None, prior, [])
    assert shown["score"] is None and shown["confidence"]["level"] == "no ratings"


@pytest.mark.parametrize(("count", "level"), [(1, "few ratings"), (4, "few ratings"),
                                              (5, "some ratings"), (20, "many ratings")])
def test_how_sure_the_score_is(count: int, level: str) -> None:
    assert scores.level(count) == level
