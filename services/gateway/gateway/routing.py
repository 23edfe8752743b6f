"""The API's routes looked up by their first two path segments, not tried one by one.

FastAPI matches a request by trying every route's regular expression in order, and, for
routes of an included router, does it twice (once to choose the router, once inside it).
With ninety routes that was about a fifth of the gateway's CPU per request (issue 10):
POST /v1/posts tried some sixty expressions twice. `RouteIndex` goes first in the app's
routes and tries only the routes that can match the path's first two segments (`/v1/posts`
for `/v1/posts/{post_id}/comments`), in their original order; routes whose first two
segments hold a parameter are tried for every path. The app's own list stays as it was
behind it (the OpenAPI document is made from it), and is reached only when the index has
no match, as for a 404, so what matches and in which order is unchanged.
"""

from collections.abc import Iterable

from fastapi.routing import _IncludedRouter
from starlette._utils import get_route_path
from starlette.routing import BaseRoute, Match
from starlette.types import Receive, Scope, Send

try:  # the route's name on the request's span, as FastAPI's own matching records it
    from fastapi.telemetry._api import _route_selected
except ImportError:  # pragma: no cover - a FastAPI without it records no route
    def _route_selected(*, scope: Scope, path: str | None, mount: bool = False) -> None:
        return None

CHOSEN = "gateway.route"  # the scope key of the route the index matched


def _key(path: str) -> str | None:
    """The first two segments (`/v1/posts`), or None when either holds a parameter."""
    head = "/".join(path.split("/", 3)[:3])
    return None if "{" in head else head


def flattened(routes: Iterable[BaseRoute]) -> list[BaseRoute]:
    """Every route, those of included routers in their place."""
    flat: list[BaseRoute] = []
    for route in routes:
        if isinstance(route, _IncludedRouter):
            flat.extend(flattened(route.original_router.routes))
        else:
            flat.append(route)
    return flat


class RouteIndex(BaseRoute):
    def __init__(self, routes: Iterable[BaseRoute]) -> None:
        every = [route for route in flattened(routes)
                 if isinstance(getattr(route, "path", None), str)]
        keys = [_key(route.path) for route in every]  # type: ignore[attr-defined]
        anywhere = [i for i, key in enumerate(keys) if key is None]
        keyed: dict[str, list[int]] = {}
        for i, key in enumerate(keys):
            if key is not None:
                keyed.setdefault(key, []).append(i)
        self._anywhere = [every[i] for i in anywhere]
        self._candidates = {key: [every[i] for i in sorted({*found, *anywhere})]
                            for key, found in keyed.items()}

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        if scope["type"] != "http":
            return Match.NONE, {}
        key = "/".join(get_route_path(scope).split("/", 3)[:3])
        partial: tuple[Match, Scope] | None = None
        for route in self._candidates.get(key, self._anywhere):
            match, child_scope = route.matches(scope)
            if match is Match.FULL:
                return match, {**child_scope, CHOSEN: route}
            if match is Match.PARTIAL and partial is None:
                partial = match, {**child_scope, CHOSEN: route}
        return partial or (Match.NONE, {})

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        route = scope.pop(CHOSEN)
        _route_selected(scope=scope, path=getattr(route, "path_format", None))
        await route.handle(scope, receive, send)
