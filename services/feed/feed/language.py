"""The language of a text its writer did not name: py3langid's naive Bayes model (shipped in
its package, loaded once, on the first call), restricted to the platform's languages.

Too few letters to tell, or no language clearly ahead, and the answer is English, the
platform's default, as when a client says nothing."""

import functools
import unicodedata
from typing import get_args

from py3langid.langid import MODEL_FILE, LanguageIdentifier

from contracts.identity.messages import Language

FALLBACK = "en"
LANGUAGES: tuple[str, ...] = get_args(Language)
MIN_LETTERS = 4  # "hi", "ok", "👍": nothing to tell a language by
MIN_CONFIDENCE = 0.5  # a probability among LANGUAGES only
# The first characters tell the language as well as all of them, at a bounded cost on
# the write path (a post's body may hold 10,000).
SAMPLE = 1_000


@functools.cache
def identifier() -> LanguageIdentifier:
    """The model, restricted to the platform's languages (each is one of its labels)."""
    model = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    model.set_languages(list(LANGUAGES))
    return model


def detect_language(text: str) -> str:
    """One of the platform's languages (contracts.identity.messages.Language) for `text`;
    FALLBACK when the text is too short or unclear."""
    sample = text[:SAMPLE]
    if sum(1 for c in sample if unicodedata.category(c)[0] == "L") < MIN_LETTERS:
        return FALLBACK
    found, confidence = identifier().classify(sample)
    return str(found) if confidence >= MIN_CONFIDENCE else FALLBACK
