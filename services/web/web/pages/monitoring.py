"""What the PV roles watch: the relay queue to the regulator and the signals table."""

from typing import Any, get_args

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from contracts.pharmacovigilance.messages import RelayState
from web.edge import fetch, signed_in
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
                min_count=min_count, columns=SIGNAL_COLUMNS)


def _sort_key(row: dict[str, Any], column: str) -> Any:
    value = row[column]
    return value if value is not None else float("-inf")


ROUTES = [
    Route("/console/relay", relay, methods=["GET"]),
    Route("/console/signals", signals, methods=["GET"]),
]
