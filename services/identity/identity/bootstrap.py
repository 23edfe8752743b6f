"""The composition root of the identity service."""

import hashlib
from functools import partial

from argon2 import PasswordHasher
from sqlalchemy.ext.asyncio import AsyncEngine

from identity import handlers
from identity.adapters import sql
from identity.handlers import Deps, NewAccount
from identity.settings import IdentitySettings
from identity.tokens import TokenSigner, load_private_key
from kit import personal
from kit.db import make_engine
from kit.eventstore import Metadata
from kit.logging import get_logger
from kit.service import Service

log = get_logger(__name__)


def build_deps(settings: IdentitySettings, engine: AsyncEngine) -> Deps:
    master = personal.master_key_from(settings.personal_data_master_key)
    signer = TokenSigner(load_private_key(settings.jwt_private_key,
                                          settings.jwt_private_key_file),
                         settings.jwt_issuer, settings.jwt_audience, settings.access_token_ttl_s)
    return Deps(engine=engine, personal=personal.PersonalData(master), signer=signer,
                hasher=PasswordHasher(),
                lookup_key=hashlib.sha256(b"login-names:" + master).digest())


def bootstrap(settings: IdentitySettings | None = None) -> Service:
    settings = settings or IdentitySettings()
    engine = make_engine(settings.database_url, settings.db_pool_size)
    deps = build_deps(settings, engine)

    async def first_admin() -> None:
        await ensure_first_admin(deps, settings)

    return Service(name="identity", settings=settings, engine=engine,
                   metadata=[personal.metadata, sql.metadata], routes=handlers.routes(deps),
                   store=sql.store, on_start=[first_admin],
                   inline_models={"accounts": partial(handlers.rebuild_accounts, deps)})


async def ensure_first_admin(deps: Deps, settings: IdentitySettings) -> None:
    """Create the first admin from ADMIN_EMAIL / ADMIN_PASSWORD when there is none."""
    if not (settings.admin_email and settings.admin_password):
        return
    async with deps.engine.begin() as conn:
        if await sql.admin_exists(conn):
            return
        new = NewAccount("admin", "Administrator", settings.admin_email, None,
                         settings.admin_password, "en")
        await handlers.create_account(conn, deps, new, deps.hasher.hash(new.password),
                                      Metadata(actor="system"))
    log.info("first_admin_created")
