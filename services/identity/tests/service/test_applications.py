"""Professional applications through identity's HANDLERS: applying, the admins' queue,
questions and answers, decisions; and the check that this tier calls every entry."""

from collections.abc import Awaitable, Callable
from pathlib import Path
from uuid import UUID, uuid4

from contracts.rpc import Principal
from identity import handlers
from tests.service_tier import Tier, operations_called_in, operations_of, person

ADMIN = person("admin")
SignUp = Callable[..., Awaitable[Principal]]


def application(email: str, number: str = "MMC/2011/04567", **overrides: object) -> dict:
    return {"full_name": "Dr. Farida Shaikh", "email": email, "phone": None,
            "profession": "doctor", "registration_council": "Maharashtra Medical Council",
            "registration_number": number, "qualification": "MBBS, MD (Medicine)",
            "workplace": "KEM Hospital, Mumbai", "password": "stethoscope-and-chai",
            **overrides}


async def apply(identity: Tier, email: str, **overrides: object) -> tuple[str, Principal]:
    """The application's id, and the applicant as the service sees them."""
    reply = await identity.call("apply_as_professional", application(email, **overrides))
    assert reply.status == 201 and reply.body["status"] == "pending", reply.body
    return reply.body["application_id"], person("applicant",
                                                user_id=UUID(reply.body["user_id"]))


async def decide(identity: Tier, application_id: str, decision: str,
                 reason: str = "checked on the council's register") -> dict:
    return await identity.ok("decide_application", {
        "application_id": application_id, "decision": decision, "reason": reason}, ADMIN)


async def test_the_whole_vetting_journey(identity: Tier) -> None:
    application_id, applicant = await apply(identity, "farida@example.in")
    assert (await identity.ok("get_me", by=applicant))["roles"] == ["applicant"]
    queue = await identity.ok("list_applications", {"status": "pending"}, ADMIN)
    [listed] = queue["items"]
    assert listed["email"] == "farida@example.in" and listed["full_name"] == "Dr. Farida Shaikh"
    assert listed["registration_number"] == "MMC/2011/04567"

    asked = await decide(identity, application_id, "request_info", "Year of registration?")
    assert asked["status"] == "information_requested"
    mine = await identity.ok("my_application", by=applicant)
    assert mine["questions"][0]["question"] == "Year of registration?"
    answered = await identity.ok("provide_information", {"answer": "2011"}, applicant)
    assert answered["status"] == "pending" and answered["questions"][0]["answer"] == "2011"

    approved = await decide(identity, application_id, "approve")
    assert approved["status"] == "approved"
    me = await identity.ok("get_me", by=applicant)
    assert (me["roles"], me["verified"], me["profession"]) == (["professional"], True, "doctor")
    view = await identity.ok("get_application", {"application_id": application_id}, ADMIN)
    assert [h["event_type"] for h in view["history"]] == [
        "ProfessionalApplicationSubmitted", "ProfessionalApplicationInformationRequested",
        "ProfessionalApplicationInformationProvided", "ProfessionalApplicationApproved"]
    assert "answer" not in view["history"][2]["details"]


async def test_steps_the_workflow_does_not_allow_now_are_conflicts(identity: Tier) -> None:
    application_id, applicant = await apply(identity, "quack@example.in", number="FAKE-1")
    unasked = await identity.call("provide_information", {"answer": "2011"}, applicant)
    assert unasked.status == 409
    rejected = await decide(identity, application_id, "reject", "No such registration")
    assert rejected["status"] == "rejected"
    mine = await identity.ok("my_application", by=applicant)
    assert mine["decision_reason"] == "No such registration"
    again = await identity.call("decide_application", {
        "application_id": application_id, "decision": "approve", "reason": "changed my mind"},
        ADMIN)
    assert again.status == 409
    assert (await identity.ok("get_me", by=applicant))["roles"] == ["applicant"]


async def test_unknown_applications_and_the_wrong_callers_are_refused(
        identity: Tier, sign_up: SignUp) -> None:
    member = await sign_up("member@example.in")
    nothing = {"application_id": str(uuid4())}
    assert (await identity.call("get_application", nothing, ADMIN)).status == 404
    assert (await identity.call("decide_application", {
        **nothing, "decision": "approve", "reason": "x"}, ADMIN)).status == 404
    assert (await identity.call("my_application", by=member)).status == 404
    assert (await identity.call("list_applications", {}, member)).status == 403
    assert (await identity.call("provide_information", {"answer": "x"}, member)).status == 403
    assert (await identity.call("get_application", nothing)).status == 401
    as_applicant = person("applicant", user_id=member.user_id)
    assert (await identity.call("provide_information", {"answer": "x"},
                                as_applicant)).status == 404


async def test_applying_is_refused_like_signing_up(identity: Tier) -> None:
    await apply(identity, "first.try@example.in")
    taken = await identity.call("apply_as_professional", application("FIRST.try@example.in"))
    weak = await identity.call("apply_as_professional", application(
        "weak@example.in", password="password123"))
    assert taken.status == 409
    assert (weak.status, weak.body["errors"][0]["field"]) == (422, "password")


async def test_a_registration_held_by_a_verified_professional_is_flagged(
        identity: Tier) -> None:
    first_id, first = await apply(identity, "first@example.in", number="KMC 99881")
    await decide(identity, first_id, "approve")
    second_id, _ = await apply(identity, "second@example.in", number="kmc99881")
    view = await identity.ok("get_application", {"application_id": second_id}, ADMIN)
    assert view["registration_held_by"] == [str(first.user_id)]


async def test_an_applicant_who_erased_themselves_cannot_be_approved(identity: Tier) -> None:
    application_id, applicant = await apply(identity, "vanished@example.in")
    await identity.ok("erase_me", by=applicant)
    view = await identity.ok("get_application", {"application_id": application_id}, ADMIN)
    assert view["full_name"] == "former member" and view["email"] is None
    assert view["registration_number"] == "[erased]"
    refused = await identity.call("decide_application", {
        "application_id": application_id, "decision": "approve", "reason": "x"}, ADMIN)
    assert refused.status == 409 and "erased" in refused.body["detail"]
    late = await identity.call("provide_information", {"answer": "x"}, applicant)
    assert late.status == 404


async def test_the_queue_is_oldest_first_in_pages(identity: Tier) -> None:
    ids = [(await apply(identity, f"page{n}@example.in", number=f"P-{n}"))[0]
           for n in range(3)]
    first = await identity.ok("list_applications", {"limit": 2}, ADMIN)
    assert [a["application_id"] for a in first["items"]] == ids[:2]
    rest = await identity.ok("list_applications", {"cursor": first["next_cursor"]}, ADMIN)
    assert [a["application_id"] for a in rest["items"]] == ids[2:]
    assert rest["next_cursor"] is None
    assert (await identity.call("list_applications", {"cursor": "garbage"},
                                ADMIN)).status == 422


def test_every_handler_is_exercised_here() -> None:
    assert operations_of(handlers.HANDLERS) <= operations_called_in(Path(__file__).parent)
