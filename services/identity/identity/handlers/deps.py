"""What identity's use cases depend on, and the steps they share."""

import hashlib
import hmac
from dataclasses import dataclass
from uuid import UUID

from argon2 import PasswordHasher
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from contracts.events import Event
from identity import applications as apps
from identity import domain
from identity.adapters import sql
from identity.inline import Inline
from identity.tokens import TokenSigner
from kit.errors import not_found
from kit.eventstore import Metadata
from kit.personal import PersonalData


@dataclass(frozen=True)
class Throttle:
    """Login defences: lock a name after repeated failures, slow down an address."""

    failures_per_name: int = 10
    failures_per_address: int = 100
    window_s: int = 900
    lockout_s: int = 300  # doubles with each further lockout, up to a day


@dataclass(frozen=True)
class Deps:
    engine: AsyncEngine
    personal: PersonalData
    signer: TokenSigner
    hasher: PasswordHasher
    lookup_key: bytes  # keys the blind indexes (login names, registrations, addresses)
    sandbox: domain.SandboxRule
    throttle: Throttle
    refresh_ttl_s: int

    def keyed_hash(self, value: str) -> str:
        return hmac.new(self.lookup_key, value.encode(), hashlib.sha256).hexdigest()

    @property
    def inline(self) -> Inline:
        return Inline(self.personal, self.keyed_hash)

    async def append(self, conn: AsyncConnection, stream_id: str, version: int,
                     events: list[Event], meta: Metadata) -> None:
        """Append, and update the inline read model in the same transaction."""
        if events:
            envelopes = await sql.store.append(conn, stream_id, version, events, meta)
            await self.inline.apply_all(conn, events, envelopes)


async def load_account(conn: AsyncConnection, user_id: UUID) -> tuple[domain.Account, int]:
    envelopes = await sql.store.load(conn, domain.stream_id(user_id))
    if not envelopes:
        raise not_found("the account")
    events = [domain.REGISTRY.decode(e) for e in envelopes]
    return domain.replay(events), envelopes[-1].stream_version


async def load_application(conn: AsyncConnection,
                           application_id: UUID) -> tuple[apps.Application, int]:
    envelopes = await sql.store.load(conn, apps.stream_id(application_id))
    if not envelopes:
        raise not_found("the application")
    return (apps.replay([apps.REGISTRY.decode(e) for e in envelopes]),
            envelopes[-1].stream_version)
