"""What identity's use cases depend on."""

from collections.abc import Callable
from dataclasses import dataclass, field

from identity import applications as apps
from identity import domain
from identity.hashing import KeyedLocks, PasswordHashing
from identity.tokens import TokenSigner
from kit.aggregates import Repository
from kit.personal import PersonalData
from kit.usecases import Database


@dataclass(frozen=True)
class Deps:
    db: Database
    accounts: Repository[domain.Account]
    applications: Repository[apps.Application]
    personal: PersonalData
    keyed_hash: Callable[[str], str]  # blind indexes: login names, registrations, addresses
    signer: TokenSigner
    hashing: PasswordHashing  # bounded: beyond it a BusyError
    sandbox: domain.SandboxRule
    throttle: domain.Throttle
    sign_ups: domain.SignUpLimit
    refresh_ttl_s: int
    refresh_grace_s: int = 30  # a retried refresh within it is no reuse
    sign_ins: KeyedLocks = field(default_factory=KeyedLocks)  # one check per account
