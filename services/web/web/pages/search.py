"""Search: posts and their comments, resources and schemes, best matches first."""

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from web.edge import call
from web.problems import FormErrors, form_errors
from web.render import page

FIRST, MOST = 20, 50  # the API answers at most 50 matches and has no cursor
# The API's link of what was found, as the page here (a comment's link is its post's).
PAGES = {"/v1/posts/": "/posts/", "/v1/schemes/": "/schemes/"}
EXACT = {"/v1/resources": "/resources"}


def page_of(link: str) -> str:
    if link in EXACT:
        return EXACT[link]
    for api, web in PAGES.items():
        rest = link.removeprefix(api)
        if link.startswith(api) and rest and "/" not in rest:
            return web + rest
    return "/search"


async def search(request: Request) -> Response:
    q = request.query_params.get("q", "").strip()[:200]
    limit = MOST if request.query_params.get("more") == "1" else FIRST
    found, errors, status = None, FormErrors(), 200
    if q:
        reply = await call(request, "GET", "/v1/search", params={"q": q, "limit": limit})
        if reply.ok:
            found = [{**f, "page": page_of(str(f.get("link", "")))}
                     for f in reply.body["items"]]
        else:
            status = 422 if reply.status < 500 else 502
            errors = form_errors(reply.problem, {"q"})
    return page(request, "search.html", status, q=q, found=found, errors=errors,
                more=found is not None and limit == FIRST and len(found) >= FIRST)


ROUTES = [Route("/search", search, methods=["GET"])]
