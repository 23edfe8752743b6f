"""The API's RFC 9457 problems, as messages next to the form fields they concern."""

from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

BODY = "body"  # the gateway's name for a rule over the whole body


@dataclass(frozen=True)
class Problem:
    status: int
    title: str
    detail: str | None = None
    errors: tuple[tuple[str, str], ...] = ()  # (field, message), as the API names them

    @classmethod
    def from_reply(cls, status: int, body: Any) -> "Problem":
        """A problem from a reply's JSON body; any other body is a bare status."""
        if not isinstance(body, dict):
            return cls(status, "")
        errors = tuple((str(e.get("field") or BODY), str(e.get("message") or ""))
                       for e in body.get("errors") or () if isinstance(e, dict))
        return cls(status, str(body.get("title") or ""), body.get("detail"), errors)


@dataclass
class FormErrors:
    """What a form shows: a message beside each field the API named, the rest on top."""

    fields: dict[str, str] = field(default_factory=dict)
    general: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.fields or self.general)


def form_errors(problem: Problem, names: Collection[str]) -> FormErrors:
    """Place each of the problem's field errors beside the form control of that name; a
    message about no control of the form (the whole body, a group) goes on top."""
    shown = FormErrors()
    for name, message in problem.errors:
        if name in names:
            shown.fields.setdefault(name, message)
        else:
            shown.general.append(message if name == BODY else f"{name}: {message}")
    if not problem.errors:
        shown.general.append(summary(problem))
    return shown


def summary(problem: Problem) -> str:
    """The title (in the caller's language where the API has it) and the detail."""
    parts = [p for p in (problem.title, problem.detail) if p]
    if len(parts) == 2 and parts[0] == parts[1]:
        parts.pop()
    return " — ".join(parts) or str(problem.status)
