"""Identity routes of the public API: accounts, sessions, consents, vetting, roles."""

from typing import Annotated, Literal
from uuid import UUID

from fastapi import APIRouter, Body, Form, Query
from starlette.responses import Response

from contracts.identity.messages import (
    AccountCreated,
    ApplicationAccepted,
    ApplicationFilter,
    ApplicationForAdmin,
    ApplicationPage,
    ApplicationRef,
    ApplyAsProfessional,
    Consents,
    Decide,
    Erased,
    GiveConsent,
    IssueToken,
    Me,
    MyApplication,
    ProvideInformation,
    RefreshToken,
    RegisterAccount,
    RolesSet,
    SetRoles,
    SignedOut,
    StaffRole,
    TokenIssued,
    UserHistory,
    UserRef,
    WithdrawConsent,
)
from contracts.subjects import rpc
from gateway.deps import BusDep, CallerDep
from gateway.problems import RESPONSES

router = APIRouter(prefix="/v1", responses=RESPONSES, tags=["identity"])  # type: ignore[arg-type]


def identity(operation: str) -> str:
    return rpc("identity", operation)


@router.post("/accounts", status_code=201, response_model=AccountCreated)
async def register_account(body: RegisterAccount, caller: CallerDep, bus: BusDep) -> Response:
    """Sign up as a patient or caregiver."""
    return await bus.forward(identity("register_account"), caller, body)


@router.post("/auth/token", response_model=TokenIssued)
async def issue_token(username: Annotated[str, Form(max_length=320)],
                      password: Annotated[str, Form(max_length=256)],
                      caller: CallerDep, bus: BusDep,
                      grant_type: Annotated[str | None, Form(pattern="^password$")] = None,
                      ) -> Response:
    """OAuth2 password grant: an access token (15 minutes) and a refresh token."""
    body = IssueToken(username=username, password=password)
    return await bus.forward(identity("issue_token"), caller, body)


@router.post("/auth/refresh", response_model=TokenIssued)
async def refresh(body: RefreshToken, caller: CallerDep, bus: BusDep) -> Response:
    """A new pair; the refresh token used stops working (reusing it ends every session)."""
    return await bus.forward(identity("refresh_token"), caller, body)


@router.post("/auth/logout", response_model=SignedOut)
async def logout(body: RefreshToken, caller: CallerDep, bus: BusDep) -> Response:
    return await bus.forward(identity("logout"), caller, body)


@router.get("/me", response_model=Me)
async def me(caller: CallerDep, bus: BusDep) -> Response:
    return await bus.forward(identity("get_me"), caller)


@router.delete("/me", status_code=202, response_model=Erased)
async def erase_me(caller: CallerDep, bus: BusDep) -> Response:
    """Erase my personal data everywhere. Posts stay, by a "former member"."""
    return await bus.forward(identity("erase_me"), caller)


@router.get("/me/consents", response_model=Consents)
async def consents(caller: CallerDep, bus: BusDep) -> Response:
    return await bus.forward(identity("list_consents"), caller)


@router.post("/me/consents", response_model=Consents)
async def give_consent(body: GiveConsent, caller: CallerDep, bus: BusDep) -> Response:
    return await bus.forward(identity("give_consent"), caller, body)


@router.delete("/me/consents/{purpose}", response_model=Consents)
async def withdraw_consent(
        purpose: Literal["terms", "health_data_processing", "adr_follow_up_contact"],
        caller: CallerDep, bus: BusDep) -> Response:
    return await bus.forward(identity("withdraw_consent"), caller,
                             WithdrawConsent(purpose=purpose))


@router.post("/professional-applications", status_code=201, response_model=ApplicationAccepted)
async def apply(body: ApplyAsProfessional, caller: CallerDep, bus: BusDep) -> Response:
    """A healthcare professional applies; the account is an applicant until an admin vets it."""
    return await bus.forward(identity("apply_as_professional"), caller, body)


@router.get("/me/professional-application", response_model=MyApplication)
async def my_application(caller: CallerDep, bus: BusDep) -> Response:
    return await bus.forward(identity("my_application"), caller)


@router.post("/me/professional-application/information", response_model=MyApplication)
async def provide_information(body: ProvideInformation, caller: CallerDep,
                              bus: BusDep) -> Response:
    """Answer the admin's questions: the application returns to the queue."""
    return await bus.forward(identity("provide_information"), caller, body)


@router.get("/admin/professional-applications", response_model=ApplicationPage)
async def list_applications(
        caller: CallerDep, bus: BusDep,
        status: Annotated[Literal["pending", "information_requested", "approved",
                                  "rejected"] | None, Query()] = None,
        limit: Annotated[int, Query(ge=1, le=100)] = 20,
        cursor: Annotated[str | None, Query(max_length=200)] = None) -> Response:
    """The vetting queue, oldest first."""
    query = ApplicationFilter(status=status, limit=limit, cursor=cursor)
    return await bus.forward(identity("list_applications"), caller, query)


@router.get("/admin/professional-applications/{application_id}",
            response_model=ApplicationForAdmin)
async def get_application(application_id: UUID, caller: CallerDep, bus: BusDep) -> Response:
    return await bus.forward(identity("get_application"), caller,
                             ApplicationRef(application_id=application_id))


@router.post("/admin/professional-applications/{application_id}/decision",
             response_model=ApplicationForAdmin)
async def decide(application_id: UUID, caller: CallerDep, bus: BusDep,
                 decision: Annotated[Literal["approve", "reject", "request_info"], Body()],
                 reason: Annotated[str, Body(min_length=1, max_length=2000)]) -> Response:
    body = Decide(application_id=application_id, decision=decision, reason=reason)
    return await bus.forward(identity("decide_application"), caller, body)


@router.put("/admin/users/{user_id}/roles", response_model=RolesSet)
async def set_roles(user_id: UUID, caller: CallerDep, bus: BusDep,
                    roles: Annotated[list[StaffRole], Body(max_length=8, embed=True)],
                    reason: Annotated[str | None, Body(max_length=500)] = None) -> Response:
    """The staff roles the user holds from now on (their base role is kept)."""
    body = SetRoles(user_id=user_id, roles=roles, reason=reason)
    return await bus.forward(identity("set_roles"), caller, body)


@router.get("/admin/users/{user_id}/history", response_model=UserHistory)
async def user_history(user_id: UUID, caller: CallerDep, bus: BusDep) -> Response:
    """Every event of the person's account and applications: who decided what, when, why."""
    return await bus.forward(identity("user_history"), caller, UserRef(user_id=user_id))
