"""The eligibility check's rules (README.md, Eligibility) over the feed's schemes."""

from uuid import uuid4

from assistance.eligibility import Case, Scheme, suggestions


def scheme(slug: str, needs: list[str], states: list[str] | None = None) -> Scheme:
    return Scheme(uuid4(), slug, {"en": slug.upper()}, needs, states or ["all"])


DIRECTORY = [scheme("pm-jay", ["hospitalisation"]),
             scheme("rashtriya-arogya-nidhi", ["serious_illness", "hospitalisation"]),
             scheme("pm-national-dialysis", ["dialysis", "serious_illness"]),
             scheme("cghs", ["government_employees", "hospitalisation"]),
             scheme("jan-aushadhi", ["medicines"]),
             scheme("mjpjay", ["hospitalisation"], ["Maharashtra"]),
             scheme("kerala-karunya", ["serious_illness"], ["Kerala"])]


def slugs(case: Case) -> list[str]:
    return [s.slug for s, _ in suggestions(case, DIRECTORY)]


def test_a_poor_family_at_a_government_hospital_is_pointed_to_pm_jay_and_ran_first() -> None:
    case = Case(58, "heart", "government", "Maharashtra", "bpl")
    assert slugs(case) == ["pm-jay", "rashtriya-arogya-nidhi", "mjpjay"]


def test_pm_jay_covers_everyone_over_seventy_but_not_at_a_private_unlisted_hospital() -> None:
    assert slugs(Case(72, "other", "private_empanelled", "Delhi", "above_8_lakh")) == ["pm-jay"]
    assert slugs(Case(72, "other", "private", "Delhi", "above_8_lakh")) == []


def test_kidney_failure_points_to_dialysis_and_a_state_scheme_to_its_own_state() -> None:
    case = Case(45, "kidney", "private", "Kerala", "5_to_8_lakh")
    assert slugs(case) == ["pm-national-dialysis", "kerala-karunya"]
