"""Project FAITH (assistance with a treatment's cost): a member checks which government
schemes may pay first, applies for themselves or on someone's behalf, follows their
applications' timelines and uploads the documents asked for; the assistance officers'
queue (most urgent, then oldest, first), the case page with each step of the case work,
and the fund (its balance, its sponsors, a sponsorship recorded)."""

from decimal import Decimal, InvalidOperation
from typing import Any, get_args

from starlette.datastructures import FormData, UploadFile
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from contracts.assistance.messages import (
    MAX_DOCUMENT_BYTES,
    DiseaseArea,
    DocumentKind,
    HospitalType,
    IncomeBracket,
    Outcome,
    Relation,
    Status,
    Urgency,
)
from web.edge import call, fetch, posted, relay, see_other, session_of, signed_in
from web.forms import Field, Fieldset, Form, choices, once
from web.i18n import translator
from web.problems import FormErrors, form_errors, summary
from web.render import page

OFFICERS = ("assistance_officer",)
FUND_STAFF = ("assistance_officer", "admin")
AREAS, HOSPITALS, INCOMES = get_args(DiseaseArea), get_args(HospitalType), get_args(IncomeBracket)
URGENCIES, RELATIONS, KINDS = get_args(Urgency), get_args(Relation), get_args(DocumentKind)
STATUSES, OUTCOMES = get_args(Status), get_args(Outcome)
AMOUNTS = ("estimate", "amount")  # typed in rupees, sent in paise
FILE_FIELD = "file"
MAX_UPLOAD_BYTES = MAX_DOCUMENT_BYTES + 64 * 1024  # the API's limit and the form around it

ELIGIBILITY = Form((Fieldset("assist.eligibility_legend", (
    Field("patient_age", "assist.patient_age", "number", required=True),
    choices("disease_area", "assist.disease_area", AREAS, "assist.area", required=True),
    choices("hospital_type", "assist.hospital_type", HOSPITALS, "assist.hospital",
            required=True),
    Field("hospital_state", "assist.hospital_state", required=True, hint="assist.state_hint"),
    choices("income_bracket", "assist.income", INCOMES, "assist.income_bracket",
            required=True))),))


def apply_form(officer: bool) -> Form:
    """The application; a caseworker (an assistance officer) names the applicant's
    account."""
    patient = Fieldset("assist.patient_legend", (
        choices("relation", "assist.relation", RELATIONS, "assist.relation_of", required=True,
                hint="assist.relation_hint"),
        Field("patient_name", "assist.patient_name", required=True),
        Field("patient_age", "assist.patient_age", "number", required=True),
        Field("diagnosis", "assist.diagnosis", "textarea", required=True),
        choices("disease_area", "assist.disease_area", AREAS, "assist.area", required=True),
        choices("income_bracket", "assist.income", INCOMES, "assist.income_bracket",
                required=True)))
    treatment = Fieldset("assist.treatment_legend", (
        Field("hospital.name", "assist.hospital_name", required=True),
        choices("hospital.type", "assist.hospital_type", HOSPITALS, "assist.hospital",
                required=True),
        Field("hospital.state", "assist.hospital_state", required=True),
        Field("estimate", "assist.estimate", required=True, hint="assist.rupees_hint"),
        Field("treatment_start", "assist.treatment_start", "date", required=True),
        Field("treatment_end", "assist.treatment_end", "date"),
        choices("urgency", "assist.urgency", URGENCIES, "assist.urgency_of",
                default="normal"),
        choices("payee.kind", "assist.payee", ("hospital", "bank"), "assist.payee_of",
                hint="assist.payee_hint"),
        Field("payee.details", "assist.payee_details", "textarea")))
    sets: tuple[Fieldset, ...] = (patient, treatment)
    if officer:
        sets = (*sets, Fieldset("assist.caseworker_legend", (
            Field("applicant_id", "assist.applicant_id", hint="assist.applicant_id_hint"),)))
    return Form(sets)


UPLOAD = Form((Fieldset("assist.upload_legend", (
    choices("kind", "assist.document_kind", KINDS, "assist.kind", required=True),)),))

