"""What the PV roles watch: the relay queue to the regulator and the signals table."""

from typing import Any, get_args

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from contracts.pharmacovigilance.messages import RelayState
from web.chart import prr_chart
from web.edge import ApiFailure, fetch, signed_in
from web.edge import relay as stream_through
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
    """The period's zip, fetched with the liaison's token and streamed through as the API
    sends it, its Content-Length kept: the browser's own download shows how far it is
    (the API has no export job to poll, so there is no progress page before the first
    byte: the API gathers the period first). A refusal is the form, its errors beside
    the dates."""
    signed_in(request, "regulator_liaison")
    chosen = {k: v for k in EXPORT_FIELDS if (v := request.query_params.get(k, "").strip())}
    try:
        response = await stream_through(request, "/v1/pv/exports", params=chosen)
    except ApiFailure as failure:
        reply = failure.reply
        return page(request, "console/exports.html", 422 if reply.status < 500 else 502,
                    errors=form_errors(_unprefixed(reply.problem), EXPORT_FIELDS),
                    values=chosen)
    response.headers.setdefault("content-disposition", "attachment")
    return response


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
