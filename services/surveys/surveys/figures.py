"""The results' figures, pure: from the counts the results projection keeps to what staff
see — counts and percentages per option, means, % positive, NPS — with the small-cell rule
of anonymous surveys (README.md, "Results"). No I/O."""

from collections.abc import Mapping

from contracts.surveys.messages import DONT_KNOW, OptionCount, Question, QuestionResult
from surveys.domain import CHOICES, SCALES

SMALL_CELL = 5  # anonymous surveys: a cell of fewer answers (but not none) is not shown
ANSWERED = "*"  # the option under which a question's count of answers is kept
POSITIVE = ("4", "5")  # FFT: the top two boxes of the five-point scale
PROMOTERS, DETRACTORS = tuple(str(n) for n in (9, 10)), tuple(str(n) for n in range(7))


def options_of(question: Question) -> list[str]:
    """The cells a question's answers are counted in."""
    if question.type in CHOICES:
        return [option.value for option in question.options]
    if question.type in SCALES:
        values = [str(n) for n in SCALES[question.type]]
        return [*values, DONT_KNOW] if question.dont_know else values
    return []


def cells(question: Question, answer: object) -> list[str]:
    """The options one answer counts in, besides ANSWERED."""
    if question.type not in CHOICES and question.type not in SCALES:
        return []
    given = answer if isinstance(answer, list) else [answer]
    return [str(value) for value in given]


def question_result(question: Question, counts: Mapping[str, int],
                    number: tuple[int, float] | None, anonymous: bool) -> QuestionResult:
    """The figures of one question over one group of responses."""
    answered = counts.get(ANSWERED, 0)
    if anonymous and 0 < answered < SMALL_CELL:
        return QuestionResult(question=question.id, type=question.type, answers=None,
                              suppressed=True, options=[
                                  OptionCount(value=v, count=None, percent=None)
                                  for v in options_of(question)])
    shown = _shown_cells(question, counts, anonymous)
    options = [OptionCount(value=v, count=shown[v], percent=_percent(shown[v], answered))
               for v in options_of(question)]
    return QuestionResult(question=question.id, type=question.type, answers=answered,
                          options=options, mean=_mean(question, counts, number),
                          percent_positive=_positive(question, counts),
                          nps=_nps(question, counts),
                          suppressed=any(o.count is None for o in options))


def _shown_cells(question: Question, counts: Mapping[str, int],
                 anonymous: bool) -> dict[str, int | None]:
    """Each cell's count, or None when under the small-cell rule; a lone hidden cell takes
    the next smallest one with it, or it could be read off the total."""
    shown: dict[str, int | None] = {v: counts.get(v, 0) for v in options_of(question)}
    if not anonymous:
        return shown
    small = [v for v, n in shown.items() if n and n < SMALL_CELL]
    if len(small) == 1 and question.type != "multiple_choice":
        others = sorted((n, v) for v, n in shown.items() if n and v not in small)
        small += [v for _, v in others[:1]]
    return {v: None if v in small else n for v, n in shown.items()}


def _percent(count: int | None, answered: int) -> float | None:
    if count is None or not answered:
        return None
    return round(100 * count / answered, 1)


def _scored(counts: Mapping[str, int], question: Question) -> dict[int, int]:
    return {n: counts.get(str(n), 0) for n in SCALES[question.type]}


def _mean(question: Question, counts: Mapping[str, int],
          number: tuple[int, float] | None) -> float | None:
    if question.type == "number" and number and number[0]:
        return round(number[1] / number[0], 2)
    if question.type not in SCALES:
        return None
    scored = _scored(counts, question)
    total = sum(scored.values())
    return round(sum(n * c for n, c in scored.items()) / total, 2) if total else None


def _positive(question: Question, counts: Mapping[str, int]) -> float | None:
    """% positive: the top two boxes over the answers, "don't know" left out."""
    if question.type != "likert":
        return None
    total = sum(_scored(counts, question).values())
    if not total:
        return None
    return round(100 * sum(counts.get(v, 0) for v in POSITIVE) / total, 1)


def _nps(question: Question, counts: Mapping[str, int]) -> float | None:
    """% promoters (9-10) minus % detractors (0-6), of the answers ("don't know" out)."""
    if question.type != "nps":
        return None
    total = sum(_scored(counts, question).values())
    if not total:
        return None
    promoters = sum(counts.get(v, 0) for v in PROMOTERS)
    detractors = sum(counts.get(v, 0) for v in DETRACTORS)
    return round(100 * (promoters - detractors) / total, 1)


def responses_shown(count: int, anonymous: bool) -> int | None:
    return None if anonymous and 0 < count < SMALL_CELL else count
