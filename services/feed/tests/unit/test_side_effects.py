"""The matcher that offers a side-effect report: a medicine and a side effect, in English,
Hindi or Hinglish, and nothing for words that tell of neither."""

import pytest

from feed import side_effects


@pytest.mark.parametrize(("text", "medicine", "generic"), [
    ("My skin broke out after Amoxicillin. It itches at night.", "Amoxicillin", "amoxicillin"),
    ("Took two Dolo 650 and felt dizzy all day", "Dolo", "paracetamol"),
    ("मेटफॉर्मिन लेने के बाद उल्टी हो रही है।", "मेटफॉर्मिन", "metformin"),
    ("Glycomet se ulti jaisa lagta hai", "Glycomet", "metformin"),
])
def test_a_reaction_to_a_known_medicine_is_offered_with_the_persons_words(
        text: str, medicine: str, generic: str) -> None:
    found = side_effects.offer(text, "en")
    assert found is not None and (found.medicine, found.generic) == (medicine, generic)
    assert found.description in text


def test_the_sentence_telling_of_the_reaction_is_the_description() -> None:
    found = side_effects.offer("I started Amlodipine in May. Now my ankles are swollen!", "en")
    assert found is not None and found.description == "Now my ankles are swollen!"


@pytest.mark.parametrize("text", [
    "Metformin keeps my sugar in range",  # a medicine, no side effect
    "I had a rash after the wedding food",  # a side effect, no medicine
    "Moxie is my cat's name and she has an itchy ear",  # no whole-word medicine
])
def test_words_that_tell_of_no_reaction_to_a_medicine_offer_nothing(text: str) -> None:
    assert side_effects.offer(text, "en") is None
