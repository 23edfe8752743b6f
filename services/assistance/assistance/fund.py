"""The fund, one aggregate on one stream: what came in, what approvals reserved, what was
paid. Every approval is decided on this stream at the version read, so two approvals at
once cannot both spend the same money: the second one's append fails and it is decided
again from the fund as it then is."""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any
from uuid import UUID

from contracts.assistance.events import (
    FundsDisbursed,
    FundsReleased,
    FundsReserved,
    SponsorshipRecorded,
)
from contracts.events import Event

STREAM = "fund-faith"
GENERAL = ""  # the pool of money given without a restriction


class InsufficientFundsError(Exception):
    """The fund cannot pay what was asked."""

    title = "Not enough money in the fund"
    field = "amount"


@dataclass(frozen=True)
class Fund:
    received: int = 0
    pools: dict[str, int] = field(default_factory=dict)  # restriction -> available
    reserved: dict[UUID, dict[str, int]] = field(default_factory=dict)  # by application
    approved: int = 0
    disbursed: int = 0
    paid: dict[UUID, int] = field(default_factory=dict)

    @property
    def available(self) -> int:
        return sum(self.pools.values())

    def available_for(self, disease_area: str) -> int:
        return self.pools.get(GENERAL, 0) + (
            self.pools.get(disease_area, 0) if disease_area != GENERAL else 0)


def evolve(fund: Fund, event: Event) -> Fund:
    match event:
        case SponsorshipRecorded(amount=amount, restriction=restriction):
            return replace(fund, received=fund.received + amount,
                           pools=_add(fund.pools, {restriction: amount}))
        case FundsReserved(application_id=application_id, amount=amount, drawn=drawn):
            return replace(fund, approved=fund.approved + amount,
                           pools=_add(fund.pools, {k: -v for k, v in drawn.items()}),
                           reserved={**fund.reserved, application_id: drawn})
        case FundsDisbursed(application_id=application_id, amount=amount):
            return replace(fund, disbursed=fund.disbursed + amount, paid={
                **fund.paid, application_id: fund.paid.get(application_id, 0) + amount})
        case FundsReleased(returned=returned):
            return replace(fund, approved=fund.approved - sum(returned.values()),
                           pools=_add(fund.pools, returned))
    return fund


def _add(pools: dict[str, int], change: dict[str, int]) -> dict[str, int]:
    merged = dict(pools)
    for pool, amount in change.items():
        merged[pool] = merged.get(pool, 0) + amount
    return merged


def reserve(fund: Fund, application_id: UUID, disease_area: str, amount: int,
            by: UUID) -> FundsReserved:
    """Take `amount` for one case: its disease area's restricted money first, then the
    general fund's; refused, saying what is available, when that is not enough."""
    available = fund.available_for(disease_area)
    if amount > available:
        raise InsufficientFundsError(
            f"the fund has ₹{available / 100:,.2f} available for {disease_area} cases; "
            f"₹{amount / 100:,.2f} cannot be approved")
    restricted = min(amount, fund.pools.get(disease_area, 0)) if disease_area else 0
    drawn = {k: v for k, v in ((disease_area, restricted), (GENERAL, amount - restricted))
             if v}
    return FundsReserved(application_id=application_id, disease_area=disease_area,
                         amount=amount, drawn=drawn, reserved_by=by)


def release(fund: Fund, application_id: UUID) -> list[FundsReleased]:
    """What a closed case reserved and did not pay goes back (the restricted money last
    drawn is returned first)."""
    drawn = fund.reserved.get(application_id)
    unpaid = sum(drawn.values()) - fund.paid.get(application_id, 0) if drawn else 0
    if not drawn or unpaid <= 0:
        return []
    returned: dict[str, int] = {}
    for pool in (GENERAL, *[p for p in drawn if p != GENERAL]):
        back = min(unpaid, drawn.get(pool, 0))
        if back:
            returned[pool], unpaid = back, unpaid - back
    return [FundsReleased(application_id=application_id, returned=returned)]


def view(fund: Fund) -> dict[str, Any]:
    """The balance as the API shows it: in, approved, paid, available, by pool."""
    return {"received": fund.received, "approved": fund.approved,
            "disbursed": fund.disbursed, "available": fund.available,
            "pools": [{"restriction": pool or None, "available": amount}
                      for pool, amount in sorted(fund.pools.items())]}


SMALLEST_AREA = 3  # an area with fewer approved cases is reported under "other"


def report(events: Sequence[Event]) -> dict[str, Any]:
    """The sponsors' report: who gave what, and what each disease area received. It names
    no patient, application or hospital; small areas are merged so no case stands out."""
    state, sponsors = Fund(), defaultdict[tuple[str, str], int](int)
    areas: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for event in events:
        state = evolve(state, event)
        match event:
            case SponsorshipRecorded(sponsor=sponsor, restriction=restriction, amount=amount):
                sponsors[(sponsor, restriction)] += amount
            case FundsReserved(disease_area=area, amount=amount):
                areas[area]["cases_approved"] += 1
                areas[area]["approved"] += amount
            case FundsDisbursed(disease_area=area, amount=amount):
                areas[area]["disbursed"] += amount
            case FundsReleased(application_id=application_id, returned=returned):
                area = _area_of(events, application_id)
                areas[area]["approved"] -= sum(returned.values())
    merged: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for area, line in areas.items():
        target = area if line["cases_approved"] >= SMALLEST_AREA else "other"
        for key, value in line.items():
            merged[target][key] += value
    return {"fund": view(state),
            "sponsors": [{"sponsor": s, "restriction": r or None, "given": given}
                         for (s, r), given in sorted(sponsors.items())],
            "areas": [{"disease_area": area, "cases_approved": line["cases_approved"],
                       "approved": line["approved"], "disbursed": line["disbursed"]}
                      for area, line in sorted(merged.items())]}


def _area_of(events: Sequence[Event], application_id: UUID) -> str:
    return next((e.disease_area for e in events if isinstance(e, FundsReserved)
                 and e.application_id == application_id), "other")
