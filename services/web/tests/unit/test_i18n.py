"""The UI's language: the user's choice, else Accept-Language, else English."""

from web.i18n import catalogue, choose, languages, translator


def test_the_cookie_wins_then_accept_language_by_quality() -> None:
    assert choose("hi", "en") == "hi"
    assert choose(None, "en;q=0.5, hi-IN;q=0.9") == "hi"
    assert choose(None, "fr, hi;q=0.1") == "hi"
    assert choose("xx", "fr-FR, de") == "en"
    assert choose(None, "hi;q=0, en") == "en"
    assert choose(None, "hi;q=bad") == "en"


def test_a_word_missing_in_hindi_falls_back_to_english_then_to_its_key() -> None:
    t = translator("hi")
    assert t("nav.feed") == "फ़ीड"
    assert "signals.prr" not in catalogue("hi") and t("signals.prr") == "PRR (95% CI)"
    assert t("no.such.key") == "no.such.key"


def test_every_catalogue_says_only_what_english_says() -> None:
    assert languages()[0] == "en" and "hi" in languages()
    for language in languages():
        assert set(catalogue(language)) <= set(catalogue("en")), language
