"""The officer's assessment and submission, decided on the case as its events left it: pure
domain rules."""

from dataclasses import replace
from datetime import date
from uuid import UUID, uuid4

import pytest

from pharmacovigilance import domain

REACTION, MEDICINE = str(UUID(int=11)), str(UUID(int=21))
CODED = {REACTION: {"code": "10099991", "term": "Made-up rash", "version": "27.1"}}


def case(status: str, **state: object) -> domain.CaseState:
    values: dict = {"report_id": uuid4(), "reporter_id": uuid4(), "reference": "X",
                    "reaction_ids": (UUID(REACTION),), "medicine_ids": (UUID(MEDICINE),),
                    "coding": CODED}
    return domain.CaseState(status=status, **{**values, **state})


def assessed(**changes: object) -> domain.CaseAssessed:
    values: dict = {"report_id": uuid4(), "coding": {REACTION: {
        "code": "10099991", "term": "Made-up rash", "version": "27.1"}},
        "causality": [{"medicine_id": MEDICINE, "reaction_id": REACTION,
                       "category": "possible"}],
        "seriousness_confirmed": True,
        "seriousness": {REACTION: {"hospitalisation": "yes"}}, "narrative": "pd1.sealed"}
    return domain.CaseAssessed(**{**values, **changes})


def test_an_assessment_of_the_case_s_own_reactions_and_medicines_is_recorded() -> None:
    event = assessed()
    assert domain.assess(case(domain.RECEIVED), event) == [event]


@pytest.mark.parametrize("changes", [
    {"coding": {str(uuid4()): {"code": "10099991", "term": "Rash", "version": "27.1"}}},
    {"seriousness": {str(uuid4()): {"death": "yes"}}},
    {"causality": [{"medicine_id": str(uuid4()), "reaction_id": REACTION,
                    "category": "possible"}]},
])
def test_what_names_no_reaction_or_medicine_of_the_case_is_refused(changes: dict) -> None:
    with pytest.raises(domain.ReportError, match="no such reaction or medicine"):
        domain.assess(case(domain.RECEIVED), assessed(**changes))


@pytest.mark.parametrize("status", [domain.SUBMITTED, domain.SENT])
def test_a_case_on_its_way_to_the_regulator_is_not_assessed(status: str) -> None:
    with pytest.raises(domain.ReportError):
        domain.assess(case(status), assessed())


def test_a_draft_is_no_case_to_assess() -> None:
    with pytest.raises(domain.NoSuchCaseError):
        domain.assess(case(domain.DRAFT), assessed())


def test_an_assessment_without_the_new_fields_reads_as_before() -> None:
    old = domain.CaseAssessed(report_id=uuid4(), coding={}, causality=[],
                              seriousness_confirmed=False)
    assert (old.seriousness, old.narrative) == ({}, None)


@pytest.mark.parametrize(("status", "version", "last_sent", "goes_as"), [
    (domain.UNDER_REVIEW, 1, None, "IN-PU-X-V1"),  # first sending
    (domain.REJECTED, 1, "IN-PU-X-V1", "IN-PU-X-V2"),  # corrected after a rejection
    (domain.UNDER_REVIEW, 1, "IN-PU-X-V1", "IN-PU-X-V2"),  # amended after acknowledgement
    (domain.UNDER_REVIEW, 2, "IN-PU-X-V1", "IN-PU-X-V2"),  # a follow-up answered: version 2
])
def test_a_version_sent_before_goes_again_as_the_next(status: str, version: int,
                                                      last_sent: str | None,
                                                      goes_as: str) -> None:
    [event] = domain.submit(case(status, version=version, submitted=last_sent), [])
    assert isinstance(event, domain.CaseSubmitted) and event.safety_report_id == goes_as


@pytest.mark.parametrize(("reactions", "serious"), [
    ([{"death": "no", "hospitalisation": "yes"}, {"death": "no"}], True),
    ([{"death": "no", "disability": "no"}, {"death": "no"}], False),
    ([{"death": "no", "disability": "unknown"}], None),  # never "no" by default
    ([], None),
])
def test_a_case_is_serious_if_any_criterion_is_and_not_only_if_every_one_is_not(
        reactions: list[dict[str, str]], serious: bool | None) -> None:
    assert domain.overall_seriousness(reactions) is serious


def test_serious_and_unknown_cases_are_due_in_15_days_others_in_90() -> None:
    received = date(2026, 11, 1)
    assert [domain.due_on(received, s) for s in (True, None, False)] == [
        date(2026, 11, 16), date(2026, 11, 16), date(2027, 1, 30)]


def test_the_officer_s_word_stands_over_the_reporter_s_for_the_criteria_given() -> None:
    reported = {"death": "no", "hospitalisation": "unknown"}
    assert domain.confirmed(reported, {"hospitalisation": "yes"}) == {
        "death": "no", "hospitalisation": "yes"}
    assert domain.confirmed(reported, None) == reported


def test_a_case_has_at_most_five_follow_up_requests() -> None:
    state = case(domain.UNDER_REVIEW)
    for _ in range(5):
        asked, told = domain.request_follow_up(state, ["When did it start?"])
        assert told.step == "follow_up_requested"  # type: ignore[attr-defined]
        state = replace(domain.evolve(state, asked), status=domain.UNDER_REVIEW)  # answered
    assert state.follow_ups == 5
    with pytest.raises(domain.ReportError, match="5 follow-up requests"):
        domain.request_follow_up(state, ["And then?"])
