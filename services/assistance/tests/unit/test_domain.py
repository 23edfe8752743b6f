"""An application's case work, given events, then events."""

from datetime import date
from uuid import uuid4

import pytest

from assistance import domain
from contracts.assistance.events import (
    ApplicationProgressed,
    ApplicationSubmitted,
    DocumentAdded,
)

OWNER, OFFICER = uuid4(), uuid4()


def submitted(**changes: object) -> domain.Application:
    event = ApplicationSubmitted(**{
        "application_id": uuid4(), "owner_id": OWNER, "submitted_by": OWNER,
        "assisted_by": None, "relation": "parent", "patient_name": "sealed", "patient_age": 67,
        "diagnosis": "sealed", "disease_area": "heart", "hospital_name": "AIIMS",
        "hospital_type": "government", "hospital_state": "Delhi", "estimate": 2_40_000_00,
        "treatment_start": date(2026, 12, 10), "treatment_end": None,
        "income_bracket": "bpl", "urgency": "high", "payee_kind": "hospital",
        "payee_details": "sealed", "suggested_schemes": [], **changes})
    return domain.evolve(domain.Application(), event)


def then(state: domain.Application, events: list) -> domain.Application:  # type: ignore[type-arg]
    for event in events:
        state = domain.evolve(state, event)
    return state


def document(state: domain.Application, kind: str) -> DocumentAdded:
    return DocumentAdded(application_id=state.application_id, document_id=uuid4(), kind=kind,
                         content_type="application/pdf", size=10, media_key="k",
                         added_by=OWNER)


def test_requested_documents_hold_the_approval_until_they_come() -> None:
    state = then(submitted(), domain.verify(submitted(), "n", OFFICER))
    state = then(state, domain.request_documents(state, ["income_certificate"], "n", OFFICER))
    assert state.status == "documents_requested"
    with pytest.raises(domain.NotReadyError, match="income_certificate"):
        domain.decide(state, "approve", 1_00, None, "r", OFFICER)
    state = then(state, [document(state, "income_certificate")])
    assert state.status == "verified" and not state.outstanding
    state = then(state, domain.decide(state, "approve", 1_00_000_00, None, "r", OFFICER))
    assert (state.status, state.approved) == ("approved", 1_00_000_00)


def test_no_approval_before_the_hospital_confirms_nor_beyond_its_estimate() -> None:
    state = submitted()
    with pytest.raises(domain.NotReadyError, match="verification"):
        domain.decide(state, "approve", 1_00, None, "r", OFFICER)
    state = then(state, domain.verify(state, "n", OFFICER))
    with pytest.raises(domain.AmountError):
        domain.decide(state, "approve", 2_40_000_01, None, "r", OFFICER)


def test_payment_goes_to_the_hospital_and_never_beyond_the_approval() -> None:
    state = then(submitted(), domain.verify(submitted(), "n", OFFICER))
    with pytest.raises(domain.NotReadyError):
        domain.disburse(state, 1_00, "hospital", "UTR1", OFFICER)
    state = then(state, domain.decide(state, "approve", 1_000_00, None, "r", OFFICER))
    with pytest.raises(domain.PayeeError):
        domain.disburse(state, 1_00, "bank", "UTR1", OFFICER)
    state = then(state, domain.disburse(state, 600_00, "hospital", "UTR1", OFFICER))
    with pytest.raises(domain.AmountError, match=r"400\.00"):
        domain.disburse(state, 500_00, "hospital", "UTR2", OFFICER)


def test_a_decided_case_is_not_decided_again_and_a_closed_one_takes_nothing() -> None:
    state = submitted()
    state = then(state, domain.decide(state, "reject", 0, None, "r", OFFICER))
    with pytest.raises(domain.AlreadyDecidedError):
        domain.decide(state, "refer", 0, "pm-jay", "r", OFFICER)
    state = then(state, domain.close(state, "rejected", "n", OFFICER))
    with pytest.raises(domain.ClosedError):
        domain.check_may_add_document(state, OWNER, officer=False)


def test_only_the_applicant_their_caseworker_or_an_officer_adds_documents() -> None:
    state = submitted()
    with pytest.raises(domain.NoSuchApplicationError):
        domain.check_may_add_document(state, uuid4(), officer=False)
    domain.check_may_add_document(state, OWNER, officer=False)
    domain.check_may_add_document(state, uuid4(), officer=True)


def test_each_officers_step_tells_the_owner_or_the_caseworker_of_someone_offline() -> None:
    caseworker = uuid4()
    for state, told in ((submitted(), OWNER), (submitted(
            owner_id=uuid4(), submitted_by=caseworker, assisted_by=caseworker,
            owner_account=False), caseworker)):
        events = domain.request_documents(state, ["id"], "n", OFFICER)
        progressed = events[-1]
        assert isinstance(progressed, ApplicationProgressed)
        assert (progressed.user_id, progressed.step) == (told, "documents_requested")
