"""Signing up, in and out, the language chosen, and a professional's application."""

from typing import get_args

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from contracts.identity.messages import LANGUAGES, Profession
from web.edge import call, posted, see_other, session_of
from web.forms import Field, Fieldset, Form, choices, once
from web.i18n import LANGUAGE_COOKIE, languages
from web.problems import form_errors
from web.render import page
from web.sessions import Tokens, User

CONSENTS = ("terms", "health_data_processing", "adr_follow_up_contact")
YEAR_S = 365 * 24 * 3600

SIGN_IN = Form((Fieldset("signin.legend", (
    Field("username", "signin.username", autocomplete="username", required=True),
    Field("password", "signin.password", "password", autocomplete="current-password",
          required=True))),), hidden=("next",))

SIGN_UP = Form((
    Fieldset("signup.you", (
        Field("display_name", "signup.display_name", autocomplete="nickname", required=True,
              hint="signup.display_name_hint"),
        Field("email", "signup.email", "email", autocomplete="email"),
        Field("phone", "signup.phone", "tel", autocomplete="tel", hint="signup.phone_hint"),
        Field("password", "signup.password", "password", autocomplete="new-password",
              required=True, hint="signup.password_hint"),
        choices("role", "signup.role", ("patient", "caregiver"), "role", default="patient"),
        choices("preferred_language", "signup.language", LANGUAGES, "language"))),
    Fieldset("signup.consents", tuple(
        Field(f"consents.{c}", f"consent.{c}", "checkbox", required=c == "terms")
        for c in CONSENTS)),
))

APPLY = Form((Fieldset("apply.legend", (
    Field("full_name", "apply.full_name", autocomplete="name", required=True),
    Field("email", "signup.email", "email", autocomplete="email", required=True),
    Field("phone", "signup.phone", "tel", autocomplete="tel"),
    choices("profession", "apply.profession", get_args(Profession), "profession"),
    Field("registration_council", "apply.council", required=True),
    Field("registration_number", "apply.number", required=True),
    Field("qualification", "apply.qualification", required=True),
    Field("workplace", "apply.workplace", required=True),
    Field("password", "signup.password", "password", autocomplete="new-password",
          required=True, hint="signup.password_hint"))),))


def safe_next(target: str | None) -> str:
    """Only a path of this site: never another site after signing in."""
    target = target or ""
    return target if target.startswith("/") and not target.startswith(("//", "/\\")) else "/"


async def sign_in_form(request: Request) -> Response:
    next_page = safe_next(request.query_params.get("next"))
    return page(request, "signin.html", form=SIGN_IN, values={"next": next_page})


async def sign_in(request: Request) -> Response:
    form = await posted(request)
    reply = await call(request, "POST", "/v1/auth/token", data={
        "username": str(form.get("username", "")), "password": str(form.get("password", ""))})
    if not reply.ok:
        return page(request, "signin.html", 400 if reply.status < 500 else reply.status,
                    form=SIGN_IN, errors=form_errors(reply.problem, ()),
                    values={"username": form.get("username", ""), "next": form.get("next")})
    preferred = await start_session(request, Tokens.issued(reply.body))
    response = see_other(landing(request, str(form.get("next", ""))))
    if preferred and LANGUAGE_COOKIE not in request.cookies:
        remember_language(request, response, preferred)
    return response


async def start_session(request: Request, tokens: Tokens) -> str | None:
    """A fresh session id for the signed-in user, with who they are; their preferred
    language."""
    session = await request.app.state.sessions.renew(session_of(request))
    session.tokens = tokens
    request.state.session = session
    me = await call(request, "GET", "/v1/me")
    if not me.ok:
        return None
    session.user = User(str(me.body["user_id"]), str(me.body["display_name"]),
                        tuple(me.body["roles"]), bool(me.body["verified"]))
    return str(me.body.get("preferred_language") or "")


def remember_language(request: Request, response: Response, language: str) -> None:
    """The UI's language from now on, if it has a catalogue."""
    if language in languages():
        response.set_cookie(LANGUAGE_COOKIE, language, max_age=YEAR_S, samesite="lax",
                            secure=request.app.state.settings.production, httponly=True)


def landing(request: Request, asked: str) -> str:
    user = session_of(request).user
    if safe_next(asked) != "/":
        return safe_next(asked)
    if user is not None and user.has_any("pv_officer", "regulator_liaison"):
        return "/console/cases"
    if user is not None and user.has_any("admin"):
        return "/console/applications"
    if user is not None and user.has_any("moderator"):
        return "/console/moderation"
    if user is not None and user.has_any("pharmacist_reviewer"):
        return "/console/drug-queries"
    if user is not None and user.has_any("applicant"):
        return "/my/application"
    return "/"


async def sign_up_form(request: Request) -> Response:
    return page(request, "signup.html", form=SIGN_UP,
                values={**SIGN_UP.defaults(), "preferred_language": request.state.language})


async def sign_up(request: Request) -> Response:
    form = await posted(request)
    body = SIGN_UP.body(form)
    version = request.app.state.settings.consent_version
    body["consents"] = [{"purpose": purpose, "version": version}
                        for purpose, given in body.pop("consents", {}).items() if given]
    reply = await call(request, "POST", "/v1/accounts", json=body, headers=once(form))
    if not reply.ok:
        return page(request, "signup.html", 422 if reply.status < 500 else reply.status,
                    form=SIGN_UP, errors=form_errors(reply.problem, SIGN_UP.names),
                    values=SIGN_UP.values(form))
    issued = await call(request, "POST", "/v1/auth/token", data={
        "username": body.get("email") or body.get("phone"), "password": body["password"]})
    if not issued.ok:
        return see_other("/signin")
    preferred = await start_session(request, Tokens.issued(issued.body))
    session_of(request).flash = "flash.welcome"
    response = see_other("/")
    if preferred and LANGUAGE_COOKIE not in request.cookies:
        remember_language(request, response, preferred)
    return response


async def sign_out(request: Request) -> Response:
    await posted(request)
    session = session_of(request)
    if session.tokens is not None:
        await call(request, "POST", "/v1/auth/logout",
                   json={"refresh_token": session.tokens.refresh})
    request.state.session = await request.app.state.sessions.renew(session)
    request.state.session.flash = "flash.signed_out"
    return see_other("/")


async def choose_language(request: Request) -> Response:
    form = await posted(request)
    language = str(form.get("language", ""))
    response = see_other(safe_next(str(form.get("next", "/"))))
    remember_language(request, response, language)
    return response


async def apply_form(request: Request) -> Response:
    return page(request, "apply.html", form=APPLY, values={})


async def apply(request: Request) -> Response:
    form = await posted(request)
    body = {**APPLY.body(form), "preferred_language": request.state.language}
    reply = await call(request, "POST", "/v1/professional-applications", json=body,
                       headers=once(form))
    if not reply.ok:
        return page(request, "apply.html", 422 if reply.status < 500 else reply.status,
                    form=APPLY, errors=form_errors(reply.problem, APPLY.names),
                    values=APPLY.values(form))
    session_of(request).flash = "flash.applied"
    return see_other("/signin")


ROUTES = [
    Route("/signin", sign_in_form, methods=["GET"]),
    Route("/signin", sign_in, methods=["POST"]),
    Route("/signup", sign_up_form, methods=["GET"]),
    Route("/signup", sign_up, methods=["POST"]),
    Route("/signout", sign_out, methods=["POST"]),
    Route("/language", choose_language, methods=["POST"]),
    Route("/apply", apply_form, methods=["GET"]),
    Route("/apply", apply, methods=["POST"]),
]
