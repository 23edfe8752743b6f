"""Duplicate scoring: the same person's same reaction scores high, a stranger's low."""

from datetime import date
from uuid import uuid4

from pharmacovigilance.domain.duplicates import LIKELY, Profile, likely, score


def profile(**changes: object) -> Profile:
    base = {"report_id": uuid4(), "initials": "RK", "sex": "female", "age_years": 34.0,
            "suspects": frozenset({"amoxicillin"}), "reactions": frozenset({"rash"}),
            "onset": date(2026, 11, 1)}
    return Profile(**{**base, **changes})  # type: ignore[arg-type]


def test_the_same_report_twice_is_likely_a_duplicate() -> None:
    first, second = profile(), profile(initials="rk", onset=date(2026, 11, 2))
    assert score(first, second) >= LIKELY
    assert likely(second, [first]) == [(first.report_id, round(score(second, first), 3))]


def test_another_person_or_another_medicine_is_not() -> None:
    first = profile()
    assert score(first, profile(initials="AB", sex="male", age_years=60.0)) < LIKELY
    assert score(first, profile(suspects=frozenset({"paracetamol"}),
                                reactions=frozenset({"headache"}))) < LIKELY
    assert likely(first, [first]) == []  # never a duplicate of itself


def test_missing_fields_neither_help_nor_hurt() -> None:
    bare = profile(initials=None, sex=None, age_years=None, onset=None)
    assert score(bare, profile()) == 0.45
