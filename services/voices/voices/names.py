"""Other people's names in what a storyteller wrote or said, for a curator to have them
redacted. Pure, and no language model: a name is found where something in the words
announces it — an honorific ("Dr. Sharma", "Mr Rao", "श्रीमती गीता", "डॉ. वर्मा"), a
relation ("my husband Ramesh", "मेरे पति रमेश"), a respectful suffix ("Sunita ji",
"सुनीता जी") or a naming word ("a nurse named Priya", "उनका नाम रमेश है"). A capitalised
word alone is not taken for a name (every sentence starts with one), nor is a month, a
weekday, a kinship word or a medicine, and the storyteller's own name is left out."""

import re
from collections.abc import Iterator

from voices.words import HINDI_NOT_NAMES, MEDICINE_ENDINGS, NOT_NAMES

# A capitalised, name-like Latin word: "Ramesh", "D'Souza", "Rao-Patil"; not "ICU".
WORD = r"[A-Z](?:[a-z]+|'[A-Z][a-z]+)(?:-[A-Z]?[a-z]+)?"
NAME = rf"{WORD}(?:[ \t]+{WORD}){{0,2}}"
RELATIONS = ("husband|wife|son|daughter|mother|father|mom|mum|dad|brother|sister|friend|"
             "neighbou?r|aunt|uncle|cousin|grand(?:mother|father|son|daughter)|nephew|niece|"
             "(?:mother|father|son|daughter|sister|brother)-in-law|colleague|boss|doctor|"
             "nurse|child|baby|partner|fianc[eé]e?|caregiver|teacher|landlord|employer")
Pattern = tuple[re.Pattern[str], bool]  # strict: every word after the cue must be a name

ENGLISH: list[Pattern] = [
    # Dr. Sharma, Mr Rao, Smt. Devi, Doctor Mehta, Sister Mary
    (re.compile(rf"(?<![\w.])(?P<cue>(?i:(?:dr|mr|mrs|ms|mx|prof|smt|shri|sri|kum)"
                rf"(?:\.[ \t]*|[ \t]+)|(?:doctor|miss|sister|nurse|professor|madam)[ \t]+))"
                rf"(?P<name>{NAME})"), False),
    # my husband Ramesh, her late father Mohan
    (re.compile(rf"(?i:\b(?:my|our|his|her|their)[ \t]+(?:(?:late|elder|younger|little)"
                rf"[ \t]+)?(?:{RELATIONS}))[ \t]*,?[ \t]+(?P<name>{NAME})"), False),
    # a nurse named Priya, my friend called Anil, her name is Kavita
    (re.compile(rf"(?i:\b(?:named|called|name[ \t]+(?:is|was)))[ \t]+(?P<name>{NAME})"),
     False),
    # Sunita ji, Meena-didi, Ramesh bhai
    (re.compile(rf"(?<![\w.])(?P<name>{WORD}(?:[ \t]+{WORD})?)[ \t]*-?[ \t]*"
                rf"(?P<suffix>(?i:ji|jee|bhai|bhaiya|didi|sahab|saheb))\b"), True),
]

DEV = "\u0900-\u097f"
HWORD = rf"[{DEV}]+"
ALONE = rf"(?<![{DEV}])"  # Devanagari vowel signs are not \w: \b cannot be used
ENDS = rf"(?![{DEV}])"
HINDI_RELATIONS = ("पति|पत्नी|बेटा|बेटे|बेटी|माँ|मां|पिता|पिताजी|भाई|बहन|दोस्त|सहेली|सास|"
                   "ससुर|बहू|दामाद|चाचा|चाची|मामा|मामी|नानी|दादी|नाना|दादा|पड़ोसी|पड़ोसन")
# Hindi has no capitals: after a cue that any word may follow ("मेरे पति बीमार थे", my
# husband was ill), a word is taken for a name only where a postposition, a conjunction
# or a sentence's end comes next ("मेरे पति रमेश ने"); after "नाम", where "is" does.
THEN = rf"(?=[ \t]*(?:[,।.!?]|$|(?:ने|को|से|का|की|के|और|भी|तो|ही){ENDS}))"
IS = rf"(?=[ \t]+(?:है|था|थी|थे|हैं){ENDS})"
HINDI: list[Pattern] = [
    # श्री रमेश, श्रीमती गीता, डॉ. वर्मा
    (re.compile(rf"{ALONE}(?P<cue>(?:श्रीमती|श्रीमान|सुश्री|कुमारी|श्री)[ \t]+|"
                rf"(?:डॉ|डा)\.[ \t]*)(?P<name>{HWORD}(?:[ \t]+{HWORD})?)"), False),
    # डॉक्टर शर्मा ने
    (re.compile(rf"{ALONE}(?P<cue>डॉक्टर[ \t]+)(?P<name>{HWORD}(?:[ \t]+{HWORD})?){THEN}"),
     True),
    # मेरे पति रमेश ने, मेरी बहन सीमा और
    (re.compile(rf"{ALONE}(?:मेरे|मेरी|मेरा|हमारे|हमारी|हमारा|उनके|उनकी|उनका|उसके|उसकी|उसका)"
                rf"[ \t]+(?:{HINDI_RELATIONS}){ENDS}[ \t]*,?[ \t]+"
                rf"(?P<name>{HWORD}(?:[ \t]+{HWORD})?){THEN}"), True),
    # सुनीता जी
    (re.compile(rf"{ALONE}(?P<name>{HWORD})[ \t]+(?P<suffix>जी|भाई|दीदी|साहब){ENDS}"), True),
    # उनका नाम रमेश है
    (re.compile(rf"{ALONE}नाम[ \t]+(?P<name>{HWORD}(?:[ \t]+{HWORD})?){IS}"), True),
]


def names(text: str, own_name: str | None = None) -> list[str]:
    """The other people's names in `text`, as written (with the honorific or suffix that
    announced them), each once, in order; the storyteller's own name left out."""
    own = {word.casefold() for word in re.findall(rf"[\w{DEV}]+", own_name or "")}
    found: dict[str, None] = {}
    taken = -1  # where the last name kept ends: a name is found once, by its first cue
    for start, end, shown, words in sorted(_hits(text)):
        if start >= taken and not {word.casefold() for word in words} <= own:
            found.setdefault(shown, None)
            taken = end
    return list(found)


def _hits(text: str) -> Iterator[tuple[int, int, str, list[str]]]:
    for (pattern, strict), hindi in [*((p, False) for p in ENGLISH),
                                     *((p, True) for p in HINDI)]:
        for match in pattern.finditer(text):
            written = match.group("name").split()
            words = _name_words(written, hindi)
            if not words or (strict and len(words) < len(written)):
                continue
            yield match.start(), match.end(), _shown(match, words), words


def _name_words(words: list[str], hindi: bool) -> list[str]:
    """The leading words that may be a name: up to the first that cannot."""
    kept = []
    for word in words:
        if not _may_be_a_name(word, hindi):
            break
        kept.append(word)
    return kept


def _may_be_a_name(word: str, hindi: bool) -> bool:
    if hindi:
        return word not in HINDI_NOT_NAMES and len(word) > 1
    folded = word.casefold()
    return folded not in NOT_NAMES and not folded.endswith(MEDICINE_ENDINGS)


def _shown(match: re.Match[str], words: list[str]) -> str:
    """The name as written: with the honorific before it, or the suffix after it."""
    if match.groupdict().get("suffix"):
        return match.group(0)
    cue = match.groupdict().get("cue") or ""
    return cue + " ".join(words)