# The case work, one form each: (its action, the API's path, the form).
REQUEST_DOCUMENTS = Form((Fieldset("assist.request_documents", (
    *(Field(f"documents.{kind}", f"assist.kind.{kind}", "checkbox") for kind in KINDS),
    Field("reason", "assist.reason", "textarea", required=True,
          hint="assist.reason_hint"))),))
VERIFY = Form((Fieldset("assist.verify", (
    Field("note", "assist.verify_note", "textarea", required=True),)),))
APPROVE = Form((Fieldset("assist.approve", (
    Field("amount", "assist.amount", required=True, hint="assist.rupees_hint"),
    Field("reason", "assist.reason", "textarea", required=True,
          hint="assist.reason_hint"))),))
REJECT = Form((Fieldset("assist.reject", (
    Field("reason", "assist.reason", "textarea", required=True,
          hint="assist.reason_hint"),)),))
REFER = Form((Fieldset("assist.refer", (
    Field("scheme", "assist.scheme", required=True, hint="assist.scheme_typed_hint"),
    Field("reason", "assist.reason", "textarea", required=True,
          hint="assist.reason_hint"))),))


def refer_form(schemes: list[dict[str, Any]]) -> Form:
    """The referral with the schemes of the API's directory to pick from (by name, in the
    page's language; the API takes the slug); the typed field when it gave none."""
    if not schemes:
        return REFER
    listed = sorted(schemes, key=lambda s: str(s["name"]).casefold())
    scheme = Field("scheme", "assist.scheme", "select", tuple(str(s["slug"]) for s in listed),
                   required=True, blank=True, hint="assist.scheme_hint",
                   option_names=tuple(str(s["name"]) for s in listed))
    return Form((Fieldset("assist.refer", (scheme, *REFER.fields[1:])),))
DISBURSE = Form((Fieldset("assist.disburse", (
    Field("amount", "assist.amount", required=True, hint="assist.rupees_hint"),
    choices("payee", "assist.payee", ("hospital", "bank"), "assist.payee_of"),
    Field("reference", "assist.payment_reference", required=True))),))
CLOSE = Form((Fieldset("assist.close", (
    choices("outcome", "assist.outcome", OUTCOMES, "assist.outcome_of", blank=True,
            required=True),
    Field("note", "assist.close_note", "textarea", required=True))),))
SPONSOR = Form((Fieldset("assist.sponsor_legend", (
    Field("sponsor", "assist.sponsor", required=True),
    Field("amount", "assist.amount", required=True, hint="assist.rupees_hint"),
    choices("restriction", "assist.restriction", AREAS, "assist.area", blank=True,
            hint="assist.restriction_hint"))),))

STEPS: dict[str, tuple[str, Form]] = {
    "request-documents": ("decision", REQUEST_DOCUMENTS),
    "verify": ("verification", VERIFY),
    "approve": ("decision", APPROVE),
    "reject": ("decision", REJECT),
    "refer": ("decision", REFER),
    "disburse": ("disbursements", DISBURSE),
    "close": ("closure", CLOSE),
}
DECISIONS = {"request-documents": "request_documents", "approve": "approve",
             "reject": "reject", "refer": "refer"}


def paise(typed: str) -> int | str:
    """Rupees as typed ("12,500", "₹ 1250.50") in paise; anything else as it was typed,
    for the API to refuse beside its field."""
    cleaned = typed.replace(",", "").replace("₹", "").strip()
    try:
        amount = Decimal(cleaned) * 100
    except InvalidOperation:
        return typed
    return int(amount) if amount == amount.to_integral_value() else typed


def body_of(form: Form, form_data: FormData) -> dict[str, Any]:
    body = form.body(form_data)
    for name in AMOUNTS:
        if isinstance(body.get(name), str):
            body[name] = paise(body[name])
    return body


def _params(request: Request, **extra: Any) -> dict[str, Any]:
    params: dict[str, Any] = {"limit": 20, **extra}
    if cursor := request.query_params.get("cursor"):
        params["cursor"] = cursor
    return params


def _failed(reply: Any) -> int:
    return 422 if reply.status < 500 else 502


# A member's pages.

async def check_page(request: Request, status: int = 200, errors: FormErrors | None = None,
                     values: dict[str, str] | None = None,
                     result: dict[str, Any] | None = None) -> Response:
    return page(request, "assistance.html", status, form=ELIGIBILITY, result=result,
                errors=errors or FormErrors(), values=values or ELIGIBILITY.defaults())


