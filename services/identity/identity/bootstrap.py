"""The composition root of the identity service."""

import hashlib
from functools import partial

from argon2 import PasswordHasher

from identity import handlers
from identity.adapters import sql
from identity.domain import SandboxRule
from identity.handlers.accounts import NewAccount, create_account
from identity.handlers.deps import Deps, Throttle
from identity.settings import IdentitySettings
from identity.tokens import TokenSigner, load_private_key
from kit import personal
from kit.db import make_engine
from kit.eventstore import Metadata
from kit.logging import get_logger
from kit.service import Service

log = get_logger(__name__)


def build_deps(settings: IdentitySettings) -> Deps:
    master = personal.master_key_from(settings.personal_data_master_key)
    signer = TokenSigner(load_private_key(settings.jwt_private_key,
                                          settings.jwt_private_key_file),
                         settings.jwt_issuer, settings.jwt_audience, settings.access_token_ttl_s)
    return Deps(
        engine=make_engine(settings.database_url, settings.db_pool_size),
        personal=personal.PersonalData(master), signer=signer, hasher=PasswordHasher(),
        lookup_key=hashlib.sha256(b"blind-index:" + master).digest(),
        sandbox=SandboxRule(hours=settings.sandbox_hours,
                            posts_per_hour=settings.sandbox_posts_per_hour),
        throttle=Throttle(failures_per_name=settings.login_failures_per_account,
                          failures_per_address=settings.login_failures_per_address,
                          lockout_s=settings.login_lockout_s),
        refresh_ttl_s=settings.refresh_token_ttl_s)


def bootstrap(settings: IdentitySettings | None = None) -> Service:
    settings = settings or IdentitySettings()
    deps = build_deps(settings)

    return Service(name="identity", settings=settings, engine=deps.engine,
                   metadata=[personal.metadata, sql.metadata], routes=handlers.routes(deps),
                   store=sql.store, on_start=[partial(ensure_first_admin, deps, settings)],
                   inline_models=[deps.inline.model()])


async def ensure_first_admin(deps: Deps, settings: IdentitySettings) -> None:
    """Create the first admin from ADMIN_EMAIL / ADMIN_PASSWORD when there is none."""
    if not (settings.admin_email and settings.admin_password):
        return
    async with deps.engine.begin() as conn:
        if await sql.admin_exists(conn):
            return
        new = NewAccount("admin", "Administrator", settings.admin_email, None,
                         settings.admin_password, "en", [("terms", "admin")])
        await create_account(conn, deps, new, deps.hasher.hash(new.password),
                             Metadata(actor="system"), sandboxed=False)
    log.info("first_admin_created")
