"""The language of a post whose client did not name it: told from its words."""

from typing import get_args

from contracts.identity.messages import Language
from feed.language import FALLBACK, detect_language, identifier


def test_each_script_and_english_are_told_apart() -> None:
    assert detect_language("हर महीने रक्त चढ़ाने के लिए दाता ढूँढना मुश्किल है") == "hi"
    assert detect_language("Finding blood donors every month is hard") == "en"
    assert detect_language("நான் தினமும் மருந்துகளை எடுத்துக்கொள்கிறேன்") == "ta"
    assert detect_language("రోజూ సూదులు వేయించుకోవడం కష్టంగా ఉంది") == "te"
    assert detect_language("কাল ডাক্তারের সাথে কথা বললাম") == "bn"
    assert detect_language("मला मधुमेह आहे आणि मी रोज औषध घेते") == "mr"  # Devanagari too
    assert detect_language("مجھے ذیابیطس ہے") == "ur"


def test_only_the_platforms_languages_are_answered() -> None:
    assert set(identifier().nb_classes) == set(get_args(Language))
    assert detect_language("Bonjour à tous, je cherche un médecin") == "en"  # Latin: English
    assert detect_language("Я ищу врача в Мумбаи для моей матери") in get_args(Language)


def test_too_little_to_tell_is_english() -> None:
    for text in ("hi", "ok", "हाँ", "👍👍", "12345 67890", "", "  \n "):
        assert detect_language(text) == FALLBACK == "en", text


def test_a_long_text_is_told_by_its_beginning() -> None:
    assert detect_language("दाता ढूँढना मुश्किल है। " * 2000) == "hi"
