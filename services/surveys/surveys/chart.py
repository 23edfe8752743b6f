"""The results as a chart staff can look at: one block of horizontal bars per question
(the share of its answers per option), the figures beside them, hidden cells said to be
hidden. SVG built from the results, every text escaped. Pure."""

from xml.sax.saxutils import escape

from contracts.surveys.messages import QuestionResult, Results

WIDTH, BAR, ROW, LABEL = 640, 240, 18, 150


def svg(results: Results, titles: dict[str, str]) -> str:
    """The chart of the overall results; `titles` are the questions' labels."""
    parts, y = [], 30
    for question in results.questions:
        if not question.options:
            continue
        parts.append(_text(10, y, f"{titles.get(question.question, question.question)} "
                                  f"— {_figures(question)}", bold=True))
        y += ROW
        for option in question.options:
            width = BAR * (option.percent or 0) / 100
            parts.append(_text(10, y + 12, option.value))
            parts.append(f'<rect x="{LABEL}" y="{y + 2}" width="{width:.1f}" height="12" '
                         'fill="#2a7ab0"/>')
            shown = ("hidden (fewer than 5)" if option.count is None
                     else f"{option.count} ({option.percent}%)")
            parts.append(_text(LABEL + BAR + 10, y + 12, shown))
            y += ROW
        y += ROW
    header = (f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{y}" '
              f'viewBox="0 0 {WIDTH} {y}" font-family="sans-serif" font-size="12">')
    answered = "hidden" if results.responses is None else str(results.responses)
    return "".join([header, _text(10, 16, f"Responses: {answered}", bold=True), *parts,
                    "</svg>"])


def _figures(question: QuestionResult) -> str:
    shown = [f"{question.answers if question.answers is not None else 'hidden'} answers"]
    for name, value in (("mean", question.mean), ("% positive", question.percent_positive),
                        ("NPS", question.nps)):
        if value is not None:
            shown.append(f"{name} {value}")
    return ", ".join(shown)


def _text(x: int, y: int, text: str, bold: bool = False) -> str:
    weight = ' font-weight="bold"' if bold else ""
    return f'<text x="{x}" y="{y}"{weight}>{escape(text)}</text>'
