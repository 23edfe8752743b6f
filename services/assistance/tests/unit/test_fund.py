"""The fund, given its events: balance, restrictions, reservations never beyond what is
there, the rest released, and a sponsors' report that names no case."""

from uuid import uuid4

import pytest

from assistance import fund
from contracts.assistance.events import FundsDisbursed, SponsorshipRecorded

OFFICER = uuid4()


def given(*events: object) -> fund.Fund:
    state = fund.Fund()
    for event in events:
        state = fund.evolve(state, event)  # type: ignore[arg-type]
    return state


def gift(amount: int, restriction: str = "") -> SponsorshipRecorded:
    return SponsorshipRecorded(sponsorship_id=uuid4(), sponsor="Tata Trusts", amount=amount,
                               restriction=restriction, recorded_by=OFFICER)


def test_the_balance_is_what_came_in_less_what_was_reserved() -> None:
    state = given(gift(100_000_00))
    reserved = fund.reserve(state, uuid4(), "heart", 40_000_00, OFFICER)
    after = fund.evolve(state, reserved)
    assert (after.received, after.approved, after.available) == (
        100_000_00, 40_000_00, 60_000_00)


def test_an_approval_beyond_the_fund_is_refused_saying_what_is_left() -> None:
    state = given(gift(50_000_00))
    with pytest.raises(fund.InsufficientFundsError, match=r"50,000\.00"):
        fund.reserve(state, uuid4(), "heart", 50_000_01, OFFICER)


def test_restricted_money_pays_only_its_disease_area_and_first() -> None:
    state = given(gift(30_000_00, "cancer"), gift(10_000_00))
    assert state.available_for("heart") == 10_000_00
    with pytest.raises(fund.InsufficientFundsError):
        fund.reserve(state, uuid4(), "heart", 20_000_00, OFFICER)
    reserved = fund.reserve(state, uuid4(), "cancer", 35_000_00, OFFICER)
    assert reserved.drawn == {"cancer": 30_000_00, "": 5_000_00}


def test_what_a_closed_case_did_not_use_returns_to_its_pools() -> None:
    case = uuid4()
    state = given(gift(30_000_00, "cancer"), gift(10_000_00))
    state = fund.evolve(state, fund.reserve(state, case, "cancer", 35_000_00, OFFICER))
    state = fund.evolve(state, FundsDisbursed(application_id=case, disease_area="cancer",
                                              amount=20_000_00))
    [released] = fund.release(state, case)
    assert released.returned == {"": 5_000_00, "cancer": 10_000_00}
    after = fund.evolve(state, released)
    assert after.available == 20_000_00 and after.approved == 20_000_00
    assert fund.release(fund.evolve(state, released), uuid4()) == []


def test_the_sponsors_report_names_no_case_and_merges_small_areas() -> None:
    events: list[object] = [gift(100_000_00)]
    state = given(*events)
    for area in ("heart", "heart", "heart", "liver"):
        reserved = fund.reserve(state, uuid4(), area, 1_000_00, OFFICER)
        events.append(reserved)
        state = fund.evolve(state, reserved)
    report = fund.report(events)  # type: ignore[arg-type]
    assert [(a["disease_area"], a["cases_approved"]) for a in report["areas"]] == [
        ("heart", 3), ("other", 1)]
    assert report["fund"]["available"] == 96_000_00
    assert "application_id" not in str(report)
