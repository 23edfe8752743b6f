"""Providers and their ratings (issue 12): the directory of doctors, hospitals and clinics,
and government schemes; a provider's page with its score, histogram, criteria and reviews;
the member's one rating (given, revised, withdrawn); the rated professional's reply; a
review reported; a provider suggested."""

from typing import Any, get_args

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from contracts.identity.messages import LANGUAGES
from contracts.ratings.messages import CRITERIA, FlagBody, HospitalType, Kind
from web.edge import ApiFailure, call, fetch, posted, see_other, session_of, signed_in
from web.forms import Field, Fieldset, Form, choices, once
from web.problems import FormErrors, form_errors
from web.render import page

KINDS: tuple[str, ...] = get_args(Kind)
SORTS = ("score", "count", "recent")
STARS = ("1", "2", "3", "4", "5")
FLAG_REASONS: tuple[str, ...] = get_args(FlagBody.model_fields["reason"].annotation)
FILTERS = ("q", "city", "state", "speciality")
PAGE = 20  # providers a page; the API's next_cursor leads to the next
REVIEWS = 10


def rate_form(kind: str, language: str) -> Form:
    """Stars (radio buttons), the kind's criteria (1-5 each, optional), review, language."""
    return Form((Fieldset("rate.legend", (
        choices("stars", "rate.stars", STARS, "rate.star", required=True),
        *(choices(f"criteria.{c}", f"criterion.{c}", STARS, "rate.star", blank=True)
          for c in CRITERIA.get(kind, ())),
        Field("review", "rate.review", "textarea", hint="rate.review_hint"),
        choices("language", "rate.language", LANGUAGES, "language", default=language))),))


REPLY = Form((Fieldset("reply.legend", (
    Field("text", "reply.text", "textarea", required=True),)),))
FLAG = Form((Fieldset("review_flag.legend", (
    choices("reason", "review_flag.reason", FLAG_REASONS, "review_flag_reason",
            blank=True),)),))
SUGGEST = Form((Fieldset("suggest.legend", (
    choices("kind", "suggest.kind", ("doctor", "hospital"), "provider_kind"),
    Field("name", "suggest.name", required=True),
    Field("speciality", "suggest.speciality", hint="suggest.speciality_hint"),
    choices("type", "suggest.type", get_args(HospitalType), "hospital_type", blank=True,
            hint="suggest.type_hint"),
    Field("city", "suggest.city"),
    Field("state", "suggest.state"),
    Field("pincode", "suggest.pincode"))),))


def _status_of(reply_status: int) -> int:
    """A refusal shown on the page: the API's 4xx as it was, anything else a bad gateway."""
    return reply_status if 400 <= reply_status < 500 else 502


async def directory(request: Request) -> Response:
    asked = request.query_params
    chosen = {"kind": asked.get("kind", "") if asked.get("kind") in KINDS else "",
              "sort": asked.get("sort", "") if asked.get("sort") in SORTS else "score",
              **{name: asked.get(name, "").strip()[:100] for name in FILTERS}}
    cursor = asked.get("cursor", "")[:200]
    params: dict[str, Any] = {k: v for k, v in chosen.items() if v}
    params["limit"] = PAGE
    if cursor:
        params["cursor"] = cursor
    reply = await call(request, "GET", "/v1/providers", params=params)
    errors, providers, after, status = FormErrors(), [], None, 200
    if reply.ok:
        providers, after = reply.body["items"], reply.body.get("next_cursor")
    elif reply.status in (400, 422):
        status, errors = 422, form_errors(reply.problem, {*FILTERS, "sort", "kind", "cursor"})
    else:
        raise ApiFailure(reply)
    return page(request, "providers.html", status, providers=providers, chosen=chosen,
                after=after, kinds=KINDS, sorts=SORTS, errors=errors,
                query={k: v for k, v in chosen.items() if v})


def _mine(request: Request, provider: dict[str, Any]) -> bool:
    """The signed-in verified professional looking at their own page: a doctor is the
    provider of their own account's id."""
    user = session_of(request).user
    return bool(user and user.verified and provider["kind"] == "doctor"
                and user.user_id == str(provider["provider_id"]))