async def check_new(request: Request) -> Response:
    return await check_page(request)


async def check(request: Request) -> Response:
    form_data = await posted(request)
    reply = await call(request, "POST", "/v1/assistance/eligibility",
                       json=ELIGIBILITY.body(form_data))
    values = ELIGIBILITY.values(form_data)
    if not reply.ok:
        return await check_page(request, _failed(reply),
                                form_errors(reply.problem, ELIGIBILITY.names), values)
    return await check_page(request, values=values, result=reply.body)


def _officer(request: Request) -> bool:
    user = session_of(request).user
    return bool(user and user.has_any(*OFFICERS))


async def apply_page(request: Request, status: int = 200, errors: FormErrors | None = None,
                     values: dict[str, str] | None = None) -> Response:
    signed_in(request)
    form = apply_form(_officer(request))
    return page(request, "assistance_apply.html", status, form=form,
                errors=errors or FormErrors(), values=values or form.defaults())


async def apply_new(request: Request) -> Response:
    return await apply_page(request)


async def apply(request: Request) -> Response:
    signed_in(request)
    form_data = await posted(request)
    form = apply_form(_officer(request))
    reply = await call(request, "POST", "/v1/assistance/applications",
                       json=body_of(form, form_data), headers=once(form_data))
    if not reply.ok:
        return await apply_page(request, _failed(reply), form_errors(reply.problem,
                                                                     form.names),
                                form.values(form_data))
    session_of(request).flash = "flash.assistance_applied"
    return see_other(f"/my/assistance/{reply.body['application_id']}")


async def mine(request: Request) -> Response:
    signed_in(request)
    applications = await fetch(request, "/v1/me/assistance/applications",
                               params=_params(request))
    return page(request, "my_assistance.html", applications=applications)


async def application_page(request: Request, status: int = 200,
                           errors: FormErrors | None = None) -> Response:
    signed_in(request)
    application_id = str(request.path_params["application_id"])
    application = await fetch(request, f"/v1/assistance/applications/{application_id}")
    return page(request, "my_assistance_case.html", status, application=application,
                upload=UPLOAD, errors=errors or FormErrors(),
                values={"kind": (application["documents_outstanding"] or ["estimate"])[0]})


async def application(request: Request) -> Response:
    return await application_page(request)


async def upload(request: Request) -> Response:
    """A document sent on as it was chosen (multipart; the API judges its type and size)."""
    signed_in(request)
    if int(request.headers.get("content-length") or 0) > MAX_UPLOAD_BYTES:
        return page(request, "error.html", 413, heading="error.document_too_large",
                    detail=None)
    form_data = await posted(request)
    application_id = str(request.path_params["application_id"])
    chosen = form_data.get(FILE_FIELD)
    if not isinstance(chosen, UploadFile) or not chosen.filename or not chosen.size:
        t = translator(request.state.language)
        return await application_page(request, 422, FormErrors(fields={
            FILE_FIELD: t("assist.choose_file")}))
    reply = await call(
        request, "POST", f"/v1/assistance/applications/{application_id}/documents",
        data={"kind": str(form_data.get("kind", ""))},
        files={"file": (chosen.filename, chosen.file,
                        chosen.content_type or "application/octet-stream")})
    if not reply.ok:
        problem = reply.problem
        errors = form_errors(problem, {"kind", FILE_FIELD})
        if not errors.fields:
            errors = FormErrors(fields={FILE_FIELD: summary(problem)})
        return await application_page(request, _failed(reply), errors)
    session_of(request).flash = "flash.document_uploaded"
    return see_other(f"/my/assistance/{application_id}")


async def document(request: Request) -> Response:
    signed_in(request)
    application_id = request.path_params["application_id"]
    document_id = request.path_params["document_id"]
    return await relay(request, f"/v1/assistance/applications/{application_id}/documents/"
                                f"{document_id}")


# The assistance officers' console.

async def queue(request: Request) -> Response:
    signed_in(request, *OFFICERS)
    status = request.query_params.get("status", "")
    extra = {"status": status} if status in STATUSES else {}
    cases = await fetch(request, "/v1/assistance/queue", params=_params(request, **extra))
    return page(request, "console/assistance.html", cases=cases, statuses=STATUSES,
                chosen=extra.get("status", ""))


