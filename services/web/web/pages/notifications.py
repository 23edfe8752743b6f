"""What a member is told of (a comment on their post, their question answered, …), and
marking it read."""

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from web.edge import ApiFailure, call, fetch, posted, see_other, session_of, signed_in
from web.render import page

# The API links to its own paths; the page of each here.
PAGES = {"/v1/posts/": "/posts/", "/v1/drug-queries/": "/my/questions/",
         "/v1/adr-reports/": "/my/reports/"}
EXACT = {"/v1/me": "/my/application"}  # an application approved


def page_of(link: str) -> str:
    """The web page of an API path a notification links to (the feed when unknown)."""
    if link in EXACT:
        return EXACT[link]
    for api, web in PAGES.items():
        if link.startswith(api) and "/" not in link.removeprefix(api):
            return web + link.removeprefix(api)
    return "/"


async def notifications(request: Request) -> Response:
    signed_in(request)
    params: dict[str, str | int] = {"limit": 20}
    if request.query_params.get("unread") == "true":
        params["unread"] = "true"
    if cursor := request.query_params.get("cursor"):
        params["cursor"] = cursor
    listed = await fetch(request, "/v1/me/notifications", params=params)
    session_of(request).unread = listed["unread_count"]
    items = [{**n, "page": page_of(n["link"])} for n in listed["items"]]
    return page(request, "notifications.html", items=items, listed=listed,
                unread_only="unread" in params)


async def mark_read(request: Request) -> Response:
    """Mark one notification read (`ids`), or every unread one shown (several `ids`)."""
    signed_in(request)
    form = await posted(request)
    ids = [str(i) for i in form.getlist("ids") if str(i)]
    if ids:
        reply = await call(request, "POST", "/v1/me/notifications/read", json={"ids": ids})
        if not reply.ok:
            raise ApiFailure(reply)
        session_of(request).unread = reply.body["unread_count"]
    session_of(request).flash = "flash.marked_read"
    return see_other("/my/notifications")


ROUTES = [
    Route("/my/notifications", notifications, methods=["GET"]),
    Route("/my/notifications/read", mark_read, methods=["POST"]),
]
