"""From a post to a side-effect report: a small multilingual matcher (pure, no I/O).

When someone's words tell of a reaction to a medicine — a medicine's name (a seeded list of
common Indian generics and brands, in Latin and Devanagari letters) and a word of a side
effect (English, Hindi, Hinglish) in the same text — the author is offered a side-effect
report prefilled from their words: a pharmacovigilance draft they complete and submit
themselves. Never automatic, never without the author's action: the offer is only part of
the reply to their own post, comment or question.

The lists are deliberately plain data: replace `MEDICINES` and `REACTIONS` (or the whole
module behind `offer`) with a curated terminology when one is licensed.
"""

import re
import unicodedata
from dataclasses import dataclass

# Brand or local name -> the generic it stands for (the generic names itself).
MEDICINES: dict[str, str] = {
    **{name: name for name in (
        "paracetamol", "amoxicillin", "azithromycin", "metformin", "amlodipine",
        "atorvastatin", "ibuprofen", "diclofenac", "cetirizine", "pantoprazole",
        "omeprazole", "ciprofloxacin", "metronidazole", "losartan", "telmisartan",
        "glimepiride", "insulin", "levothyroxine", "aspirin", "clopidogrel", "rifampicin",
        "isoniazid", "ofloxacin", "montelukast", "domperidone", "ondansetron",
        "prednisolone", "ceftriaxone", "carbamazepine", "phenytoin", "allopurinol",
        "cotrimoxazole", "chloroquine", "hydroxychloroquine", "enalapril", "ramipril",
        "warfarin", "dolutegravir", "tenofovir", "efavirenz")},
    "crocin": "paracetamol", "dolo": "paracetamol", "calpol": "paracetamol",
    "mox": "amoxicillin", "novamox": "amoxicillin", "augmentin": "amoxicillin",
    "azithral": "azithromycin", "azee": "azithromycin", "glycomet": "metformin",
    "amlong": "amlodipine", "stamlo": "amlodipine", "atorva": "atorvastatin",
    "brufen": "ibuprofen", "combiflam": "ibuprofen", "voveran": "diclofenac",
    "cetzine": "cetirizine", "okacet": "cetirizine", "pantocid": "pantoprazole",
    "omez": "omeprazole", "ciplox": "ciprofloxacin", "flagyl": "metronidazole",
    "metrogyl": "metronidazole", "telma": "telmisartan", "amaryl": "glimepiride",
    "thyronorm": "levothyroxine", "eltroxin": "levothyroxine", "ecosprin": "aspirin",
    "disprin": "aspirin", "clopilet": "clopidogrel", "zenflox": "ofloxacin",
    "montair": "montelukast", "domstal": "domperidone", "emeset": "ondansetron",
    "wysolone": "prednisolone", "monocef": "ceftriaxone", "tegretol": "carbamazepine",
    "eptoin": "phenytoin", "zyloric": "allopurinol", "septran": "cotrimoxazole",
    "पैरासिटामोल": "paracetamol", "क्रोसिन": "paracetamol", "डोलो": "paracetamol",
    "अमोक्सिसिलिन": "amoxicillin", "एज़िथ्रोमाइसिन": "azithromycin",
    "मेटफॉर्मिन": "metformin", "मेटफार्मिन": "metformin", "एम्लोडिपिन": "amlodipine",
    "इबुप्रोफेन": "ibuprofen", "एस्पिरिन": "aspirin", "इंसुलिन": "insulin",
    "सिप्रोफ्लोक्सासिन": "ciprofloxacin", "रिफैम्पिसिन": "rifampicin",
}

# Words and phrases of a side effect.
REACTIONS = (
    "side effect", "side-effect", "reaction", "allergy", "allergic", "rash", "rashes",
    "itching", "itchy", "hives", "swelling", "swollen", "broke out", "vomiting", "vomit",
    "nausea", "dizzy", "dizziness", "headache", "diarrhoea", "diarrhea", "loose motions",
    "stomach pain", "breathless", "palpitations", "fainted", "jaundice", "blisters",
    "दाने", "चकत्ते", "खुजली", "सूजन", "उल्टी", "चक्कर", "सिरदर्द", "सिर दर्द", "दस्त", "एलर्जी",
    "साइड इफेक्ट", "दुष्प्रभाव", "जी मिचलाना", "साँस फूल", "सांस फूल", "छाले",
    "khujli", "ulti", "chakkar", "daane",
)

_WORD = re.compile(r"[\w\u0900-\u097f]+")
_SENTENCE = re.compile(r"[^.!?।\n]+[.!?।]?")


@dataclass(frozen=True)
class Offer:
    """A side-effect report to offer the author: what they named and their own words."""

    medicine: str  # as they wrote it
    generic: str
    description: str  # the sentence that tells of the reaction, in their words
    language: str


def _plain(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def offer(text: str, language: str) -> Offer | None:
    """The offer these words call for, if they tell of a reaction to a known medicine."""
    plain = _plain(text)
    words = _WORD.findall(plain)
    found = next(((word, MEDICINES[word]) for word in words if word in MEDICINES), None)
    if found is None or not any(reaction in plain for reaction in REACTIONS):
        return None
    sentences = [s.strip() for s in _SENTENCE.findall(text) if s.strip()]
    telling = next((s for s in sentences if any(r in _plain(s) for r in REACTIONS)),
                   text.strip())
    name = next(w for w in _WORD.findall(text) if _plain(w) == found[0])
    return Offer(medicine=name, generic=found[1], description=telling[:2000],
                 language=language)
