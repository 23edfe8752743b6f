"""Results for staff: the figures per question, overall and per community (cells under the
small-cell rule hidden in anonymous surveys), the free texts the moderation patterns let
through, and the CSV export of the responses (never who gave them, when anonymous)."""

from collections import defaultdict
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncConnection

from contracts.surveys.messages import (
    CommunityResults,
    Definition,
    Results,
    SurveyRef,
    TextAnswer,
)
from kit.personal import PREFIX
from kit.spreadsheet import csv_bytes
from kit.usecases import Binary, Call
from surveys import chart, domain, figures
from surveys.adapters import sql
from surveys.deps import Deps
from surveys.handlers.answering import TEXT_FIELD
from surveys.projections import ALL_RESPONSES


async def staff_survey(conn: AsyncConnection, deps: Deps,
                       ref: SurveyRef) -> tuple[Any, Definition]:
    """The survey and the version staff read: the published one, else the draft."""
    survey, _ = await deps.surveys.get(conn, domain.survey_stream(ref.survey_id))
    if not survey.exists:
        raise domain.NoSuchSurveyError("no such survey")
    return survey, survey.current() or survey.versions[survey.working]


async def survey_results(call: Call[SurveyRef], deps: Deps) -> Results:
    async with deps.db.connect() as conn:
        _, definition = await staff_survey(conn, deps, call.command)
        counts: dict[str, dict[str, dict[str, int]]] = defaultdict(lambda: defaultdict(dict))
        for row in await sql.counts(conn, call.command.survey_id):
            counts[row.community][row.question][row.option] = row.count
        sums = {(r.community, r.question): (r.n, r.total)
                for r in await sql.sums(conn, call.command.survey_id)}
        texts = await _texts(conn, deps, call.command)
    anonymous = definition.mode == "anonymous"

    def group(community: str) -> tuple[int | None, list[Any]]:
        cells = counts.get(community, {})
        total = sum(cells.get("*", {}).values())
        return figures.responses_shown(total, anonymous), [
            figures.question_result(q, cells.get(q.id, {}), sums.get((community, q.id)),
                                    anonymous) for q in definition.questions]

    responses, questions = group(ALL_RESPONSES)
    by_version = {v: figures.responses_shown(n, anonymous)
                  for v, n in sorted(counts.get(ALL_RESPONSES, {}).get("*", {}).items())}
    communities = [CommunityResults(community=c, responses=group(c)[0], questions=group(c)[1])
                   for c in sorted(k for k in counts if k != ALL_RESPONSES)]
    return Results(survey_id=call.command.survey_id, mode=definition.mode,
                   responses=responses, by_version=by_version,
                   suppressed_below=figures.SMALL_CELL if anonymous else 0,
                   questions=questions, communities=communities, texts=texts)


async def _texts(conn: AsyncConnection, deps: Deps, ref: SurveyRef) -> list[TextAnswer]:
    """The free texts: held ones shown as held, without their words."""
    found = []
    for row in await sql.free_texts(conn, ref.survey_id):
        if row.held:
            found.append(TextAnswer(question=row.question, text=None, status="held",
                                    reasons=list(row.held)))
            continue
        text = row.text if row.respondent_id is None else await deps.personal.reveal(
            conn, row.respondent_id, TEXT_FIELD, row.text)
        found.append(TextAnswer(question=row.question, text=text, status="published"))
    return found


async def export_responses(call: Call[SurveyRef], deps: Deps) -> Binary:
    """One row per response; the respondent and their communities only when identified;
    held free texts as "[held]"; cells never run as formulas (kit.spreadsheet). Made whole
    in one reply: a large survey's export is a job with its progress (handlers/exports.py)."""
    async with deps.db.connect() as conn:
        _, definition = await staff_survey(conn, deps, call.command)
        sheet = await Sheet.of(conn, call.command.survey_id, definition)
        rows = await sql.all_responses(conn, call.command.survey_id)
        lines = [await sheet.line(conn, deps, row, number) for number, row in
                 enumerate(rows, 1)]
    return Binary(csv_bytes(sheet.columns, lines), "text/csv; charset=utf-8")


@dataclass(frozen=True)
class Sheet:
    """How responses become the export's lines: its columns, and the held free texts."""

    columns: list[str]
    questions: list[str]
    identified: bool
    held: set[tuple[Any, str]]

    @staticmethod
    async def of(conn: AsyncConnection, survey_id: UUID, definition: Definition) -> "Sheet":
        identified = definition.mode == "identified"
        ids = [q.id for q in definition.questions]
        held = {(r.response_id, r.question) for r in await sql.free_texts(conn, survey_id)
                if r.held}
        columns = [*(["respondent_id", "communities"] if identified else []),
                   "response", "version", "answered_on", "language", *ids]
        return Sheet(columns, ids, identified, held)

    async def line(self, conn: AsyncConnection, deps: Deps, row: Any,
                   number: int) -> dict[str, str]:
        line = {"response": str(number), "version": str(row.version),
                "answered_on": row.answered_on.isoformat(), "language": row.language}
        if self.identified:
            line |= {"respondent_id": str(row.respondent_id),
                     "communities": ";".join(row.communities)}
        for qid in self.questions:
            line[qid] = await _cell(conn, deps, row, qid, (row.response_id, qid) in self.held)
        return line


async def _cell(conn: AsyncConnection, deps: Deps, row: Any, question: str,
                held: bool) -> str:
    value = row.answers.get(question)
    if value is None:
        return ""
    if held:
        return "[held]"
    if isinstance(value, list):
        return ";".join(value)
    if isinstance(value, str) and row.respondent_id is not None and value.startswith(PREFIX):
        return await deps.personal.reveal(conn, row.respondent_id, TEXT_FIELD, value) or ""
    return str(value)


async def results_chart(call: Call[SurveyRef], deps: Deps) -> Binary:
    """The overall results as an SVG chart, labelled in the caller's language."""
    results = await survey_results(call, deps)
    async with deps.db.connect() as conn:
        _, definition = await staff_survey(conn, deps, call.command)
    titles = {q.id: domain.label(q.label, call.command.languages,
                                 definition.default_language)[0] or q.id
              for q in definition.questions}
    return Binary(chart.svg(results, titles).encode(), "image/svg+xml")
