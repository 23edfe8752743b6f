"""H.1, the case narrative, as the service writes it when the officer has not. Pure."""

from datetime import date
from typing import Any

from contracts.pharmacovigilance.messages import AdrReportForm


def narrative(form: AdrReportForm, received: date | None, officers: str | None,
              follow_ups: list[tuple[dict[str, Any], list[str] | None]]) -> str:
    """H.1: the officer's account, or else a plain one in the reporter's words, then every
    follow-up question and its answer (what made each new version)."""
    who = "Health professional" if form.reporter.is_health_professional else "Consumer"
    taken = "; ".join(f"{m.name} ({m.role})" for m in form.medicines)
    felt = "; ".join(f"{r.description} [{r.language}], outcome {r.outcome}"
                     for r in form.reactions)
    lines = [officers or f"{who} report received {received or 'recently'} through the "
             f"Patients' Union. Medicines: {taken}. Reactions: {felt}."]
    for number, (asked, answers) in enumerate(follow_ups, start=1):
        lines.append(f"Follow-up {number} ({asked['asked_at'][:10]}): asked "
                     + " / ".join(asked["questions"]) + "; answered " + _answer(asked, answers))
    return "\n".join(lines)


def _answer(asked: dict[str, Any], answers: list[str] | None) -> str:
    if answers is not None:
        return " / ".join(answers)
    return "(erased with the reporter's data)" if asked["answered_at"] else "(no answer yet)"
