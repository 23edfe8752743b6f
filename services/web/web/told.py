"""What the API tells the author of a post, a comment or a question (held for a moderator,
the helpline, a side-effect report they may start), kept for the next page."""

from typing import Any

from starlette.requests import Request

from web.edge import session_of


def told(request: Request, accepted: dict[str, Any]) -> None:
    """Keep the reply's notices and offers for the next page, each offered report draft
    under a key the report form opens (`/report?offer=<key>`); nothing is sent for them."""
    session = session_of(request)
    offers = [{"message": o["message"], "key": session.keep_offer(o["prefill"])}
              for o in accepted.get("offers") or ()]
    session.told = {"status": accepted.get("status"), "notices": accepted.get("notices") or [],
                    "offers": offers}
