"""Search: posts and their comments, stories, resources and schemes, best matches first."""

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from web.edge import call
from web.problems import FormErrors, form_errors
from web.render import page

PAGE = 20  # matches a page; the API's next_cursor leads to the next
# The API's link of what was found, as the page here (a comment's link is its post's).
PAGES = {"/v1/posts/": "/posts/", "/v1/schemes/": "/schemes/", "/v1/stories/": "/stories/"}
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
    cursor = request.query_params.get("cursor", "")[:200] or None
    found, errors, status, after = None, FormErrors(), 200, None
    if q:
        params = {"q": q, "limit": PAGE, **({"cursor": cursor} if cursor else {})}
        reply = await call(request, "GET", "/v1/search", params=params)
        if reply.ok:
            found = [{**f, "page": page_of(str(f.get("link", "")))}
                     for f in reply.body["items"]]
            after = reply.body.get("next_cursor")
        else:
            status = 422 if reply.status < 500 else 502
            errors = form_errors(reply.problem, {"q", "cursor"})
    return page(request, "search.html", status, q=q, found=found, errors=errors,
                after=after)


ROUTES = [Route("/search", search, methods=["GET"])]