async def provider_page(request: Request, status: int = 200, *, failed: str = "",
                        errors: FormErrors | None = None,
                        values: dict[str, Any] | None = None) -> Response:
    provider_id = str(request.path_params["provider_id"])
    provider = await fetch(request, f"/v1/providers/{provider_id}")
    cursor = request.query_params.get("reviews", "")[:200]
    reviews = await fetch(request, f"/v1/providers/{provider_id}/reviews",
                          params={"limit": REVIEWS, **({"cursor": cursor} if cursor else {})})
    mine = await _my_rating(request, provider_id)
    form = rate_form(provider["kind"], request.state.language)
    rate_values = (values if failed == "rate" else None) or (
        mine["values"] if mine else form.defaults())
    histogram = provider["rating"]["histogram"]
    most = max([int(v) for v in histogram.values()] or [0])
    return page(request, "provider.html", status, provider=provider, reviews=reviews,
                form=form, reply_form=REPLY, flag_form=FLAG, mine=mine,
                own_page=_mine(request, provider), failed=failed,
                errors=errors or FormErrors(), values=values or {},
                rate_values=rate_values,
                rate_errors=(errors or FormErrors()) if failed == "rate" else FormErrors(),
                most=most, stars=STARS,
                criteria=CRITERIA.get(provider["kind"], ()))


async def provider(request: Request) -> Response:
    return await provider_page(request)


async def rate(request: Request) -> Response:
    """PUT my-rating: a first rating or its revision; what the API said of it (held for a
    moderator, and why) is kept for the page to show."""
    signed_in(request)
    form_data = await posted(request)
    provider_id = str(request.path_params["provider_id"])
    known = await fetch(request, f"/v1/providers/{provider_id}")
    form = rate_form(known["kind"], request.state.language)
    reply = await call(request, "PUT", f"/v1/providers/{provider_id}/my-rating",
                       json=form.body(form_data))
    if not reply.ok:
        return await provider_page(request, _status_of(reply.status), failed="rate",
                                   errors=form_errors(reply.problem, {*form.names, "criteria"}),
                                   values=form.values(form_data))
    session_of(request).flash = ("flash.rating_revised" if reply.body["revised"]
                                 else "flash.rating_given")
    return see_other(f"/providers/{provider_id}#your-rating")


async def withdraw(request: Request) -> Response:
    signed_in(request)
    form_data = await posted(request)
    provider_id = str(request.path_params["provider_id"])
    reply = await call(request, "DELETE", f"/v1/providers/{provider_id}/my-rating")
    if not reply.ok and reply.status != 404:
        return await provider_page(request, _status_of(reply.status), failed="withdraw",
                                   errors=form_errors(reply.problem, ()))
    session_of(request).flash = ("flash.rating_withdrawn" if reply.ok
                                 else "flash.rating_none")
    if form_data.get("back") == "my":  # withdrawn from the list of my ratings
        return see_other("/my/ratings")
    return see_other(f"/providers/{provider_id}")


async def my_ratings(request: Request) -> Response:
    """Every rating the user gave (GET /v1/me/ratings), latest first, each where it stands
    (counted, held and why, hidden), to revise (on the provider's page, prefilled) or
    withdraw; a page at a time."""
    signed_in(request)
    cursor = request.query_params.get("cursor", "")[:200]
    found = await fetch(request, "/v1/me/ratings", params={
        "limit": PAGE, **({"cursor": cursor} if cursor else {})})
    mine = [{**_as_form(item), "name": item["provider_name"], "kind": item["kind"]}
            for item in found["items"]]
    return page(request, "my_ratings.html", ratings=mine, next_cursor=found["next_cursor"])


async def _my_rating(request: Request, provider_id: str) -> dict[str, Any] | None:
    """The signed-in user's rating of the provider as the API holds it; None: none."""
    if not session_of(request).signed_in:
        return None
    reply = await call(request, "GET", f"/v1/providers/{provider_id}/my-rating")
    return _as_form(reply.body) if reply.ok and isinstance(reply.body, dict) else None


