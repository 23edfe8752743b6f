"""What the fast tier's tests read off a rendered page: its controls and the labels that
name them, its language, its links, and its forms' CSRF token."""

import re
from html.parser import HTMLParser

import httpx

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


class Controls(HTMLParser):
    """The form controls of a page, the labels that name them, its language and links."""

    def __init__(self) -> None:
        super().__init__()
        self.controls: list[dict[str, str | None]] = []
        self.labelled: set[str] = set()
        self.html_lang: str | None = None
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "html":
            self.html_lang = attributes.get("lang")
        elif tag == "label" and attributes.get("for"):
            self.labelled.add(str(attributes["for"]))
        elif tag in ("input", "select", "textarea") and attributes.get("type") != "hidden":
            self.controls.append(attributes)
        elif tag == "a" and attributes.get("href"):
            self.links.append(str(attributes["href"]))


def parsed(html: str) -> Controls:
    parser = Controls()
    parser.feed(html)
    return parser


async def csrf_token(client: httpx.AsyncClient, path: str = "/signin") -> str:
    match = CSRF.search((await client.get(path)).text)
    assert match, f"no CSRF field on {path}"
    return match.group(1)
