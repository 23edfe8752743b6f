"""The route index chooses what FastAPI's own matching chooses, for every route of the API."""

import re

from fastapi.routing import APIRoute
from starlette.routing import BaseRoute, Match

from gateway.app import create_app
from gateway.routing import CHOSEN, RouteIndex, flattened
from gateway.settings import GatewaySettings

APP = create_app(GatewaySettings())
INDEX, ORIGINAL = APP.router.routes[0], APP.router.routes[1:]
SAMPLE = "6d1c0b3e-1111-4222-8333-444455556666"  # fits every parameter: uuid, slug, text


def scope(method: str, path: str) -> dict:
    return {"type": "http", "method": method, "path": path, "root_path": "",
            "headers": [], "query_string": b""}


def fastapi_choice(method: str, path: str) -> tuple[Match, BaseRoute | None]:
    """FastAPI's matching over the app's routes as they were, down to the route itself."""
    partial = None
    for route in flattened(ORIGINAL):
        match, _ = route.matches(scope(method, path))
        if match is Match.FULL:
            return match, route
        if match is Match.PARTIAL and partial is None:
            partial = route
    return (Match.PARTIAL, partial) if partial else (Match.NONE, None)


def index_choice(method: str, path: str) -> tuple[Match, BaseRoute | None]:
    match, child = INDEX.matches(scope(method, path))
    return match, child.get(CHOSEN)


def test_the_index_goes_first() -> None:
    assert isinstance(INDEX, RouteIndex)


def test_every_route_of_the_api_is_chosen_as_fastapi_chooses_it() -> None:
    routes = [r for r in flattened(ORIGINAL) if isinstance(r, APIRoute)]
    assert len(routes) > 50
    for route in routes:
        path = re.sub(r"\{[^}]+\}", SAMPLE, route.path)
        for method in sorted(route.methods):
            assert index_choice(method, path) == fastapi_choice(method, path), (method, path)
        # Another method on the same path: the same 405 candidate as FastAPI's.
        assert index_choice("PATCH", path) == fastapi_choice("PATCH", path), path


def test_a_path_no_route_has_matches_nothing_and_falls_through() -> None:
    for path in ("/v1/nothing-here", "/v2/posts", "/", "/v1", "/v1/posts/a/b/c/d"):
        assert index_choice("GET", path) == (Match.NONE, None) == fastapi_choice("GET", path)
