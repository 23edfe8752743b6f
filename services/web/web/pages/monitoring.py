"""What the PV roles watch: the relay queue to the regulator and the signals table."""

from typing import Any, get_args

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from contracts.pharmacovigilance.messages import RelayState
from web.chart import prr_chart
from web.edge import call, fetch, signed_in
from web.problems import FormErrors, Problem, form_errors
from web.render import page

PV_ROLES = ("pv_officer", "regulator_liaison")
SIGNAL_COLUMNS = ("medicine", "reaction", "a", "prr", "ror", "chi2", "ic025")


async def relay(request: Request) -> Response:
    signed_in(request, *PV_ROLES)
    chosen = {k: v for k in ("state", "cursor") if (v := request.query_params.get(k))}
    queue = await fetch(request, "/v1/pv/relay", params={"limit": 50, **chosen})
    return page(request, "console/relay.html", queue=queue, chosen=chosen,
                states=get_args(RelayState))


async def signals(request: Request) -> Response:
    """The pairs, sorted by the column asked for (the strongest first), Evans's marked."""
    signed_in(request, *PV_ROLES)
    min_count = request.query_params.get("min_count", "3")
    column = request.query_params.get("sort", "prr")
    column = column if column in SIGNAL_COLUMNS else "prr"
    rows = (await fetch(request, "/v1/pv/signals", params={"min_count": min_count}))["items"]
    rows.sort(key=lambda row: _sort_key(row, column), reverse=column not in ("medicine",
                                                                              "reaction"))
    return page(request, "console/signals.html", rows=rows, column=column,
                min_count=min_count, columns=SIGNAL_COLUMNS, chart=prr_chart(rows))


def _sort_key(row: dict[str, Any], column: str) -> Any:
    value = row[column]
    return value if value is not None else float("-inf")


EXPORT_FIELDS = ("from", "to", "status")


async def exports(request: Request) -> Response:
    signed_in(request, "regulator_liaison")
    return page(request, "console/exports.html", errors=FormErrors(), values={})


async def export_download(request: Request) -> Response:
    """The period's zip, fetched with the liaison's token (the whole file: a period of a
    few thousand cases is some megabytes)."""
    signed_in(request, "regulator_liaison")
    chosen = {k: v for k in EXPORT_FIELDS if (v := request.query_params.get(k, "").strip())}
    reply = await call(request, "GET", "/v1/pv/exports", params=chosen)
    if not reply.ok:
        return page(request, "console/exports.html", 422 if reply.status < 500 else 502,
                    errors=form_errors(_unprefixed(reply.problem), EXPORT_FIELDS),
                    values=chosen)
    return Response(reply.content, media_type="application/zip", headers={
        "Content-Disposition": reply.headers.get("content-disposition", "attachment")})


def _unprefixed(problem: Problem) -> Problem:
    """The gateway names a query parameter `query.<name>`; the form names it `<name>`."""
    errors = tuple(("body" if field == "query" else field.removeprefix("query."), message)
                   for field, message in problem.errors)
    return Problem(problem.status, problem.title, problem.detail, errors)


ROUTES = [
    Route("/console/relay", relay, methods=["GET"]),
    Route("/console/signals", signals, methods=["GET"]),
    Route("/console/exports", exports, methods=["GET"]),
    Route("/console/exports/download", export_download, methods=["GET"]),
]
