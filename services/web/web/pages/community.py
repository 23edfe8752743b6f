"""The feed and the communities: read, and write a post."""

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from contracts.feed.messages import COMMON
from contracts.identity.messages import LANGUAGES
from web.edge import call, fetch, posted, see_other, session_of, signed_in
from web.forms import Field, Fieldset, Form, choices, once
from web.problems import FormErrors, form_errors
from web.render import page


def post_form(language: str) -> Form:
    return Form((Fieldset("post.legend", (
        choices("kind", "post.kind", ("discussion", "question", "policy_input"), "post_kind"),
        Field("title", "post.title"),
        Field("body", "post.body", "textarea", required=True),
        choices("language", "post.language", LANGUAGES, "language", default=language))),),
        hidden=("community",))


async def community_page(request: Request, slug: str, status: int = 200,
                         errors: FormErrors | None = None,
                         values: dict[str, str] | None = None) -> Response:
    params: dict[str, str | int] = {"community": slug, "limit": 20}
    if cursor := request.query_params.get("cursor"):
        params["cursor"] = cursor
    feed = await fetch(request, "/v1/feed", params=params)
    communities = (await fetch(request, "/v1/communities"))["items"]
    community = next((c for c in communities if c["slug"] == slug), None)
    form = post_form(request.state.language)
    return page(request, "feed.html", status, feed=feed, slug=slug, community=community,
                form=form, errors=errors or FormErrors(),
                values=values or {**form.defaults(), "community": slug})


async def home(request: Request) -> Response:
    return await community_page(request, COMMON)


async def community(request: Request) -> Response:
    return await community_page(request, request.path_params["slug"])


async def communities(request: Request) -> Response:
    listed = await fetch(request, "/v1/communities")
    return page(request, "communities.html", communities=listed["items"])


async def post(request: Request) -> Response:
    item = await fetch(request, f"/v1/posts/{request.path_params['post_id']}")
    return page(request, "post.html", post=item)


async def write_post(request: Request) -> Response:
    signed_in(request)
    form_data = await posted(request)
    form = post_form(request.state.language)
    slug = str(form_data.get("community") or COMMON)
    body = form.body(form_data)
    reply = await call(request, "POST", "/v1/posts", json=body, headers=once(form_data))
    if not reply.ok:
        return await community_page(request, slug, 422 if reply.status < 500 else 502,
                                    form_errors(reply.problem, form.names),
                                    form.values(form_data))
    session_of(request).flash = "flash.posted"
    return see_other(f"/posts/{reply.body['post_id']}")


ROUTES = [
    Route("/", home, methods=["GET"]),
    Route("/communities", communities, methods=["GET"]),
    Route("/c/{slug:str}", community, methods=["GET"]),
    Route("/posts/{post_id:uuid}", post, methods=["GET"]),
    Route("/posts", write_post, methods=["POST"]),
]
