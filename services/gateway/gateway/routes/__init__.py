"""The public HTTP API (../shared/API.md): one module of routes per context, each route
forwarded to its owning service with a request model of `contracts/`."""

from gateway.routes import admin, assistance, feed, identity, media, pharmacovigilance, ratings

ROUTERS = (identity.router, feed.router, media.router, pharmacovigilance.router,
           ratings.router, admin.router, assistance.router, assistance.mine)
