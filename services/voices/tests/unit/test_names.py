"""Other people's names pointed out for redaction, in English and Hindi, and the words
that only look like names after a cue: months, weekdays, kinship words, medicines."""

import pytest

from contracts.voices.messages import Segment
from voices import transcripts
from voices.names import names


@pytest.mark.parametrize(("text", "expected"), [
    ("We saw Dr. Sharma and then Mr Rao at the clinic.", ["Dr. Sharma", "Mr Rao"]),
    ("Dr.Mehta said to wait; Smt. Kamala Devi agreed", ["Dr.Mehta", "Smt. Kamala Devi"]),
    ("my husband Ramesh Kumar drove us", ["Ramesh Kumar"]),
    ("My daughter, Meera, held my hand", ["Meera"]),
    ("her late father Mohan never knew", ["Mohan"]),
    ("Sunita ji from the ward and Anil bhai stayed", ["Sunita ji", "Anil bhai"]),
    ("a nurse named Priya and a boy called Arjun", ["Priya", "Arjun"]),
    ("Her name is Kavita D'Souza.", ["Kavita D'Souza"]),
    ("Professor Rao-Patil explained it", ["Professor Rao-Patil"]),
])
def test_names_announced_by_an_honorific_a_relation_a_suffix_or_a_naming_word(
        text: str, expected: list[str]) -> None:
    assert names(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("डॉ. वर्मा ने दवा बदली", ["डॉ. वर्मा"]),
    ("श्रीमती गीता शर्मा और श्री मोहन आए", ["श्रीमती गीता शर्मा", "श्री मोहन"]),
    ("मेरे पति रमेश ने कहा", ["रमेश"]),
    ("सुनीता जी ने बहुत मदद की", ["सुनीता जी"]),
    ("उनका नाम रमेश है", ["रमेश"]),
    ("डॉक्टर राजेश वर्मा ने जाँच की", ["डॉक्टर राजेश वर्मा"]),
    ("मेरी बहन सीमा, जो नर्स है", ["सीमा"]),
    ("डॉ.वर्मा", ["डॉ.वर्मा"]),
])
def test_names_in_hindi(text: str, expected: list[str]) -> None:
    assert names(text) == expected


@pytest.mark.parametrize("text", [
    "Yesterday Asha went to the ward. Then Mumbai felt far away.",  # sentence-initial words
    "It started in a month called January, on a day called Monday.",
    "They gave me a tablet called Crocin, then one named Metformin.",
    "The doctor called Atorvastatin the culprit; my mother Amma cried.",
    "Namaste ji, thank you Sir.",
    "We went to AIIMS and the ICU, Dr said nothing.",
    "मेरे पति ने कहा कि डॉक्टर ने दवा दी",  # a relation and a title with no name after
    "माँ जी और पिताजी",  # kinship words, not names
    "हम श्रीनगर गए",  # श्री inside a place's name
    "जनवरी में डॉक्टर जी ने पैरासिटामोल दी",
    "मेरे पति बीमार थे और डॉक्टर अच्छे थे",  # any word may follow: not taken for a name
    "मेरा नाम लिखा है; हाँ जी, पंडित जी आए",
    "Doctor Sahab said to rest",
])
def test_what_only_looks_like_a_name_is_not_pointed_out(text: str) -> None:
    assert names(text) == []


def test_the_storytellers_own_name_is_not_anothers() -> None:
    text = "I am Asha Verma; my friend Asha came, and Dr. Verma, and my son Ravi"
    assert names(text, own_name="Asha Verma") == ["Ravi"]
    assert names("called Asha Verma", own_name=None) == ["Asha Verma"]


def test_a_name_is_pointed_out_once_where_two_cues_announce_it() -> None:
    assert names("श्री रमेश जी and Mr Rao ji, Dr. Sharma and Dr. Sharma") == [
        "श्री रमेश", "Mr Rao", "Dr. Sharma"]


def test_the_curator_is_pointed_to_names_where_they_are() -> None:
    found = transcripts.pointers(
        "Amma's story", "with Dr. Sharma", None,
        [Segment(start=0, end=1, text="I am Asha"),
         Segment(start=1, end=2, text="मेरे पति रमेश"),
         Segment(start=2, end=3, text="my son Ravi", redacted=True)], own_name="Asha")
    assert [(p.where, p.index, p.kind, p.found) for p in found] == [
        ("summary", None, "name", "Dr. Sharma"), ("segment", 1, "name", "रमेश")]
