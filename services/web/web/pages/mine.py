"""What a person holds here: a professional's application, their consents, and erasure."""

from typing import get_args

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from contracts.identity.messages import Purpose
from web.edge import call, fetch, posted, see_other, session_of, signed_in
from web.i18n import translator
from web.problems import FormErrors, Problem, form_errors
from web.render import page

ERASE_CONFIRMATION = "understood"


async def application_page(request: Request, status: int = 200,
                           errors: FormErrors | None = None) -> Response:
    signed_in(request)
    application = await fetch(request, "/v1/me/professional-application")
    return page(request, "my_application.html", status, application=application,
                errors=errors or FormErrors())


async def my_application(request: Request) -> Response:
    return await application_page(request)


async def answer_admin(request: Request) -> Response:
    signed_in(request)
    form = await posted(request)
    reply = await call(request, "POST", "/v1/me/professional-application/information",
                       json={"answer": str(form.get("answer", ""))})
    if not reply.ok:
        return await application_page(request, 422 if reply.status < 500 else 502,
                                      form_errors(reply.problem, ("answer",)))
    session_of(request).flash = "flash.answered"
    return see_other("/my/application")


async def data_page(request: Request, status: int = 200,
                    errors: FormErrors | None = None) -> Response:
    signed_in(request)
    consents = await fetch(request, "/v1/me/consents")
    given = {c["purpose"]: c["version"] for c in consents["items"]}
    return page(request, "my_data.html", status, given=given, purposes=get_args(Purpose),
                errors=errors or FormErrors())


async def my_data(request: Request) -> Response:
    return await data_page(request)


async def change_consent(request: Request) -> Response:
    """Give a consent (its current version), or withdraw it."""
    signed_in(request)
    form = await posted(request)
    purpose = str(form.get("purpose", ""))
    if form.get("give") == "true":
        version = request.app.state.settings.consent_version
        reply = await call(request, "POST", "/v1/me/consents",
                           json={"purpose": purpose, "version": version})
    else:
        reply = await call(request, "DELETE", f"/v1/me/consents/{purpose}")
    if not reply.ok:
        return await data_page(request, 422 if reply.status < 500 else 502,
                               form_errors(reply.problem, ()))
    session_of(request).flash = "flash.consents_saved"
    return see_other("/my/data")


async def erase_me(request: Request) -> Response:
    """Erase the person everywhere, once they ticked that they understand."""
    signed_in(request)
    form = await posted(request)
    if form.get("confirm") != ERASE_CONFIRMATION:
        message = translator(request.state.language)("data.erase_unconfirmed")
        problem = Problem(422, "", errors=(("confirm", message),))
        return await data_page(request, 422, form_errors(problem, ("confirm",)))
    reply = await call(request, "DELETE", "/v1/me")
    if not reply.ok:
        return await data_page(request, 422 if reply.status < 500 else 502,
                               form_errors(reply.problem, ()))
    request.state.session = await request.app.state.sessions.renew(session_of(request))
    request.state.session.flash = "flash.erased"
    return see_other("/")


ROUTES = [
    Route("/my/application", my_application, methods=["GET"]),
    Route("/my/application/information", answer_admin, methods=["POST"]),
    Route("/my/data", my_data, methods=["GET"]),
    Route("/my/data/consents", change_consent, methods=["POST"]),
    Route("/my/data/erase", erase_me, methods=["POST"]),
]
