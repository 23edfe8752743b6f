"""The community guidelines' screening of a new post (GUIDELINES.md): pure, no I/O.

A post is screened before it is published. Contact details hold it for a moderator (the
author is told why); words of self-harm never hide it: it is published, flagged urgently
to the moderators, and its author is shown where to find help at once; the keyword list
blocks, holds or flags. Rule names are GUIDELINES.md's.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal

from contracts.text import folded, has_contact_details

Action = Literal["block", "hold", "flag"]

CONTACT_DETAILS = "contact_details"
SELF_HARM = "self_harm"
KEYWORD = "keyword"

# Words of self-harm, in English and Hindi (and Hinglish as typed in Latin letters).
SELF_HARM_WORDS = (
    "suicide", "suicidal", "kill myself", "killing myself", "end my life", "ending my life",
    "end it all", "ending it all", "take my own life", "taking my own life",
    "want to die", "wanna die", "self harm", "self-harm", "hurt myself", "cut myself",
    "no reason to live", "better off dead",
    "आत्महत्या", "ख़ुदकुशी", "खुदकुशी", "मरना चाहता", "मरना चाहती", "जान दे दूं", "जान दे दूँ",
    "जीना नहीं चाहता", "जीना नहीं चाहती", "खुद को नुकसान", "ख़ुद को नुकसान",
    "khudkushi", "aatmahatya", "atmahatya", "marna chahta", "marna chahti",
)

# Offered with every post that speaks of self-harm (GUIDELINES.md, rule 4).
HELPLINE = {
    "en": "You are not alone. Tele-MANAS, the government's free mental health helpline, "
          "is open day and night: call 14416 or 1-800-891-4416. In an emergency call 112.",
    "hi": "आप अकेले नहीं हैं। टेली-मानस, सरकार की निःशुल्क मानसिक स्वास्थ्य हेल्पलाइन, दिन-रात "
          "खुली है: 14416 या 1-800-891-4416 पर कॉल करें। आपात स्थिति में 112 पर कॉल करें।",
}
HELD = {
    CONTACT_DETAILS: {
        "en": "Your post is waiting for a moderator because it seems to hold a phone number "
              "or an e-mail address. To keep you safe we do not publish contact details; "
              "edit them out, or a moderator will look at it soon.",
        "hi": "आपकी पोस्ट मॉडरेटर की समीक्षा के लिए रुकी है क्योंकि इसमें फ़ोन नंबर या ई-मेल पता "
              "लगता है। आपकी सुरक्षा के लिए हम संपर्क विवरण प्रकाशित नहीं करते।",
    },
    KEYWORD: {
        "en": "Your post is waiting for a moderator: it uses words our community guidelines "
              "ask a moderator to check first.",
        "hi": "आपकी पोस्ट मॉडरेटर की समीक्षा के लिए रुकी है: इसमें ऐसे शब्द हैं जिन्हें हमारे "
              "सामुदायिक दिशानिर्देश पहले जाँचने को कहते हैं।",
    },
}

# The keyword list of the embedded default (a deployment replaces it: FEED_KEYWORDS).
DEFAULT_KEYWORDS: Mapping[str, Action] = {
    "guaranteed cure": "hold", "100% cure": "hold", "miracle cure": "hold",
    "stop taking your medicine": "flag", "buy now": "flag", "whatsapp me": "hold",
}


@dataclass(frozen=True)
class Screening:
    """What the guidelines make of a new post."""

    blocked: str | None = None  # the keyword that blocks it
    holds: tuple[str, ...] = ()  # rules that hold it for a moderator
    flags: tuple[tuple[str, bool], ...] = ()  # (rule, urgent) flagged to moderators
    notices: tuple[str, ...] = field(default=())  # what the author is told: HELD keys, SELF_HARM


def screen(text: str, keywords: Mapping[str, Action] = DEFAULT_KEYWORDS) -> Screening:
    plain = folded(text)
    holds: list[str] = []
    flags: list[tuple[str, bool]] = []
    if has_contact_details(text):
        holds.append(CONTACT_DETAILS)
    found = {word: action for word, action in keywords.items() if folded(word) in plain}
    blocked = next((word for word, action in found.items() if action == "block"), None)
    if any(action == "hold" for action in found.values()):
        holds.append(KEYWORD)
    if any(action == "flag" for action in found.values()):
        flags.append((KEYWORD, False))
    notices = list(holds)
    if _mentions(plain, SELF_HARM_WORDS):
        flags.insert(0, (SELF_HARM, True))
        notices.append(SELF_HARM)
    return Screening(blocked, tuple(holds), tuple(flags), tuple(notices))


def _mentions(plain: str, words: Iterable[str]) -> bool:
    return any(folded(word) in plain for word in words)


def message(notice: str, language: str) -> str:
    texts = HELPLINE if notice == SELF_HARM else HELD[notice]
    return texts.get(language, texts["en"])
