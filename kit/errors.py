"""Errors that become RFC 9457 problems at the edge."""

from contracts.rpc import FieldError, Problem


class ProblemError(Exception):
    """A failure to report to the caller as a problem (4xx; 5xx only for our own faults)."""

    def __init__(self, status: int, title: str, detail: str | None = None, *,
                 errors: list[FieldError] | None = None, type_: str = "about:blank") -> None:
        super().__init__(detail or title)
        self.problem = Problem(type=type_, title=title, status=status, detail=detail,
                               errors=errors)


def not_found(what: str) -> ProblemError:
    return ProblemError(404, "Not found", f"{what} does not exist")


def forbidden(detail: str = "your role does not allow this") -> ProblemError:
    return ProblemError(403, "Forbidden", detail)


def unauthorized(detail: str = "sign in first") -> ProblemError:
    return ProblemError(401, "Unauthorized", detail)


def conflict(detail: str) -> ProblemError:
    return ProblemError(409, "Conflict", detail)


def invalid(field: str, message: str) -> ProblemError:
    return ProblemError(422, "Invalid request", message,
                        errors=[FieldError(field=field, message=message)])
