"""A large survey's export in the survey managers' console: a job started from the results,
its page a progress bar that reloads itself until the file is written, then the file
relayed from the API (its Content-Length, and Range requests to resume)."""

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from web.edge import call, fetch, posted, relay, see_other, session_of, signed_in
from web.render import page

STAFF = ("survey_manager", "admin")


async def start_export(request: Request) -> Response:
    """An export job for a large survey, whose page shows its progress."""
    signed_in(request, *STAFF)
    await posted(request)
    survey_id = str(request.path_params["survey_id"])
    reply = await call(request, "POST", f"/v1/surveys/{survey_id}/exports")
    if not reply.ok:
        session_of(request).flash = "flash.survey_export_refused"
        return see_other(f"/console/surveys/{survey_id}/results")
    return see_other(f"/console/surveys/{survey_id}/exports/{reply.body['export_id']}")


async def export_job(request: Request) -> Response:
    """The job's progress bar; the page reloads itself until the file is written."""
    signed_in(request, *STAFF)
    survey_id, export_id = request.path_params["survey_id"], request.path_params["export_id"]
    job = await fetch(request, f"/v1/surveys/{survey_id}/exports/{export_id}")
    return page(request, "console/survey_export.html", job=job)


async def export_file(request: Request) -> Response:
    signed_in(request, *STAFF)
    survey_id, export_id = request.path_params["survey_id"], request.path_params["export_id"]
    return await relay(request, f"/v1/surveys/{survey_id}/exports/{export_id}.csv",
                       forward=("range",))


ROUTES = [
    Route("/console/surveys/{survey_id:uuid}/exports", start_export, methods=["POST"]),
    Route("/console/surveys/{survey_id:uuid}/exports/{export_id:uuid}.csv", export_file,
          methods=["GET"]),
    Route("/console/surveys/{survey_id:uuid}/exports/{export_id:uuid}", export_job,
          methods=["GET"]),
]
