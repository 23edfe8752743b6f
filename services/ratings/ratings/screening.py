"""The screening of review texts, by the feed's community guidelines (its GUIDELINES.md):
contact details and the keywords it holds keep a review back for a moderator; the rater is
told why. The contact-detail patterns are the guidelines' own (contracts.text). Pure."""

from collections.abc import Mapping

from contracts.text import folded, has_contact_details

CONTACT_DETAILS, KEYWORD = "contact_details", "keyword"
HIDDEN = "hidden"  # a moderator hid the rating (what its rater is told, GET my-rating)
REVISED_AFTER_HIDING = "revised_after_hiding"  # a moderator looks at the revision first

# Words that hold a review for a moderator (RATINGS_KEYWORDS replaces the list).
DEFAULT_KEYWORDS = ("guaranteed cure", "100% cure", "miracle cure", "whatsapp me",
                    "call me", "paid review", "bribe")


def holds(review: str | None, keywords: tuple[str, ...] = DEFAULT_KEYWORDS) -> list[str]:
    """Why a review is held for a moderator; empty: it is published."""
    if not review:
        return []
    reasons = []
    if has_contact_details(review):
        reasons.append(CONTACT_DETAILS)
    plain = folded(review)
    if any(folded(word) in plain for word in keywords):
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
    HIDDEN: "A moderator hid your rating: it does not count and its review is not shown. "
            "You may revise it; a moderator then looks at the revision before it counts.",
    REVISED_AFTER_HIDING: "Your revised rating waits for a moderator: a moderator hid it "
                          "before, so the revision is checked before it counts.",
    "unknown_account": "Your rating waits for a moderator: your account is too new for the "
                       "ratings service to know it yet; it counts once checked.",
}


def message(reason: str) -> str:
    return MESSAGES[reason]
