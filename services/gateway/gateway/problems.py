"""RFC 9457 problem responses, with titles in the caller's language (en, hi)."""

from typing import Any

import orjson
from fastapi import Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException
from starlette.responses import Response

from kit.logging import get_logger

log = get_logger(__name__)
PROBLEM_JSON = "application/problem+json"
# What every route may answer besides its success, for the OpenAPI document.
RESPONSES = {code: {"description": "problem details (RFC 9457)", "content": {PROBLEM_JSON: {}}}
             for code in (400, 401, 403, 404, 409, 413, 422, 429, 431, 503, 504)}

HINDI_TITLES = {
    "Bad request": "गलत अनुरोध",
    "Malformed JSON": "अमान्य JSON",
    "Invalid request": "अनुरोध में त्रुटि",
    "Unauthorized": "पहले साइन इन करें",
    "Invalid credentials": "गलत उपयोगकर्ता नाम या पासवर्ड",
    "Forbidden": "अनुमति नहीं है",
    "Not found": "नहीं मिला",
    "Method not allowed": "यह तरीका अनुमत नहीं है",
    "Conflict": "टकराव",
    "Payload too large": "अनुरोध बहुत बड़ा है",
    "Request header fields too large": "अनुरोध के हेडर बहुत बड़े हैं",
    "Too many requests": "बहुत अधिक अनुरोध; थोड़ी देर बाद कोशिश करें",
    "Unsupported media type": "असमर्थित सामग्री प्रकार",
    "Idempotency-Key reused": "Idempotency-Key दोबारा इस्तेमाल हुई",
    "Service unavailable": "सेवा अभी उपलब्ध नहीं है",
    "Gateway timeout": "सेवा ने समय पर उत्तर नहीं दिया",
    "Internal error": "आंतरिक त्रुटि",
}
STATUS_TITLES = {400: "Bad request", 401: "Unauthorized", 403: "Forbidden", 404: "Not found",
                 405: "Method not allowed", 409: "Conflict", 413: "Payload too large",
                 415: "Unsupported media type", 416: "Range not satisfiable",
                 422: "Invalid request", 429: "Too many requests",
                 431: "Request header fields too large",
                 503: "Service unavailable", 504: "Gateway timeout"}


def language_of(accept_language: str | None) -> str:
    """The first of our languages (hi, en) that the caller accepts."""
    for part in (accept_language or "").split(","):
        tag = part.split(";")[0].strip().lower()[:2]
        if tag in ("hi", "en"):
            return tag
    return "en"


def localise(problem: dict[str, Any], language: str) -> dict[str, Any]:
    if language == "hi" and problem.get("title") in HINDI_TITLES:
        return {**problem, "title": HINDI_TITLES[problem["title"]]}
    return problem


def problem_response(status: int, detail: str | None = None, *, title: str | None = None,
                     errors: list[dict[str, str]] | None = None, language: str = "en",
                     headers: dict[str, str] | None = None) -> Response:
    problem: dict[str, Any] = {"type": "about:blank",
                               "title": title or STATUS_TITLES.get(status, "Error"),
                               "status": status}
    if detail:
        problem["detail"] = detail
    if errors:
        problem["errors"] = errors
    return Response(orjson.dumps(localise(problem, language)), status_code=status,
                    media_type=PROBLEM_JSON, headers=headers)


def _language(request: Request) -> str:
    return language_of(request.headers.get("accept-language"))


async def on_validation_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, RequestValidationError)
    raw = error.errors()
    if any(e.get("type") == "json_invalid" for e in raw):
        return problem_response(400, "the request body is not valid JSON",
                                title="Malformed JSON", language=_language(request))
    errors = [{"field": ".".join(str(p) for p in e.get("loc", ()) if p != "body") or "body",
               "message": str(e.get("msg", "invalid"))} for e in raw]
    return problem_response(422, "some fields are missing or wrong", errors=errors,
                            language=_language(request))


async def on_http_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, HTTPException)
    return problem_response(error.status_code, str(error.detail) if error.detail else None,
                            language=_language(request), headers=getattr(error, "headers", None))


async def on_unexpected(request: Request, error: Exception) -> Response:
    log.error("gateway_failed", error=type(error).__name__, path=request.url.path,
              exc_info=True)
    return problem_response(500, "the gateway failed; try again", title="Internal error",
                            language=_language(request))
