"""Every survey for its staff: drafts, published and closed ones, newest first, with their
versions and how many answered (hidden under 5 in an anonymous survey)."""

from typing import Any

from contracts.surveys.messages import (
    Definition,
    StaffSurveysPage,
    StaffSurveysQuery,
    StaffSurveySummary,
)
from kit.pagination import decode_cursor, next_cursor
from kit.usecases import Call
from surveys import domain, figures
from surveys.adapters import sql
from surveys.deps import Deps


async def list_all_surveys(call: Call[StaffSurveysQuery], deps: Deps) -> StaffSurveysPage:
    query = call.command
    async with deps.db.connect() as conn:
        rows = await sql.all_surveys(conn, deps.clock(), query.status,
                                     decode_cursor(query.cursor), query.limit)
    return StaffSurveysPage(items=[_summary(row, query.languages) for row in rows[:query.limit]],
                            next_cursor=next_cursor(list(rows), query.limit, "drafted_at",
                                                    "survey_id"))


def _summary(row: Any, languages: list[str]) -> StaffSurveySummary:
    definition = Definition.model_validate(row.definition)
    title, language = domain.label(definition.title, languages, definition.default_language)
    return StaffSurveySummary(
        survey_id=row.survey_id, title=title or "", language=language, mode=definition.mode,
        status=row.status, version=row.published_version, working_version=row.working_version,
        responses=figures.responses_shown(row.answered, definition.mode == "anonymous"),
        opens_at=definition.opens_at, closes_at=definition.closes_at, drafted_at=row.drafted_at,
        published_at=row.published_at)
