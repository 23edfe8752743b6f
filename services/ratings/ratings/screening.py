"""The screening of review texts, by the feed's community guidelines (its GUIDELINES.md):
contact details and the keywords it holds keep a review back for a moderator; the rater is
told why. The ratings' own copy of those rules (no service imports another). Pure."""

import re
import unicodedata
from collections.abc import Mapping

CONTACT_DETAILS, KEYWORD = "contact_details", "keyword"

# An Indian mobile number (10 digits from 6 to 9, maybe +91 or 0 before, spaced or dashed)
# or a landline with its STD code; an e-mail address.
PHONE = re.compile(r"(?<![\d])(?:(?:\+|00)?91[\s.-]*|0)?[6-9](?:[\s.-]*\d){9}(?![\d])"
                   r"|(?<![\d])0\d{2,4}[\s.-]*\d{6,8}(?![\d])")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
# Words that hold a review for a moderator (RATINGS_KEYWORDS replaces the list).
DEFAULT_KEYWORDS = ("guaranteed cure", "100% cure", "miracle cure", "whatsapp me",
                    "call me", "paid review", "bribe")


def normalised(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def holds(review: str | None, keywords: tuple[str, ...] = DEFAULT_KEYWORDS) -> list[str]:
    """Why a review is held for a moderator; empty: it is published."""
    if not review:
        return []
    reasons = []
    if PHONE.search(review) or EMAIL.search(review):
        reasons.append(CONTACT_DETAILS)
    plain = normalised(review)
    if any(normalised(word) in plain for word in keywords):
        reasons.append(KEYWORD)
    return reasons


MESSAGES: Mapping[str, str] = {
    CONTACT_DETAILS: "Your rating waits for a moderator: its review seems to hold a phone "
                     "number or an e-mail address, which we never publish. Edit them out, or "
                     "a moderator will look at it soon; until then it does not count.",
    KEYWORD: "Your rating waits for a moderator: its review uses words our community "
             "guidelines ask a moderator to check first; until then it does not count.",
    "burst": "Your rating waits for a moderator: this provider received an unusual number of "
             "ratings in the past hour, so new ones are checked before they count.",
    "new_account": "Your rating waits for a moderator: many ratings from new accounts reached "
                   "this provider in the past hour, so they are checked before they count.",
    "unknown_account": "Your rating waits for a moderator: your account is too new for the "
                       "ratings service to know it yet; it counts once checked.",
}


def message(reason: str) -> str:
    return MESSAGES[reason]
