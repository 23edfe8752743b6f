"""The results' figures by hand: % positive, NPS, means, and the small-cell rule."""

from contracts.surveys.messages import Question
from surveys import figures

LIKERT = Question.model_validate({"id": "fft", "type": "likert", "label": {"en": "How?"},
                                  "dont_know": True})
NPS = Question.model_validate({"id": "nps", "type": "nps", "label": {"en": "Recommend?"}})
CHOICE = Question.model_validate({"id": "c", "type": "single_choice", "label": {"en": "C"},
                                  "options": [{"value": v, "label": {"en": v}}
                                              for v in ("a", "b", "c")]})


def counted(answers: list[object]) -> dict[str, int]:
    counts: dict[str, int] = {figures.ANSWERED: len(answers)}
    for answer in answers:
        counts[str(answer)] = counts.get(str(answer), 0) + 1
    return counts


def test_percent_positive_is_the_top_two_boxes_without_dont_know() -> None:
    result = figures.question_result(LIKERT, counted([5, 5, 4, 3, 1, "dont_know"]), None,
                                     anonymous=False)
    assert result.answers == 6
    assert result.percent_positive == 60.0  # 3 of 5
    assert result.mean == 3.6  # (5+5+4+3+1)/5
    assert {o.value: o.count for o in result.options}["dont_know"] == 1


def test_nps_is_promoters_minus_detractors_in_percent() -> None:
    result = figures.question_result(NPS, counted([10, 9, 9, 8, 7, 6, 0, 3, 10, 10]), None,
                                     anonymous=False)
    assert result.nps == 20.0  # 5 promoters (9-10) and 3 detractors (0-6) of 10 answers
    assert result.mean == 7.2


def test_anonymous_cells_under_five_are_hidden_and_a_lone_one_takes_another() -> None:
    result = figures.question_result(CHOICE, counted(["a"] * 9 + ["b"] * 6 + ["c"] * 2), None,
                                     anonymous=True)
    shown = {o.value: o.count for o in result.options}
    assert shown == {"a": 9, "b": None, "c": None}  # c under 5; b, the next, goes with it
    assert result.suppressed and result.answers == 17


def test_an_anonymous_question_under_five_answers_shows_nothing() -> None:
    result = figures.question_result(LIKERT, counted([5, 4, 4]), None, anonymous=True)
    assert result.answers is None and result.percent_positive is None and result.suppressed


def test_identified_results_show_every_cell() -> None:
    result = figures.question_result(CHOICE, counted(["a", "b"]), None, anonymous=False)
    assert [o.count for o in result.options] == [1, 1, 0]
    assert [o.percent for o in result.options] == [50.0, 50.0, 0.0]


def test_a_number_question_has_its_mean() -> None:
    number = Question.model_validate({"id": "n", "type": "number", "label": {"en": "N"}})
    assert figures.question_result(number, {figures.ANSWERED: 4}, (4, 30.0), False).mean == 7.5