def _as_form(rating: dict[str, Any]) -> dict[str, Any]:
    """A rating as the page shows it, its values as the rate form's fields hold them."""
    values = {"stars": str(rating["stars"]), "review": rating.get("review") or "",
              "language": rating["language"],
              **{f"criteria.{c}": str(v) for c, v in rating["criteria"].items()}}
    return {"provider_id": str(rating["provider_id"]), "rating_id": str(rating["rating_id"]),
            "status": rating["status"], "notices": rating["notices"], "values": values}


async def reply_to_review(request: Request) -> Response:
    signed_in(request)
    form_data = await posted(request)
    provider_id = str(request.path_params["provider_id"])
    review_id = str(request.path_params["review_id"])
    reply = await call(request, "POST",
                       f"/v1/providers/{provider_id}/reviews/{review_id}/reply",
                       json=REPLY.body(form_data))
    if not reply.ok:
        return await provider_page(request, _status_of(reply.status),
                                   failed=f"reply-{review_id}",
                                   errors=form_errors(reply.problem, REPLY.names),
                                   values=REPLY.values(form_data))
    session_of(request).flash = "flash.review_replied"
    return see_other(f"/providers/{provider_id}#review-{review_id}")


async def flag_review(request: Request) -> Response:
    signed_in(request)
    form_data = await posted(request)
    provider_id = str(request.path_params["provider_id"])
    review_id = str(request.path_params["review_id"])
    reply = await call(request, "POST",
                       f"/v1/providers/{provider_id}/reviews/{review_id}/flags",
                       json=FLAG.body(form_data))
    if not reply.ok:
        return await provider_page(request, _status_of(reply.status),
                                   failed=f"flag-{review_id}",
                                   errors=form_errors(reply.problem, FLAG.names),
                                   values=FLAG.values(form_data))
    session_of(request).flash = "flash.review_reported"
    return see_other(f"/providers/{provider_id}#review-{review_id}")


async def suggest_page(request: Request, status: int = 200,
                       errors: FormErrors | None = None,
                       values: dict[str, str] | None = None) -> Response:
    signed_in(request)
    sent = request.query_params.get("sent", "")[:36]
    return page(request, "suggest_provider.html", status, form=SUGGEST,
                errors=errors or FormErrors(), values=values or SUGGEST.defaults(),
                sent=sent)


async def suggest(request: Request) -> Response:
    return await suggest_page(request)


async def send_suggestion(request: Request) -> Response:
    signed_in(request)
    form_data = await posted(request)
    reply = await call(request, "POST", "/v1/providers", json=SUGGEST.body(form_data),
                       headers=once(form_data))
    if not reply.ok:
        return await suggest_page(request, _status_of(reply.status),
                                  form_errors(reply.problem, SUGGEST.names),
                                  SUGGEST.values(form_data))
    provider_id = reply.body["provider_id"]
    if reply.body["status"] == "listed":  # an admin's: listed at once
        session_of(request).flash = "flash.provider_listed"
        return see_other(f"/providers/{provider_id}")
    session_of(request).flash = "flash.provider_suggested"
    return see_other(f"/providers/suggest?sent={provider_id}")


ROUTES = [
    Route("/providers", directory, methods=["GET"]),
    Route("/my/ratings", my_ratings, methods=["GET"]),
    Route("/providers/suggest", suggest, methods=["GET"]),
    Route("/providers/suggest", send_suggestion, methods=["POST"]),
    Route("/providers/{provider_id:uuid}", provider, methods=["GET"]),
    Route("/providers/{provider_id:uuid}/rating", rate, methods=["POST"]),
    Route("/providers/{provider_id:uuid}/rating/withdraw", withdraw, methods=["POST"]),
    Route("/providers/{provider_id:uuid}/reviews/{review_id:uuid}/reply", reply_to_review,
          methods=["POST"]),
    Route("/providers/{provider_id:uuid}/reviews/{review_id:uuid}/flag", flag_review,
          methods=["POST"]),
]
