"""What free text may hold when it crosses the API: what a person types, and what every
store and format we write it to (PostgreSQL, JSON, XML 1.0 for E2B) can carry. Pure.

Word processors put vertical tabs and form feeds into pasted text: they are line and page
breaks, so they become a newline. Other control characters (NUL among them), and the two
non-characters U+FFFE and U+FFFF, are typed by no one and carried by no XML 1.0 document:
they are refused. Text is kept in NFC, so that one word is one string however it was typed;
direction overrides and isolates (a name that reads backwards), zero-width spaces, word
joiners and byte-order marks (hidden text) are left out. The zero-width joiner and
non-joiner stay: Hindi, Marathi and other Indic scripts need them, as emoji do; so do the
left-to-right and right-to-left marks that Urdu text needs.
"""

import re
import unicodedata

# Line and page breaks that XML 1.0 cannot carry: kept as the line break they mean.
BREAKS = re.compile("[\x0b\x0c]")
# What XML 1.0 cannot carry at all, beyond those breaks (TAB, LF and CR it can).
UNTYPEABLE = re.compile("[\x00-\x08\x0e-\x1f\ufffe\uffff]")
INVISIBLE = re.compile("[\u200b\u2060\ufeff\u202a-\u202e\u2066-\u2069]")
XML_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")  # both of them


def normalised(text: str) -> str:
    """Text as it is kept: NFC, breaks as newlines, hidden and reversing characters out."""
    if text.isascii():
        return BREAKS.sub("\n", text) if BREAKS.search(text) else text
    text = INVISIBLE.sub("", BREAKS.sub("\n", text))
    return text if unicodedata.is_normalized("NFC", text) else unicodedata.normalize("NFC", text)


def untypeable(text: str) -> str | None:
    """The first character no one types and XML cannot carry, as U+XXXX; None if none."""
    found = UNTYPEABLE.search(text)
    return f"U+{ord(found.group()):04X}" if found else None


def xml_safe(text: str) -> str:
    """Text that XML 1.0 can carry: breaks as newlines, untypeable characters left out.

    For text stored before intake refused such characters: it is written, not refused."""
    return UNTYPEABLE.sub("", normalised(text)) if XML_UNSAFE.search(text) else text


# Contact details in what a person writes, by the community guidelines (the feed's
# GUIDELINES.md): the feed holds a post, the ratings a review, that seems to carry them.
# An Indian mobile number (10 digits from 6 to 9, maybe +91 or 0 before, spaced or dashed
# as people type them) or a landline with its STD code; an e-mail address.
PHONE = re.compile(r"(?<![\d])(?:(?:\+|00)?91[\s.-]*|0)?[6-9](?:[\s.-]*\d){9}(?![\d])"
                   r"|(?<![\d])0\d{2,4}[\s.-]*\d{6,8}(?![\d])")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)


def has_contact_details(text: str) -> bool:
    return bool(PHONE.search(text) or EMAIL.search(text))


def folded(text: str) -> str:
    """Text as word lists are matched against it: NFKC, case folded, spaces collapsed."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())
