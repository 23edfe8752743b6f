"""Policy inputs for the moderators and admins: a period's inputs by community and theme,
and the report the union takes to policy makers, as CSV or Markdown."""

from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from web.edge import call, fetch, relay, signed_in
from web.problems import FormErrors, form_errors
from web.render import page
from web.times import day_after, instant

READERS = ("moderator", "admin")
FORMATS = {"csv": "csv", "md": "markdown"}  # the download's extension: the API's format
PAGE = 50  # inputs on a page


async def _chosen(request: Request,
                  ) -> tuple[dict[str, str], dict[str, str], list[dict[str, Any]]]:
    """The filters as typed (to show again), and as the API's query: a day's start for
    `from`, the end of the `to` day (the API's `to` is exclusive)."""
    communities = (await fetch(request, "/v1/communities"))["items"]
    slugs = {c["slug"] for c in communities}
    asked = request.query_params
    chosen = {"community": asked.get("community", "") if asked.get("community") in slugs
              else "", "from": asked.get("from", "").strip()[:10],
              "to": asked.get("to", "").strip()[:10]}
    params = {"community": chosen["community"], "from": instant(chosen["from"]),
              "to": day_after(chosen["to"])}
    return chosen, {k: v for k, v in params.items() if v}, communities


def _page_number(request: Request) -> int:
    """The page asked for (`page`, from 1); anything else is the first."""
    asked = request.query_params.get("page", "")
    return int(asked) if asked.isdigit() and 0 < int(asked) < 1_000_000 else 1


async def policy_inputs(request: Request) -> Response:
    """PAGE inputs at a time. The API has no cursor for policy inputs (it answers a
    period's inputs whole), so the pages are cut here from its answer, in its order: a
    phone gets PAGE inputs, not a long period's all."""
    signed_in(request, *READERS)
    chosen, params, communities = await _chosen(request)
    reply = await call(request, "GET", "/v1/policy-inputs", params=params)
    every: list[dict[str, Any]] = reply.body["items"] if reply.ok else []
    errors = FormErrors() if reply.ok else form_errors(reply.problem, {"from", "to"})
    query = urlencode({k: v for k, v in chosen.items() if v})
    pages = max(1, -(-len(every) // PAGE))
    number = min(_page_number(request), pages)
    first = (number - 1) * PAGE
    items = every[first:first + PAGE]

    def link(to: int) -> str:
        return "/console/policy-inputs?" + urlencode(
            {**{k: v for k, v in chosen.items() if v}, **({"page": str(to)} if to > 1 else {})})
    return page(request, "console/policy_inputs.html", 200 if reply.ok else 422,
                items=items, total=len(every), first=first + 1, last=first + len(items),
                previous=link(number - 1) if number > 1 else None,
                next=link(number + 1) if number < pages else None,
                chosen=chosen, communities=communities, errors=errors, query=query)


async def report(request: Request) -> Response:
    """The API's report, streamed through, saved by the browser under a name of its period."""
    signed_in(request, *READERS)
    extension = request.path_params["extension"]
    if extension not in FORMATS:
        return page(request, "error.html", 404, heading="error.not_found", detail=None)
    chosen, params, _ = await _chosen(request)
    response = await relay(request, "/v1/policy-inputs",
                           params={**params, "format": FORMATS[extension]})
    period = "-".join(p for p in (chosen["community"], chosen["from"], chosen["to"]) if p)
    name = f"policy-inputs{'-' + period if period else ''}.{extension}"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


ROUTES = [
    Route("/console/policy-inputs", policy_inputs, methods=["GET"]),
    Route("/console/policy-inputs/report.{extension:str}", report, methods=["GET"]),
]
