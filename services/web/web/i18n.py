"""The UI's words in each language: a JSON catalogue per language in `messages/`, English
the fallback. A language is added by adding its file."""

import json
from collections.abc import Callable
from functools import cache
from importlib.resources import files

FALLBACK = "en"
LANGUAGE_COOKIE = "pu_lang"


@cache
def catalogue(language: str) -> dict[str, str]:
    source = files("web") / "messages" / f"{language}.json"
    return json.loads(source.read_text("utf-8")) if source.is_file() else {}


@cache
def languages() -> tuple[str, ...]:
    """The languages with a catalogue, English first."""
    names = sorted(p.name.removesuffix(".json") for p in (files("web") / "messages").iterdir()
                   if p.name.endswith(".json"))
    return (FALLBACK, *(n for n in names if n != FALLBACK))


def translator(language: str) -> Callable[[str], str]:
    """`t(key)`: the word in `language`, else in English, else the key itself."""
    own, fallback = catalogue(language), catalogue(FALLBACK)

    def t(key: str) -> str:
        return own.get(key) or fallback.get(key) or key

    return t


def choose(cookie: str | None, accept_language: str | None) -> str:
    """The user's choice (cookie), else the first of ours in Accept-Language, else English."""
    if cookie in languages():
        return str(cookie)
    ranked = []
    for position, part in enumerate((accept_language or "").split(",")):
        tag, _, params = part.strip().partition(";")
        quality = _quality(params)
        if quality > 0:
            ranked.append((-quality, position, tag.strip().lower().split("-")[0]))
    for _, _, tag in sorted(ranked):
        if tag in languages():
            return tag
    return FALLBACK


def _quality(params: str) -> float:
    for param in params.split(";"):
        name, _, value = param.strip().partition("=")
        if name == "q":
            try:
                return float(value)
            except ValueError:
                return 0.0
    return 1.0
