"""The composition root of the identity service."""

import hashlib
from functools import partial

from argon2 import PasswordHasher

from contracts import roles
from identity import applications as apps
from identity import domain, handlers, projections
from identity.adapters import sql
from identity.deps import Deps
from identity.handlers.accounts import NewAccount, open_account
from identity.hashing import PasswordHashing
from identity.sealed import BlindIndex
from identity.settings import IdentitySettings
from identity.tokens import TokenSigner, load_private_key
from kit import personal
from kit.aggregates import Repository
from kit.db import make_engine
from kit.eventstore import Metadata
from kit.logging import get_logger
from kit.service import Service
from kit.usecases import Database, serve

log = get_logger(__name__)


def deps_for(db: Database, settings: IdentitySettings) -> Deps:
    """The use cases' dependencies (the service tier's tests build them the same way)."""
    master = personal.master_key_from(settings.personal_data_master_key)
    data = personal.PersonalData(master)
    keyed_hash = BlindIndex(hashlib.sha256(b"blind-index:" + master).digest())
    inline = projections.accounts(data, keyed_hash)
    signer = TokenSigner(load_private_key(settings.jwt_private_key,
                                          settings.jwt_private_key_file),
                         settings.jwt_issuer, settings.jwt_audience, settings.access_token_ttl_s)
    return Deps(
        db=db,
        accounts=Repository(sql.store, domain.REGISTRY, domain.Account, domain.evolve,
                            on_append=inline.apply),
        applications=Repository(sql.store, apps.REGISTRY, apps.Application, apps.evolve,
                                on_append=inline.apply),
        personal=data, keyed_hash=keyed_hash, signer=signer,
        hashing=PasswordHashing(PasswordHasher(), settings.hashing_threads,
                                settings.hashing_bound),
        sandbox=domain.SandboxRule(hours=settings.sandbox_hours,
                                   posts_per_hour=settings.sandbox_posts_per_hour),
        throttle=domain.Throttle(failures_per_name=settings.login_failures_per_account,
                                 failures_per_address=settings.login_failures_per_address,
                                 failures_per_pair=settings.login_failures_per_pair,
                                 lockout_s=settings.login_lockout_s),
        sign_ups=domain.SignUpLimit(per_address=settings.signups_per_address,
                                    window_s=settings.signup_window_s),
        refresh_ttl_s=settings.refresh_token_ttl_s,
        refresh_grace_s=settings.refresh_token_grace_s)


def bootstrap(settings: IdentitySettings | None = None) -> Service:
    """Accounts, sessions and vetting; the inline accounts model; the first admin."""
    settings = settings or IdentitySettings()
    engine = make_engine(settings.database_url, settings.db_pool_size)
    db = Database(engine)
    deps = deps_for(db, settings)
    routes = serve(handlers.HANDLERS, deps, errors=handlers.ERRORS, db=db,
                   idempotency=sql.idempotency)
    return Service(name="identity", settings=settings, engine=engine,
                   metadata=[personal.metadata, sql.metadata], routes=routes, store=sql.store,
                   on_start=[partial(sql.upgrade, engine),
                             partial(ensure_first_admin, deps, settings)],
                   # The model the repositories keep with the events, to replay on request.
                   inline_models=[projections.accounts(deps.personal, deps.keyed_hash)])


async def ensure_first_admin(deps: Deps, settings: IdentitySettings) -> None:
    """Create the first admin from ADMIN_EMAIL / ADMIN_PASSWORD when there is none."""
    if not (settings.admin_email and settings.admin_password):
        return
    async with deps.db.transaction() as conn:
        if await sql.admin_exists(conn):
            return
        new = NewAccount(roles.ADMIN, "Administrator", settings.admin_email, None,
                         settings.admin_password, "en", [("terms", "admin")])
        await open_account(conn, deps, new, deps.hashing.hasher.hash(new.password),
                           Metadata(actor="system"), sandboxed=False)
    log.info("first_admin_created")
