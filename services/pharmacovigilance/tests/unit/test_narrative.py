"""H.1: the officer's account or the reporter's words, then every follow-up and its answer."""

from datetime import date

from contracts.pharmacovigilance.messages import AdrReportForm
from pharmacovigilance.domain.narrative import narrative

FORM = AdrReportForm.model_validate({
    "reactions": [{"description": "त्वचा पर दाने", "language": "hi", "outcome": "recovering"}],
    "medicines": [{"name": "Drugzol 500", "role": "suspect"}]})
ASKED = {"asked_at": "2026-11-20T10:00:00+00:00", "questions": ["Did it come back?", "When?"],
         "answered_at": None}


def test_without_the_officer_s_account_the_reporter_s_words_are_told() -> None:
    assert narrative(FORM, date(2026, 11, 2), None, []) == (
        "Consumer report received 2026-11-02 through the Patients' Union. Medicines: "
        "Drugzol 500 (suspect). Reactions: त्वचा पर दाने [hi], outcome recovering.")


def test_the_officer_s_account_comes_first_then_each_follow_up() -> None:
    answered = {**ASKED, "answered_at": "2026-11-21T09:00:00+00:00"}
    told = narrative(FORM, date(2026, 11, 2), "Rash on day 3.", [
        (answered, ["No", "Never"]), (ASKED, None), (answered, None)]).splitlines()
    assert told == [
        "Rash on day 3.",
        "Follow-up 1 (2026-11-20): asked Did it come back? / When?; answered No / Never",
        "Follow-up 2 (2026-11-20): asked Did it come back? / When?; answered (no answer yet)",
        "Follow-up 3 (2026-11-20): asked Did it come back? / When?; answered "
        "(erased with the reporter's data)"]