async def case_page(request: Request, status: int = 200, failed: str = "",
                    errors: FormErrors | None = None,
                    values: dict[str, str] | None = None) -> Response:
    signed_in(request, *OFFICERS)
    application_id = str(request.path_params["application_id"])
    application = await fetch(request, f"/v1/assistance/applications/{application_id}")
    listed = await call(request, "GET", "/v1/schemes")
    schemes = listed.body["items"] if listed.ok and isinstance(listed.body, dict) else []
    steps = {name: form for name, (_, form) in STEPS.items()}
    steps["refer"] = refer_form(schemes)
    return page(request, "console/assistance_case.html", status, application=application,
                steps=steps, failed=failed, errors=errors or FormErrors(),
                values=values or {})


async def case(request: Request) -> Response:
    return await case_page(request)


def step_body(step: str, form: Form, form_data: FormData) -> dict[str, Any]:
    body = body_of(form, form_data)
    if step == "request-documents":
        ticked = body.pop("documents", {})
        body["documents"] = [kind for kind in KINDS if ticked.get(kind)]
    if step in DECISIONS:
        body["decision"] = DECISIONS[step]
    return body


async def case_step(request: Request) -> Response:
    signed_in(request, *OFFICERS)
    form_data = await posted(request)
    application_id = str(request.path_params["application_id"])
    step = str(request.path_params["step"])
    if step not in STEPS:
        return page(request, "error.html", 404, heading="error.not_found", detail=None)
    path, form = STEPS[step]
    reply = await call(request, "POST", f"/v1/assistance/applications/{application_id}/{path}",
                       json=step_body(step, form, form_data))
    if not reply.ok:
        errors = form_errors(reply.problem, form.names)
        if step == "request-documents":  # `documents` is the group of check boxes
            for message in [m for m in errors.general if m.startswith("documents")]:
                errors.general.remove(message)
                errors.fields.setdefault(f"documents.{KINDS[0]}", message)
        return await case_page(request, _failed(reply), step, errors, form.values(form_data))
    session_of(request).flash = f"flash.assistance_{step.replace('-', '_')}"
    return see_other(f"/console/assistance/{application_id}")


async def fund_page(request: Request, status: int = 200, errors: FormErrors | None = None,
                    values: dict[str, str] | None = None) -> Response:
    signed_in(request, *FUND_STAFF)
    report = await fetch(request, "/v1/assistance/fund/report")
    return page(request, "console/fund.html", status, report=report, form=SPONSOR,
                errors=errors or FormErrors(), values=values or {})


async def fund(request: Request) -> Response:
    return await fund_page(request)


async def sponsor(request: Request) -> Response:
    signed_in(request, *FUND_STAFF)
    form_data = await posted(request)
    reply = await call(request, "POST", "/v1/assistance/sponsorships",
                       json=body_of(SPONSOR, form_data))
    if not reply.ok:
        return await fund_page(request, _failed(reply), form_errors(reply.problem,
                                                                    SPONSOR.names),
                               SPONSOR.values(form_data))
    session_of(request).flash = "flash.sponsorship_recorded"
    return see_other("/console/assistance/fund")


ROUTES = [
    Route("/assistance", check_new, methods=["GET"]),
    Route("/assistance", check, methods=["POST"]),
    Route("/assistance/apply", apply_new, methods=["GET"]),
    Route("/assistance/apply", apply, methods=["POST"]),
    Route("/my/assistance", mine, methods=["GET"]),
    Route("/my/assistance/{application_id:uuid}", application, methods=["GET"]),
    Route("/my/assistance/{application_id:uuid}/documents", upload, methods=["POST"]),
    Route("/assistance/{application_id:uuid}/documents/{document_id:uuid}", document,
          methods=["GET"]),
    Route("/console/assistance", queue, methods=["GET"]),
    Route("/console/assistance/fund", fund, methods=["GET"]),
    Route("/console/assistance/fund", sponsor, methods=["POST"]),
    Route("/console/assistance/{application_id:uuid}", case, methods=["GET"]),
    Route("/console/assistance/{application_id:uuid}/{step}", case_step, methods=["POST"]),
]
