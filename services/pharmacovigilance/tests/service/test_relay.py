"""The relay's outcomes, recorded through the case's repository (decided on its folded
state, appended at the version read), and the outcomes older releases stored, replayed."""

from collections.abc import Awaitable, Callable
from pathlib import Path
from uuid import UUID

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from contracts.rpc import Principal
from kit.eventstore import Metadata
from pharmacovigilance import domain, projections
from pharmacovigilance.deps import Deps
from pharmacovigilance.regulator import InMemoryRegulator, Regulator
from pharmacovigilance.regulator.fake_pvpi import FakeRegulator, Uploader
from pharmacovigilance.regulator.folder import FolderRegulator
from pharmacovigilance.relay import RegulatorRelay
from tests.service_tier import Tier

from .conftest import event_types, folded
from .test_handlers import a_case, coded


async def submitted_case(pv: Tier, reporter: Principal, officer: Principal) -> str:
    case_id = await a_case(pv, reporter)
    await coded(pv, officer, case_id)
    await pv.ok("submit_case", {"report_id": case_id}, officer)
    return case_id


Answer = Callable[[], Awaitable[object]]


async def nothing() -> None:
    """The channel answers on the sending itself."""


@pytest.fixture(params=["in-memory", "in-memory-deferred", "drop-folder"])
def channel(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[Regulator, Answer]:
    """The regulator port: its fake, answering at once or later, and the drop-folder adapter
    with the fake PvPI's uploader answering the folder."""
    if request.param == "in-memory":
        return InMemoryRegulator(), nothing
    if request.param == "in-memory-deferred":
        return InMemoryRegulator(deferred=True), nothing
    uploader = Uploader(FakeRegulator(), tmp_path)
    return FolderRegulator(tmp_path), uploader.upload_waiting


async def test_a_sent_and_acknowledged_version_is_recorded_once_as_past_tense_facts(
        pv: Tier, reporter: Principal, officer: Principal, deps: Deps, engine: AsyncEngine,
        channel: tuple[Regulator, Answer]) -> None:
    case_id = await submitted_case(pv, reporter, officer)
    regulator, answer = channel
    relay = RegulatorRelay(deps, regulator)
    assert await relay.send_next()
    assert await pv.ok("relay_queue", {"state": "pending"}, officer) == {
        "items": [], "next_cursor": None}
    await answer()
    await relay.collect_acknowledgements()
    types = await event_types(engine, case_id)
    assert types[-3:] == ["CaseSentToRegulator", "CaseAcknowledged", "ReportProgressed"]
    case = await pv.ok("get_case", {"report_id": case_id}, officer)
    assert case["status"] == "acknowledged"
    sent_as = (await folded(deps, case_id)).submitted
    assert sent_as is not None  # the same acknowledgement again
    await relay._outcome(UUID(case_id), sent_as, domain.ACKNOWLEDGED, None)
    assert (await event_types(engine, case_id)).count("CaseAcknowledged") == 1
    queue = await pv.ok("relay_queue", {"state": "acknowledged"}, officer)
    assert [q["report_id"] for q in queue["items"]] == [case_id]


async def test_a_rejected_version_goes_again_as_the_next(
        pv: Tier, reporter: Principal, officer: Principal, deps: Deps) -> None:
    case_id = await submitted_case(pv, reporter, officer)
    regulator = InMemoryRegulator()
    regulator.mode = "reject"
    assert await RegulatorRelay(deps, regulator).send_next()
    case = await pv.ok("get_case", {"report_id": case_id}, officer)
    assert case["status"] == "rejected_by_regulator" and case["relay"]["detail"]
    again = await pv.ok("submit_case", {"report_id": case_id}, officer)
    assert again["relay"]["safety_report_id"].endswith("-V2")


async def test_outcomes_stored_by_older_releases_are_still_read_and_replayed(
        pv: Tier, reporter: Principal, officer: Principal, deps: Deps,
        engine: AsyncEngine) -> None:
    case_id = await submitted_case(pv, reporter, officer)
    sent_as = (await folded(deps, case_id)).submitted
    assert sent_as is not None
    stream = domain.stream_id(UUID(case_id))
    async with deps.db.transaction() as conn:  # as the relay wrote them before
        _, version = await deps.reports.get(conn, stream)
        await deps.reports.append(conn, stream, version, [
            domain.RelayOutcome(report_id=UUID(case_id), safety_report_id=sent_as,
                                outcome=domain.SENT),
            domain.RelayOutcome(report_id=UUID(case_id), safety_report_id=sent_as,
                                outcome=domain.RETURNED, detail="its ICSR cannot be written")],
            Metadata(actor="system:regulator-relay"))
    assert (await folded(deps, case_id)).last_sent is None
    async with engine.begin() as conn:
        await projections.REPORTS.replay(conn)
    case = await pv.ok("get_case", {"report_id": case_id}, officer)
    assert case["status"] == "returned_to_officer"
    assert case["relay"]["detail"] == "its ICSR cannot be written"
    queue = await pv.ok("relay_queue", {"state": "returned"}, officer)
    assert [q["safety_report_id"] for q in queue["items"]] == [sent_as]
    again = await pv.ok("submit_case", {"report_id": case_id}, officer)
    assert again["relay"]["safety_report_id"] == sent_as  # unsent: the same C.1.1
