"""The public HTTP API (../shared/API.md): one module of routes per context, each route
forwarded to its owning service with a request model of `contracts/`."""

from gateway.routes import (
    admin,
    assistance,
    feed,
    identity,
    media,
    pharmacovigilance,
    ratings,
    surveys,
    voices,
)

ROUTERS = (identity.router, feed.router, media.router, pharmacovigilance.router,
           ratings.router, voices.router, admin.router, surveys.router, assistance.router,
           assistance.mine)
