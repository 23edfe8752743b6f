"""A case's state folded from its events, and the decisions taken on it: given events, when
a command, then events (or a refusal)."""

from datetime import date
from uuid import uuid4

import pytest

from contracts.pharmacovigilance.events import ReportProgressed
from contracts.pharmacovigilance.messages import AdrReportForm
from pharmacovigilance import domain

REPORT, REPORTER, REACTION, MEDICINE = uuid4(), uuid4(), uuid4(), uuid4()
CODING = {str(REACTION): {"code": "10099991", "term": "Made-up rash", "version": "27.1"}}


def given(*events: object) -> domain.CaseState:
    state = domain.initial()
    for event in events:
        state = domain.evolve(state, event)  # type: ignore[arg-type]
    return state


def opened() -> list[object]:
    return [domain.AdrReportSaved(report_id=REPORT, reporter_id=REPORTER, clear={},
                                  personal="sealed", missing=[]),
            domain.CaseOpened(report_id=REPORT, reference="PU-ADR-2026-000001",
                              received=date(2026, 11, 1), reaction_ids=[REACTION],
                              medicine_ids=[MEDICINE])]


def coded() -> list[object]:
    return [*opened(), domain.CaseAssessed(report_id=REPORT, coding=CODING, causality=[],
                                           seriousness_confirmed=True)]


def submitted(version: int = 1) -> domain.CaseSubmitted:
    return domain.CaseSubmitted(report_id=REPORT, case_version=version,
                                safety_report_id=f"IN-PU-PU-ADR-2026-000001-V{version}")


def relayed(outcome: str, version: int = 1) -> domain.RelayOutcome:
    """An outcome as releases before the past-tense relay events stored it."""
    return domain.RelayOutcome(report_id=REPORT, outcome=outcome,
                               safety_report_id=f"IN-PU-PU-ADR-2026-000001-V{version}")


def outcome(case: domain.CaseState, what: str, detail: str | None = None) -> list:
    return domain.relay_outcome(case, submitted(1).safety_report_id, what, detail)


def test_no_events_no_report() -> None:
    with pytest.raises(domain.NoSuchReportError):
        domain.existing(given())


def test_a_saved_report_is_a_draft_of_its_reporter_until_it_opens_as_a_case() -> None:
    draft = given(opened()[0])
    assert (draft.status, draft.reporter_id) == (domain.DRAFT, REPORTER)
    with pytest.raises(domain.NoSuchCaseError):
        domain.existing_case(draft)
    case = given(*opened())
    assert case.status == domain.RECEIVED and case.reaction_ids == (REACTION,)


def test_only_the_reporter_changes_a_draft_and_nobody_edits_a_case() -> None:
    form = AdrReportForm(draft=True)
    with pytest.raises(domain.NotAllowedError):
        domain.save(given(opened()[0]), REPORT, uuid4(), form, "sealed")
    with pytest.raises(domain.ReportError):
        domain.save(given(*opened()), REPORT, REPORTER, form, "sealed")


def test_a_case_is_submitted_once_per_version() -> None:
    case = given(*coded())
    [event] = domain.submit(case, [])
    assert event == submitted(1)
    with pytest.raises(domain.ReportError, match="submitted"):
        domain.submit(given(*coded(), event), [])


def test_an_assessment_never_turns_a_submitted_case_back() -> None:
    case = given(*coded(), submitted())
    assessed = domain.assessment(case, {}, [], True, {}, None)
    with pytest.raises(domain.ReportError):
        domain.assess(case, assessed)


def test_an_uncoded_case_or_one_with_undecided_duplicates_is_not_submitted() -> None:
    with pytest.raises(domain.ReportError, match="code every reaction"):
        domain.submit(given(*opened()), [])
    other = uuid4()
    with pytest.raises(domain.ReportError, match="duplicates"):
        domain.submit(given(*coded()), domain.undecided(given(*coded()), [other]))
    separated = domain.DuplicateResolved(report_id=REPORT, other_report_id=other,
                                         decision="separate")
    assert domain.undecided(given(*coded(), separated), [other]) == []


def test_a_version_returned_unsent_goes_again_under_the_same_c11() -> None:
    returned = given(*coded(), submitted(), relayed(domain.RETURNED))
    assert returned.last_sent is None
    assert domain.submit(returned, []) == [submitted(1)]


def test_a_version_that_reached_the_regulator_goes_again_as_the_next() -> None:
    rejected = given(*coded(), submitted(), relayed(domain.SENT), relayed(domain.REJECTED))
    assert rejected.last_sent == submitted(1).safety_report_id
    assert domain.submit(rejected, []) == [submitted(2)]


def test_a_relay_outcome_known_for_good_is_not_recorded_twice() -> None:
    acknowledged = given(*coded(), submitted(), relayed(domain.SENT),
                         relayed(domain.ACKNOWLEDGED))
    sent_id = submitted(1).safety_report_id
    assert domain.relay_outcome(acknowledged, sent_id, domain.ACKNOWLEDGED, None) == []
    sent = given(*coded(), submitted(), relayed(domain.SENT))
    acknowledgement, told = domain.relay_outcome(sent, sent_id, domain.ACKNOWLEDGED, None)
    assert acknowledgement == domain.CaseAcknowledged(report_id=REPORT,
                                                      safety_report_id=sent_id)
    assert isinstance(told, ReportProgressed) and told.step == "acknowledged"
    assert told.reporter_id == sent.reporter_id and told.reference == sent.reference


def test_the_relay_records_past_tense_facts_that_fold_as_the_old_outcomes_did() -> None:
    case = given(*coded(), submitted())
    [sent] = outcome(case, domain.SENT)
    assert isinstance(sent, domain.CaseSentToRegulator)
    for what, kind in ((domain.ACKNOWLEDGED, domain.CaseAcknowledged),
                       (domain.REJECTED, domain.CaseRejectedByRegulator),
                       (domain.RETURNED, domain.CaseReturnedToOfficer)):
        new, *told = outcome(given(*coded(), submitted(), sent), what, "the reason")
        assert [type(e).__name__ for e in told] == (
            ["ReportProgressed"] if what == domain.ACKNOWLEDGED else [])
        assert isinstance(new, kind)
        assert given(*coded(), submitted(), sent, new) == given(
            *coded(), submitted(), relayed(domain.SENT), relayed(what))
    [returned] = outcome(case, domain.RETURNED, "its ICSR cannot be written")
    assert isinstance(returned, domain.CaseReturnedToOfficer)
    assert returned.reason == "its ICSR cannot be written"
    assert given(*coded(), submitted(), returned).last_sent is None


def test_only_the_reporter_answers_and_only_when_asked() -> None:
    asked = given(*coded(), domain.FollowUpRequested(report_id=REPORT, questions=["When?"]))
    with pytest.raises(domain.NotAllowedError):
        domain.answer_follow_up(asked, uuid4(), "sealed")
    [answered] = domain.answer_follow_up(asked, REPORTER, "sealed")
    assert isinstance(answered, domain.FollowUpAnswered) and answered.case_version == 2
    with pytest.raises(domain.ReportError, match="no follow-up"):
        domain.answer_follow_up(given(*coded()), REPORTER, "sealed")
    assert given(*coded(), domain.FollowUpRequested(report_id=REPORT, questions=["?"]),
                 answered).version == 2

