"""Search, resources and events, policy inputs, voice notes and flags on comments, against
a fake gateway."""

import json
import uuid
from typing import Any

import httpx
import pytest

from contracts.feed.messages import SearchResults
from web.i18n import LANGUAGE_COOKIE
from web.pages.search import page_of

from .pages import parsed

POST_ID, SCHEME_ID = str(uuid.uuid4()), str(uuid.uuid4())
FOUND = SearchResults.model_validate({"items": [
    {"kind": "post", "id": POST_ID, "title": "रात में शुगर", "snippet": "रात को शुगर गिरती है",
     "link": f"/v1/posts/{POST_ID}"},
    {"kind": "comment", "id": str(uuid.uuid4()), "title": None, "snippet": "सोते समय नाश्ता",
     "link": f"/v1/posts/{POST_ID}"},
    {"kind": "resource", "id": str(uuid.uuid4()), "title": "Insulin at home", "snippet": "",
     "link": "/v1/resources"},
    {"kind": "scheme", "id": SCHEME_ID, "title": "PM-JAY", "snippet": "₹5 lakh",
     "link": f"/v1/schemes/{SCHEME_ID}"}]}).model_dump(mode="json")


def ok(body: Any) -> Any:
    return lambda _: httpx.Response(200, json=body)


async def test_a_hindi_search_reaches_the_api_and_links_each_result_here(
        browser: httpx.AsyncClient, gateway: Any) -> None:
    gateway.on("GET", "/v1/search", ok(FOUND))
    browser.cookies.delete(LANGUAGE_COOKIE)
    reply = await browser.get("/search", params={"q": "  रात में शुगर "},
                              headers={"Accept-Language": "hi"})
    assert reply.status_code == 200
    [sent] = gateway.calls("GET", "/v1/search")
    assert sent.url.params["q"] == "रात में शुगर" and sent.url.params["limit"] == "20"
    page = reply.text
    assert f'href="/posts/{POST_ID}">रात में शुगर' in page
    assert 'href="/resources">Insulin at home' in page
    assert f'href="/schemes/{SCHEME_ID}">PM-JAY' in page
    assert 'data-kind="comment"' in page and "टिप्पणी" in page
    assert 'rel="next"' not in page  # fewer than a page: no "more"


async def test_no_results_say_so_and_a_full_page_offers_more(
        browser: httpx.AsyncClient, gateway: Any) -> None:
    gateway.on("GET", "/v1/search", ok({"items": []}))
    page = (await browser.get("/search?q=zzzz")).text
    assert 'id="no-results"' in page and "Nothing found for “zzzz”" in page
    many = {"items": [FOUND["items"][0]] * 20}
    gateway.on("GET", "/v1/search", ok(many))
    page = (await browser.get("/search?q=sugar")).text
    assert 'href="/search?q=sugar&amp;more=1" rel="next"' in page
    await browser.get("/search?q=sugar&more=1")
    assert gateway.calls("GET", "/v1/search")[-1].url.params["limit"] == "50"


async def test_an_empty_search_asks_nothing_and_a_refused_one_names_the_box(
        browser: httpx.AsyncClient, gateway: Any) -> None:
    reply = await browser.get("/search")
    assert reply.status_code == 200 and gateway.calls("GET", "/v1/search") == []
    assert 'id="site-search"' in reply.text  # the header's box on every page
    gateway.on("GET", "/v1/search", lambda _: gateway.problem(
        422, [{"field": "q", "message": "at least 2 letters"}]))
    reply = await browser.get("/search?q=a")
    assert reply.status_code == 422
    assert 'id="search-q-error" data-field="q">at least 2 letters' in reply.text
    assert 'value="a"' in reply.text


def test_a_result_opens_its_page_here() -> None:
    assert page_of(f"/v1/posts/{POST_ID}") == f"/posts/{POST_ID}"
    assert page_of("/v1/resources") == "/resources"
    assert page_of("/v1/posts/") == page_of("/v1/other") == "/search"


@pytest.mark.parametrize("language", ["en", "hi"])
async def test_the_search_page_is_labelled_and_light(
        browser: httpx.AsyncClient, gateway: Any, language: str) -> None:
    gateway.on("GET", "/v1/search", ok(FOUND))
    browser.cookies.delete(LANGUAGE_COOKIE)
    reply = await browser.get("/search?q=sugar", headers={"Accept-Language": language})
    page = parsed(reply.text)
    ids = [c.get("id") for c in page.controls]
    assert page.html_lang == language and len(ids) == len(set(ids))
    assert not [i for i in ids if i not in page.labelled]
    assert len(reply.content) < 100_000


def sent_json(gateway: Any, method: str, path: str) -> Any:
    return [json.loads(r.read()) for r in gateway.calls(method, path)]
