"""Pages from the Jinja2 templates, with the request's language, session and CSRF token."""

import secrets
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse

from web.i18n import languages, translator
from web.problems import FormErrors
from web.times import shown

templates = Environment(loader=PackageLoader("web"), autoescape=select_autoescape(),
                        undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
templates.filters["ist"] = shown  # an API instant as India's date and time


def page(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    session = request.state.session
    language = request.state.language
    flash, session.flash = session.flash, None
    told, session.told = session.told, None
    html = templates.get_template(template).render(
        t=translator(language), lang=language, languages=languages(), session=session,
        user=session.user, csrf=session.csrf_token, form_key=secrets.token_urlsafe(24),
        path=request.url.path, flash=flash, told=told,
        errors=context.pop("errors", FormErrors()), values=context.pop("values", {}),
        **context)
    return HTMLResponse(html, status_code=status)
